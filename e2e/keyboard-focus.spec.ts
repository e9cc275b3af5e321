// Keyboard users keep their place: Bookmark, Check and a role's Save keep focus while they work and after,
// and a screen reader hears how it went.
import { LabPanel } from "./pages/lab-panel";
import { IMMUTABILITY_LESSON, LessonPage } from "./pages/lesson-page";
import { expect, signUpViaApi, test } from "./support/accounts";

test("Bookmark keeps focus and announces the outcome", async ({ page, student }) => {
  expect(student.id).not.toBe("");
  const lesson = new LessonPage(page);
  await lesson.goto();
  await expect(lesson.bookmark).toHaveText("☆ Bookmark");
  await lesson.bookmark.focus();
  await page.keyboard.press("Enter");
  await expect(lesson.bookmark).toHaveText("★ Bookmarked");
  await expect(lesson.bookmark).toBeFocused();
  await expect(page.getByRole("status").filter({ hasText: "Lesson bookmarked" })).toHaveCount(1);
  // And back, still without leaving the button.
  await page.keyboard.press("Enter");
  await expect(lesson.bookmark).toHaveText("☆ Bookmark");
  await expect(lesson.bookmark).toBeFocused();
  await expect(page.getByRole("status").filter({ hasText: "Bookmark removed" })).toHaveCount(1);
});

test("Check keeps focus through the run and announces the score", async ({ page, student }) => {
  test.setTimeout(90_000);
  expect(student.id).not.toBe("");
  await page.goto(`${IMMUTABILITY_LESSON}#practice-lab`);
  const panel = new LabPanel(page);
  await expect(panel.checkButton).toHaveText("Check");
  await panel.checkButton.focus();
  await page.keyboard.press("Enter");
  await expect(panel.checkButton).toHaveText("Checking…");
  await expect(panel.checkButton).toBeFocused();
  // (Whether Enter during a run starts nothing is the ref guard in LabPanel; the run may be over by now.)
  await expect(panel.root).toHaveAttribute("data-finished-runs", "1", { timeout: 45_000 });
  await expect(panel.checkButton).toHaveText("Check");
  await expect(panel.checkButton).toBeFocused();
  await expect(panel.root.getByTestId("lab-announcement")).toHaveText(
    /^Checked: \d+ of \d+ points, \d+ passed, \d+ failed/,
  );
  // One run was stored.
  await page.goto("/dashboard");
  await expect(page.locator('tr[data-lesson="runtime-security/immutable-containers"] td').last()).toHaveText("1");
});

test("a role's Save keeps focus and announces the change", async ({ instructorPage, browser, baseURL }) => {
  const other = await browser.newContext({ baseURL });
  const learner = await signUpViaApi(other.request);
  await other.close();
  await instructorPage.goto("/admin");
  const row = instructorPage.getByRole("row").filter({ hasText: learner.email });
  await row.getByRole("combobox").selectOption("grader");
  const save = row.getByRole("button", { name: "Save" });
  await save.focus();
  await instructorPage.keyboard.press("Enter");
  await expect(row.getByRole("status")).toHaveText(`Saved: ${learner.name} is now grader`);
  await expect(save).toBeFocused();
  // Nothing left to save: the button says so without dropping focus.
  await expect(save).toHaveAttribute("aria-disabled", "true");
});

test("the sign-up form reports every empty field at once and puts focus on the first", async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL });
  try {
    const page = await context.newPage();
    await page.goto("/sign-up");
    await page.getByRole("button", { name: "Create account" }).click();
    const alert = page.getByRole("alert").filter({ hasText: "need attention" });
    await expect(alert).toContainText(/[34] fields need attention/);
    for (const [label, message] of [
      ["Name", /^Enter your name\./],
      ["Email", /^Enter a valid email address\./],
      ["Password", /^Use at least 12 characters for your password\./],
    ] as const) {
      const field = page.getByLabel(label, { exact: true });
      await expect(field).toHaveAttribute("aria-invalid", "true");
      await expect(field).toHaveAccessibleDescription(message);
    }
    await expect(page.getByLabel("Name", { exact: true })).toBeFocused();
  } finally {
    await context.close();
  }
});

test("every page names its favicon, and it is served", async ({ page, request }) => {
  await page.goto("/");
  const href = await page.locator('link[rel="icon"]').first().getAttribute("href");
  expect(href).toBeTruthy();
  const icon = await request.get(href!);
  expect(icon.status()).toBe(200);
  expect(icon.headers()["content-type"]).toContain("image/svg+xml");
});
