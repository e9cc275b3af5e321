// A press of Check against a cluster that does not answer is one banner with what to do, never an attempt:
// the learner's dashboard, the class gradebook and item analysis read the same before and after.
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import type { Page } from "@playwright/test";
import { LabPanel } from "./pages/lab-panel";
import { IMMUTABILITY_LESSON } from "./pages/lesson-page";
import { expect, test } from "./support/accounts";
import { testKubeconfig } from "./support/test-cluster";

/** A loopback port nobody listens on: the test cluster's kubeconfig pointed there is a stopped kind cluster. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function saveConnection(page: Page, label: string, kubeconfig: string) {
  await page.goto("/connections");
  await page.getByLabel("Name", { exact: true }).fill(label);
  await page.getByLabel("Kubeconfig", { exact: true }).fill(kubeconfig);
  await page.getByRole("button", { name: "Save connection" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Saved “${label}”` })).toBeVisible();
}

/** What the instructor's grading page says about one student and about the class's checks. */
async function gradingView(page: Page, studentName: string) {
  await page.goto("/grading");
  const row = page.getByRole("region", { name: "Gradebook" }).getByRole("row").filter({ hasText: studentName });
  await expect(row).toHaveCount(1);
  const items = page.getByRole("region", { name: "Item analysis" });
  return { row: await row.innerText(), items: (await items.count()) ? await items.innerText() : "" };
}

async function dashboardView(page: Page) {
  await page.goto("/dashboard");
  const progress = page.getByRole("region", { name: "By module" });
  const history = page.getByRole("region", { name: "Attempt history" });
  return { progress: await progress.innerText(), history: await history.innerText() };
}

test("Check against a cluster that does not answer shows one banner and changes no progress, gradebook or item analysis", async ({
  page,
  student,
  instructorPage,
}, testInfo) => {
  test.setTimeout(120_000);
  const gradingBefore = await gradingView(instructorPage, student.name);
  const dashboardBefore = await dashboardView(page);
  expect(dashboardBefore.history).toContain("No attempts yet");

  const port = await closedPort();
  const stopped = readFileSync(testKubeconfig(), "utf8").replace(
    /server: https:\/\/127\.0\.0\.1:\d+/,
    `server: https://127.0.0.1:${port}`,
  );
  expect(stopped).toContain(`127.0.0.1:${port}`);
  await saveConnection(page, "stopped cluster", stopped);

  await page.goto(`${IMMUTABILITY_LESSON}#practice-lab`);
  const panel = new LabPanel(page);
  await panel.check();
  const banner = panel.root.getByTestId("cluster-problem");
  await expect(banner).toHaveCount(1);
  await expect(banner).toContainText("The CKS Lab server tried your saved connection and got no answer");
  await expect(banner).toContainText("not counted as an attempt");
  await expect(banner.getByRole("link", { name: "Open the Cluster page" })).toHaveAttribute("href", "/connections");
  // One alert in the whole panel, and no check pretends to have run.
  await expect(panel.root.getByRole("alert")).toHaveCount(1);
  await expect(panel.root.locator('.check[data-status="error"]')).toHaveCount(0);
  await expect(panel.score).toHaveCount(0);
  await panel.root.screenshot({ path: testInfo.outputPath("unreachable-cluster-panel.png") });

  // Pressing again is still one banner, not two.
  await panel.check();
  await expect(panel.root.getByTestId("cluster-problem")).toHaveCount(1);

  expect(await dashboardView(page)).toEqual(dashboardBefore);
  expect(await gradingView(instructorPage, student.name)).toEqual(gradingBefore);
  // After a reload the lesson shows no last attempt either.
  await page.goto(`${IMMUTABILITY_LESSON}#practice-lab`);
  await expect(new LabPanel(page).score).toHaveCount(0);
});
