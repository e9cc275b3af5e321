import { expect, test } from "./support/accounts";
import { LAB_CHECKS, LAB_MAX } from "./support/immutability-lab";

const GRADE_URL = "/api/labs/runtime-security/immutable-containers/grade";
const LAB = "runtime-security/immutable-containers";

test("a grader reviews a student's attempt, overrides it with a reason, sees 'needs review' after a new attempt, and exports CSV", async ({
  page,
  student,
  instructorPage,
}, testInfo) => {
  test.setTimeout(120_000);
  // The student presses Check (through the API, as the panel does).
  const first = await page.request.post(GRADE_URL, { data: {} });
  expect(first.status()).toBe(200);
  expect(await first.text()).toContain('"type":"report"');

  // The class overview lists the student with their automatic score.
  await instructorPage.goto("/grading");
  await expect(instructorPage.getByRole("heading", { name: "Class overview" })).toBeVisible();
  const row = instructorPage.locator(`tr[data-student="${student.email}"]`);
  await expect(row).toBeVisible();
  await expect(row.locator(`td[data-lab="${LAB}"]`)).toContainText(` / ${LAB_MAX}`);
  await row.getByRole("link", { name: student.name }).click();

  // The attempt is there with its checks and evidence.
  await expect(instructorPage.getByRole("heading", { level: 1, name: student.name })).toBeVisible();
  const attempt = instructorPage.locator("li.attempt").first();
  await attempt.locator("summary").first().click();
  await expect(attempt.locator("li.check")).toHaveCount(LAB_CHECKS);

  // Manual grade with a reason; the audit trail records before and after.
  const lab = instructorPage.locator(`li.grading-lab[data-lab="${LAB}"]`);
  await lab.getByLabel("Manual score").fill("25");
  await lab.getByLabel("Reason").fill("Policy was correct; the binding selector only missed a label.");
  await lab.getByRole("button", { name: "Save manual grade" }).click();
  await expect(lab.getByRole("status")).toContainText(/Saved: \d+ → 25\./);
  await instructorPage.reload();
  await expect(lab.getByTestId("final-score")).toHaveText("25");
  await expect(instructorPage.getByRole("region", { name: "Manual grade history" })).toContainText(
    "the binding selector only missed a label",
  );

  // Bad input is refused, by the browser (above the maximum) and by the server (a blank reason),
  // with a specific message, and stores nothing.
  await lab.getByLabel("Manual score").fill("40");
  await lab.getByLabel("Reason").fill("too generous");
  expect(await lab.getByLabel("Manual score").evaluate((input: HTMLInputElement) => input.validity.rangeOverflow)).toBe(
    true,
  );
  await lab.getByRole("button", { name: "Save manual grade" }).click();
  await lab.getByLabel("Manual score").fill("20");
  await lab.getByLabel("Reason").fill("   ");
  await lab.getByRole("button", { name: "Save manual grade" }).click();
  await expect(lab.getByRole("alert")).toContainText("Say why, in a few words");
  await instructorPage.reload();
  await expect(lab.getByTestId("final-score")).toHaveText("25");

  // A newer automatic attempt never overwrites the manual grade: it asks for a review.
  expect((await page.request.post(GRADE_URL, { data: {} })).status()).toBe(200);
  await instructorPage.reload();
  await expect(lab.getByTestId("cell-status")).toHaveText("Needs review");
  await expect(lab.getByTestId("final-score")).toHaveText("25");
  for (const [name, url] of [
    ["grading-student", instructorPage.url()],
    ["grading-overview", "/grading"],
  ] as const) {
    await instructorPage.goto(url);
    const shot = testInfo.outputPath(`${name}.png`);
    await instructorPage.screenshot({ path: shot, fullPage: true });
    await testInfo.attach(name, { path: shot, contentType: "image/png" });
  }

  // The CSV export has the student's line with both scores, parsed like a spreadsheet would.
  const csv = await instructorPage.request.get("/api/gradebook");
  expect(csv.headers()["content-type"]).toContain("text/csv");
  const lines = (await csv.text()).trimEnd().split("\r\n");
  expect(lines[0]).toBe(
    "student,email,lab,best_auto_score,manual_score,final_score,max_score,unsupported_points,last_attempt_at",
  );
  const fields = lines.find((l) => l.includes(student.email))!.split(",");
  expect(fields.slice(4, 7)).toEqual(["25", "25", String(LAB_MAX)]);
  expect(Number(fields[3])).toBeGreaterThanOrEqual(0);
});

test("a student reaches neither the grading pages nor their API", async ({ page, student }) => {
  expect(student.id).not.toBe("");
  await page.goto("/grading");
  await expect(page).toHaveURL(/\/not-allowed/);
  await page.goto(`/grading/students/${student.id}`);
  await expect(page).toHaveURL(/\/not-allowed/);
  const csv = await page.request.get("/api/gradebook");
  expect(csv.status()).toBe(403);
  expect(await csv.text()).not.toContain("@example.test,");
});
