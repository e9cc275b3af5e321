import { IMMUTABILITY_LESSON, LessonPage } from "./pages/lesson-page";
import { expect, signUpViaApi, test } from "./support/accounts";

test("home shows the course map with the runtime security module and its lesson", async ({ page }) => {
  await page.goto("/");
  const modules = page.locator("ol.modules > li");
  await expect(modules).toHaveCount(6);
  await expect(modules.first().getByRole("heading", { level: 3 })).toHaveText(
    "Monitoring, Logging and Runtime Security",
  );
  const card = page.getByRole("link", { name: /Ensure Immutability of Containers at Runtime/ });
  await expect(card).toBeVisible();
  await card.click();
  await expect(page).toHaveURL(IMMUTABILITY_LESSON);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Ensure Immutability of Containers at Runtime");
});

test("the lesson shows highlighted YAML, the best-practice table, call-outs and an outline", async ({ page }) => {
  const lesson = new LessonPage(page);
  await lesson.goto();
  const yaml = lesson.yamlBlocks();
  expect(await yaml.count()).toBeGreaterThanOrEqual(5);
  // Highlighting happens on the server: the HTML arrives already coloured.
  await expect(yaml.first().locator("pre.shiki span[style*='color']").first()).toBeVisible();
  await expect(yaml.first()).toContainText("readOnlyRootFilesystem: true");

  const table = lesson.article.getByRole("table");
  await expect(table.getByRole("columnheader")).toHaveText(["Practice", "Why", "How in the pod spec"]);
  await expect(table.getByRole("row")).toHaveCount(7);
  await expect(table).toContainText("privileged");

  // Manifests show the file name the console blocks apply; a transcript shortened by hand says so.
  await expect(lesson.article.locator("figure.code-block figcaption", { hasText: "nginx-fixed.yaml" })).toHaveCount(1);
  await expect(lesson.article.locator("figure.code-block .code-note")).toHaveText(["output abridged"]);

  await expect(lesson.callout("Note").first()).toBeVisible();
  await expect(lesson.callout("Warning").first()).toBeVisible();

  const link = lesson.outline.getByRole("link", { name: "Give write access only where needed" });
  await link.click();
  await expect(page).toHaveURL(/#give-write-access-only-where-needed$/);
  await expect(page.locator("#give-write-access-only-where-needed")).toBeInViewport();
});

test("Copy puts the exact manifest on the clipboard, by mouse and by keyboard", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const lesson = new LessonPage(page);
  await lesson.goto();
  const block = lesson.yamlBlocks().nth(1);
  const expected = (await block.locator("pre").innerText()).trim();
  // Located without a name: the button's name changes from "Copy" to "Copied".
  const button = block.getByRole("button");
  await expect(button).toHaveText("Copy");
  // Named after its block, not one of many buttons called "Copy".
  await expect(button).toHaveAccessibleName(/^Copy .+ block: \S/);
  const names = await page
    .locator("figure.code-block button")
    .evaluateAll((buttons) => buttons.map((b) => b.getAttribute("aria-label")));
  expect(names.filter((n) => n === "Copy" || !n)).toEqual([]);
  await button.click();
  await expect(button).toHaveText("Copied");
  expect((await page.evaluate(() => navigator.clipboard.readText())).trim()).toBe(expected);

  await page.evaluate(() => navigator.clipboard.writeText(""));
  const other = lesson.yamlBlocks().nth(2);
  await other.getByRole("button").focus();
  await page.keyboard.press("Enter");
  await expect(other.getByRole("button")).toHaveText("Copied");
  expect((await page.evaluate(() => navigator.clipboard.readText())).trim()).toBe(
    (await other.locator("pre").innerText()).trim(),
  );
});

test("an unknown lesson is a real 404 page with a way back", async ({ page }) => {
  const response = await page.goto("/lessons/runtime-security/no-such-lesson");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("We could not find that page");
  await page.getByRole("link", { name: "Back to the course map" }).click();
  await expect(page.getByRole("heading", { name: "Course map" })).toBeVisible();
});

test("a bookmark is stored for the signed-in student and shows on their course map after a reload", async ({
  page,
  student,
  browser,
  baseURL,
}) => {
  expect(student.email).toContain("@");
  const lesson = new LessonPage(page);
  await lesson.goto();
  await expect(lesson.bookmark).toHaveAttribute("aria-pressed", "false");
  await lesson.bookmark.click();
  await expect(lesson.bookmark).toHaveAttribute("aria-pressed", "true");

  await page.reload();
  await expect(lesson.bookmark).toHaveAttribute("aria-pressed", "true");
  await page.goto("/");
  const card = page.getByRole("link", { name: /Ensure Immutability of Containers at Runtime/ });
  await expect(card.getByText("Bookmarked")).toBeVisible();

  // Bookmarks are per user: another student sees none.
  const other = await browser.newContext({ baseURL });
  await signUpViaApi(other.request);
  const otherPage = await other.newPage();
  await otherPage.goto("/");
  await expect(
    otherPage.getByRole("link", { name: /Ensure Immutability of Containers at Runtime/ }).getByText("Bookmarked"),
  ).toHaveCount(0);
  await other.close();

  await lesson.goto();
  await lesson.bookmark.click();
  await expect(lesson.bookmark).toHaveAttribute("aria-pressed", "false");
  await page.goto("/");
  await expect(card.getByText("Bookmarked")).toHaveCount(0);
});

test("screenshots of the lesson page (light, dark, phone) are saved with the run", async ({ browser }, testInfo) => {
  const variants = [
    { name: "lesson-light", options: { viewport: { width: 1280, height: 900 }, colorScheme: "light" as const } },
    { name: "lesson-dark", options: { viewport: { width: 1280, height: 900 }, colorScheme: "dark" as const } },
    { name: "lesson-phone", options: { viewport: { width: 375, height: 812 }, colorScheme: "light" as const } },
  ];
  for (const { name, options } of variants) {
    const context = await browser.newContext({ ...options, baseURL: testInfo.project.use.baseURL });
    const page = await context.newPage();
    await new LessonPage(page).goto();
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background, `${name} background`).toBe(
      options.colorScheme === "dark" ? "rgb(15, 20, 32)" : "rgb(247, 248, 251)",
    );
    // Code blocks scroll inside themselves; the page itself never scrolls sideways, even at 375 px.
    expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} width`).toBeLessThanOrEqual(
      options.viewport.width,
    );
    const path = testInfo.outputPath(`${name}.png`);
    await page.screenshot({ path, fullPage: false });
    await testInfo.attach(name, { path, contentType: "image/png" });
    // The privileged section: a manifest captioned with its file name, console transcripts, a warning.
    await page.evaluate(() => document.getElementById("privileged-undoes-read-only")?.scrollIntoView());
    const section = testInfo.outputPath(`${name}-privileged.png`);
    await page.screenshot({ path: section, fullPage: false });
    await testInfo.attach(`${name}-privileged`, { path: section, contentType: "image/png" });
    await context.close();
  }
});
