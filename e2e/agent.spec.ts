// Classroom with laptops: a learner's cluster joins CKS Lab through cks-lab-agent. The agent runs as a
// learner runs it (plain node, the test cluster's kubeconfig), signs in with the device flow the student
// approves in the browser, and grading goes through its tunnel.
import { stringify } from "yaml";
import type { Page, TestInfo } from "@playwright/test";
import { LabPanel } from "./pages/lab-panel";
import { IMMUTABILITY_LESSON } from "./pages/lesson-page";
import { expect, test } from "./support/accounts";
import { startAgent, type AgentProcess } from "./support/agent-process";
import { immutabilityLab as lab, LAB_MAX as MAX } from "./support/immutability-lab";
import { kubectl, testKubeconfig } from "./support/test-cluster";

const NAMESPACE = "immutable-lab";

test.beforeAll(async () => {
  await kubectl(["delete", "namespace", NAMESPACE, "--ignore-not-found", "--wait=true"]);
  await kubectl([
    "delete",
    "validatingadmissionpolicybinding,validatingadmissionpolicy",
    "--all",
    "--ignore-not-found",
  ]).catch(() => undefined);
});

async function shoot(page: Page, testInfo: TestInfo, name: string) {
  const file = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { path: file, contentType: "image/png" });
}

/** Starts an agent, approves its code as the signed-in student, and waits until it is connected. */
async function connectAgent(page: Page, testInfo: TestInfo, screenshot?: string): Promise<AgentProcess> {
  const server = testInfo.project.use.baseURL!;
  const agent = startAgent(server, testKubeconfig());
  const link = (await agent.waitFor(/\/device\?user_code=/)).trim();
  const code = (await agent.waitFor(/approve the code/)).match(/([A-Z0-9]{4}-[A-Z0-9]{4})/)![1]!;
  expect(new URL(link).origin).toBe(server);
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "Connect your cluster" })).toBeVisible();
  await expect(page.getByLabel("Code shown by the agent")).toHaveValue(code);
  if (screenshot) await shoot(page, testInfo, screenshot);
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByRole("status")).toContainText("Approved");
  await agent.waitFor(/connected to .* waiting for Check/);
  return agent;
}

test("a student connects their cluster with the agent, grades through it, and disconnects it", async ({
  page,
  student,
}, testInfo) => {
  test.setTimeout(300_000);
  expect(student.id).not.toBe("");
  const agent = await connectAgent(page, testInfo, "agent-device-approval");
  try {
    // The reference solution, applied with kubectl next to the agent.
    await kubectl(["create", "namespace", NAMESPACE]);
    const labels = Object.entries(lab.solution.namespaceLabels).map(([k, v]) => `${k}=${v}`);
    if (labels.length) await kubectl(["label", "namespace", NAMESPACE, ...labels, "--overwrite"]);
    await kubectl(["apply", "-n", NAMESPACE, "-f", "-"], lab.solution.manifests.map((m) => stringify(m)).join("---\n"));

    await page.goto(`${IMMUTABILITY_LESSON}#practice-lab`);
    const panel = new LabPanel(page);
    const select = panel.root.getByLabel("Cluster");
    await expect(select.locator("option:checked")).toHaveText(
      /^Your cluster \(agent on .+, Kubernetes v[\d.]+.*, connected since \d{4}-\d\d-\d\d \d\d:\d\d UTC\)$/,
    );
    await expect(async () => {
      await panel.check();
      await expect(panel.score).toContainText(new RegExp(`^${MAX} / ${MAX} points`), { timeout: 1_000 });
    }).toPass({ timeout: 120_000, intervals: [2_000] });
    await expect(panel.root.locator('.check[data-status="fail"], .check[data-status="error"]')).toHaveCount(0);
    await shoot(page, testInfo, "agent-lab-panel");
    // The learner saw every request: one line each, all allowed, the probes among them.
    expect(agent.lines.filter((l) => / allowed {2}exec nginx/.test(l)).length).toBeGreaterThan(0);
    expect(agent.lines.filter((l) => / refused /.test(l))).toEqual([]);

    // The Cluster page lists the agent with its heartbeat; Disconnect revokes it and the agent is told at once.
    await page.goto("/connections");
    const item = page.getByTestId("agent-item");
    await expect(item).toHaveAttribute("data-connected", "true");
    await expect(item).toContainText("last heartbeat");
    await shoot(page, testInfo, "agent-cluster-page");
    await item.getByRole("button", { name: "Disconnect" }).click();
    // The revoked sign-in leaves the list; the agent is told and exits.
    await expect(page.getByTestId("agent-item")).toHaveCount(0);
    expect(await agent.exited).toBe(1);
    expect(agent.lines.join("\n")).toContain("Disconnected from the Cluster page");
    await page.goto(`${IMMUTABILITY_LESSON}#practice-lab`);
    await expect(panel.root.getByRole("option", { name: /agent on/ })).toHaveCount(0);
  } finally {
    agent.child.kill("SIGKILL");
  }
});

test("an agent that stops mid-run turns the checks it still owed into 'agent disconnected', never a fail", async ({
  page,
  student,
}, testInfo) => {
  test.setTimeout(180_000);
  expect(student.id).not.toBe("");
  const agent = await connectAgent(page, testInfo);
  try {
    await page.goto(`${IMMUTABILITY_LESSON}#practice-lab`);
    const panel = new LabPanel(page);
    await expect(panel.root.getByLabel("Cluster").locator("option:checked")).toHaveText(/^Your cluster \(agent on/);
    // Frozen first, so it answers nothing of this run; killed once the run is under way.
    agent.child.kill("SIGSTOP");
    await panel.checkButton.click();
    await expect(panel.root.getByRole("progressbar")).toBeVisible();
    agent.child.kill("SIGKILL");
    await expect(panel.checkButton).toHaveText("Check", { timeout: 30_000 });
    await expect(panel.score).toBeVisible();
    await expect(panel.root).toContainText("agent disconnected");
    await expect(panel.root.locator('.check[data-status="fail"]')).toHaveCount(0);
    await expect(panel.root.locator('.check[data-status="pass"]')).toHaveCount(0);
    expect(await panel.root.locator('.check[data-status="error"]').count()).toBeGreaterThan(0);
    await shoot(page, testInfo, "agent-disconnected-mid-run");
  } finally {
    agent.child.kill("SIGKILL");
  }
});
