import { readFileSync } from "node:fs";
import path from "node:path";
import { parse, stringify } from "yaml";
import { LabPanel } from "./pages/lab-panel";
import { IMMUTABILITY_LESSON, LessonPage } from "./pages/lesson-page";
import { expect, test } from "./support/accounts";
import { kubectl } from "./support/test-cluster";

const NAMESPACE = "immutable-lab";

// What a learner writes for task 1, by hand, from the lesson.
const BROKEN_POD = `apiVersion: v1
kind: Pod
metadata:
  name: nginx-broken
  namespace: ${NAMESPACE}
spec:
  containers:
    - name: nginx
      image: nginx
      securityContext:
        readOnlyRootFilesystem: true
`;

type LabFile = { solution: { namespaceLabels: Record<string, string>; manifests: Array<Record<string, unknown>> } };
const lab = parse(readFileSync(path.resolve("lessons/runtime-security/immutable-containers/lab.yaml"), "utf8")) as LabFile;

test.beforeAll(async () => {
  await kubectl(["delete", "namespace", NAMESPACE, "--ignore-not-found", "--wait=true"]);
  await kubectl(["delete", "validatingadmissionpolicybinding,validatingadmissionpolicy", "--all", "--ignore-not-found"]).catch(() => undefined);
});

test("a signed-in learner works through the lab: nothing scores zero, then task 1, then everything passes", async ({ page, student }) => {
  test.setTimeout(240_000);
  expect(student.id).not.toBe("");
  const lesson = new LessonPage(page);
  await lesson.goto(`${IMMUTABILITY_LESSON}#practice-lab`);
  const panel = new LabPanel(page);
  await expect(panel.root.getByRole("heading", { name: "Lock down nginx with a read-only root filesystem" })).toBeVisible();

  // An empty cluster earns nothing, and the panel says why.
  await panel.check();
  await expect(panel.score).toContainText(/^0 \/ 31 points/);
  await expect(panel.score.getByRole("alert")).toContainText(NAMESPACE);

  // Task 1, done with kubectl as the lesson shows.
  await kubectl(["create", "namespace", NAMESPACE]);
  await kubectl(["apply", "-f", "-"], BROKEN_POD);
  const crashCheck = panel.checkRow("nginx-broken fails with Error or CrashLoopBackOff");
  await expect(async () => {
    await panel.check();
    await expect(crashCheck).toHaveAttribute("data-status", "pass", { timeout: 1_000 });
  }).toPass({ timeout: 60_000, intervals: [2_000] });
  await expect(panel.checkRow("The log of nginx-broken shows the Read-only file system error")).toHaveAttribute("data-status", "pass");
  await expect(panel.score).toContainText(/^6 \/ 31 points/);

  // A failing check explains itself: message, evidence from the cluster, a hint on demand.
  const running = panel.checkRow(/^nginx is Running and ready$/);
  await expect(running).toHaveAttribute("data-status", "fail");
  await expect(running.locator(".check-message")).toContainText(/nginx/);
  await running.getByRole("button", { name: "Show hint" }).click();
  await expect(running.locator(".hint")).toBeVisible();
  await running.locator("summary", { hasText: "Evidence" }).click();
  await expect(running.locator(".evidence")).toContainText(`kubectl get pod nginx -n ${NAMESPACE}`);
  // Evidence is what the cluster showed: the crashing pod's state, as kubectl would.
  await crashCheck.locator("summary", { hasText: "Evidence" }).click();
  await expect(crashCheck.locator(".evidence")).toContainText(/Restarts/);
  await expect(crashCheck.locator(".evidence")).toContainText(/CrashLoopBackOff|Error/);

  // The reference solution, applied with kubectl, earns full marks.
  const labels = Object.entries(lab.solution.namespaceLabels).map(([k, v]) => `${k}=${v}`);
  if (labels.length) await kubectl(["label", "namespace", NAMESPACE, ...labels, "--overwrite"]);
  const manifests = lab.solution.manifests.filter((m) => (m.metadata as { name: string }).name !== "nginx-broken");
  await kubectl(["apply", "-n", NAMESPACE, "-f", "-"], manifests.map((m) => stringify(m)).join("---\n"));
  await expect(async () => {
    await panel.check();
    await expect(panel.score).toContainText(/^31 \/ 31 points/, { timeout: 1_000 });
  }).toPass({ timeout: 90_000, intervals: [2_000] });
  await expect(panel.root.locator('.check[data-status="fail"], .check[data-status="error"]')).toHaveCount(0);
});

test("the grading API refuses cross-site requests and malformed bodies", async ({ page, student }) => {
  expect(student.id).not.toBe("");
  const request = page.request;
  const url = "/api/labs/runtime-security/immutable-containers/grade";
  const crossSite = await request.post(url, { data: {}, headers: { origin: "http://evil.example" } });
  expect(crossSite.status()).toBe(403);
  expect((await crossSite.json()).error).toMatch(/Cross-site/);

  const malformed = await request.post(url, { data: { context: 42 } });
  expect(malformed.status()).toBe(400);
  expect((await malformed.json()).error).toMatch(/Expected a JSON body/);

  const unknown = await request.post("/api/labs/runtime-security/no-such-lab/grade", { data: {} });
  expect(unknown.status()).toBe(404);

  const contexts = await request.get("/api/cluster/contexts");
  expect(contexts.ok()).toBe(true);
  const body = JSON.stringify(await contexts.json());
  expect(body).toContain("cks-test");
  // Names and servers only: the bearer token in the kubeconfig never reaches a browser.
  expect(body).not.toMatch(/token|certificate|client-key/i);
});
