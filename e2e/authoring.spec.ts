import { expect, test } from "./support/accounts";
import { LAB_MAX } from "./support/immutability-lab";
import { kubectl } from "./support/test-cluster";

const LAB = "runtime-security/immutable-containers";

test("an instructor self-tests the lab against the test cluster and watches every phase pass", async ({
  instructorPage,
}) => {
  test.setTimeout(480_000);
  // A self-test refuses to run while the lab's cluster-wide policy already exists (it would make the empty phase pass).
  await kubectl([
    "delete",
    "validatingadmissionpolicybinding,validatingadmissionpolicy",
    "--all",
    "--ignore-not-found",
  ]);
  await instructorPage.goto("/authoring");
  const lab = instructorPage.locator(`li.grading-lab[data-lab="${LAB}"]`);
  await expect(lab.getByText(/^version [0-9a-f]{12}$/)).toBeVisible();
  await lab.getByRole("button", { name: "Run self-test" }).click();
  await expect(lab.getByRole("button", { name: "Self-testing…" })).toBeVisible();
  const phases = lab.getByRole("list", { name: "Self-test phases" }).locator(":scope > li");
  await expect(lab.locator(".self-test")).toHaveAttribute("data-run-state", "passed", { timeout: 420_000 });
  expect(await phases.count()).toBeGreaterThanOrEqual(10);
  await expect(lab.locator('li[data-phase="empty"]')).toContainText(`0/${LAB_MAX}`);
  await expect(lab.locator('li[data-phase="solution"]')).toContainText(`${LAB_MAX}/${LAB_MAX}`);
  // Every alternative correct answer is a phase of its own and reaches full marks too.
  const alternatives = lab.locator('li[data-phase^="alternative:"]');
  expect(await alternatives.count()).toBeGreaterThanOrEqual(2);
  for (const alternative of await alternatives.all()) {
    await expect(alternative).toContainText(`${LAB_MAX}/${LAB_MAX}`);
    await expect(alternative).toHaveAttribute("data-status", "pass");
  }
  await expect(lab.locator('li[data-status="fail"]')).toHaveCount(0);
  await instructorPage.reload();
  await expect(lab.getByTestId("last-self-test")).toContainText("passed");
});

test("a student can neither open Authoring nor start a self-test", async ({ page, student }) => {
  expect(student.id).not.toBe("");
  await page.goto("/authoring");
  await expect(page).toHaveURL(/\/not-allowed/);
  const response = await page.request.post(`/api/authoring/${LAB}/self-test`, { data: {} });
  expect(response.status()).toBe(403);
});
