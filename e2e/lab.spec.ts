import { stringify } from "yaml";
import { LabPanel } from "./pages/lab-panel";
import { IMMUTABILITY_LESSON, LessonPage } from "./pages/lesson-page";
import { expect, signUpViaApi, test } from "./support/accounts";
import { immutabilityLab as lab, LAB_CHECKS as CHECKS, LAB_MAX as MAX } from "./support/immutability-lab";
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

test.beforeAll(async () => {
  await kubectl(["delete", "namespace", NAMESPACE, "--ignore-not-found", "--wait=true"]);
  await kubectl([
    "delete",
    "validatingadmissionpolicybinding,validatingadmissionpolicy",
    "--all",
    "--ignore-not-found",
  ]).catch(() => undefined);
});

test("a signed-in learner works through the lab: nothing scores zero, then task 1, then everything passes", async ({
  page,
  student,
}, testInfo) => {
  test.setTimeout(240_000);
  expect(student.id).not.toBe("");
  const lesson = new LessonPage(page);
  await lesson.goto(`${IMMUTABILITY_LESSON}#practice-lab`);
  const panel = new LabPanel(page);
  await expect(
    panel.root.getByRole("heading", { name: "Lock down nginx with a read-only root filesystem" }),
  ).toBeVisible();

  // An empty cluster earns nothing, and the panel says why.
  await panel.check();
  await expect(panel.score).toContainText(new RegExp(`^0 / ${MAX} points`));
  await expect(panel.score.getByRole("alert")).toContainText(NAMESPACE);

  // Task 1, done with kubectl as the lesson shows.
  await kubectl(["create", "namespace", NAMESPACE]);
  await kubectl(["apply", "-f", "-"], BROKEN_POD);
  const crashCheck = panel.checkRow("nginx-broken fails with Error or CrashLoopBackOff");
  await expect(async () => {
    await panel.check();
    await expect(crashCheck).toHaveAttribute("data-status", "pass", { timeout: 1_000 });
  }).toPass({ timeout: 60_000, intervals: [2_000] });
  await expect(panel.checkRow("The log of nginx-broken shows the Read-only file system error")).toHaveAttribute(
    "data-status",
    "pass",
  );
  await expect(panel.score).toContainText(new RegExp(`^${lab.tasks[0]!.points} / ${MAX} points`));

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
    await expect(panel.score).toContainText(new RegExp(`^${MAX} / ${MAX} points`), { timeout: 1_000 });
  }).toPass({ timeout: 90_000, intervals: [2_000] });
  await expect(panel.root.locator('.check[data-status="fail"], .check[data-status="error"]')).toHaveCount(0);

  // A dry-run that had to be admitted shows what was sent, where, and what came back.
  const elsewhere = panel.checkRow("The same writable pod is admitted in the unlabelled default namespace");
  await elsewhere.locator("summary", { hasText: "Evidence" }).click();
  const evidence = elsewhere.locator(".evidence");
  await expect(evidence).toContainText("Pod/cks-dry-run-writable-root in namespace default");
  await expect(evidence).toContainText(/Needed\s*admitted/);
  await expect(evidence).toContainText(/Answer\s*admitted \(server-side dry-run: nothing was stored\)/);
  await evidence.getByText("Manifest sent").click();
  await expect(evidence.locator("pre")).toContainText('"namespace": "default"');
  const dryRunShot = testInfo.outputPath("dry-run-admitted-evidence.png");
  await elsewhere.screenshot({ path: dryRunShot });
  await testInfo.attach("dry-run-admitted-evidence", { path: dryRunShot, contentType: "image/png" });

  // Every attempt was stored: the panel shows the last one after a reload, the dashboard lists them all.
  await page.reload();
  await expect(panel.score).toContainText(new RegExp(`^${MAX} / ${MAX} points`));
  await expect(panel.score).toContainText("Your last attempt");
  await page.goto("/dashboard");
  const row = page.locator('tr[data-lesson="runtime-security/immutable-containers"]');
  await expect(row.getByText("Done")).toBeVisible();
  await expect(row.locator("td").nth(2)).toHaveText(`${MAX} / ${MAX}`);
  const attempts = page.locator("li.attempt");
  expect(await attempts.count()).toBeGreaterThanOrEqual(3);
  await expect(attempts.first()).toContainText(`${MAX} / ${MAX}`);
  await expect(attempts.last()).toContainText(`0 / ${MAX}`);
  await attempts.first().locator("summary").first().click();
  await expect(attempts.first().locator("li.check")).toHaveCount(CHECKS);
  const shot = testInfo.outputPath("dashboard.png");
  await page.screenshot({ path: shot, fullPage: true });
  await testInfo.attach("dashboard", { path: shot, contentType: "image/png" });
});

test("a learner's attempts are theirs: another student sees neither them nor their API", async ({
  page,
  student,
  browser,
}, testInfo) => {
  expect(student.id).not.toBe("");
  await page.goto(`${IMMUTABILITY_LESSON}#practice-lab`);
  const panel = new LabPanel(page);
  await panel.check();
  const response = await page.request.get("/dashboard");
  expect(response.ok()).toBe(true);
  await page.goto("/dashboard");
  const attemptId = await page.locator("li.attempt").first().getAttribute("data-attempt");
  expect(attemptId).toBeTruthy();
  const own = await page.request.get(`/api/attempts/${attemptId}`);
  expect(own.status()).toBe(200);
  expect(((await own.json()) as { checks: unknown[] }).checks.length).toBe(CHECKS);

  const other = await browser.newContext({ baseURL: testInfo.project.use.baseURL });
  const otherPage = await other.newPage();
  await signUpViaApi(otherPage.request);
  await otherPage.goto("/dashboard");
  await expect(otherPage.getByText("No attempts yet.")).toBeVisible();
  const stolen = await otherPage.request.get(`/api/attempts/${attemptId}`);
  expect(stolen.status()).toBe(404);
  await other.close();

  const anonymous = await page.request.fetch(`/api/attempts/${attemptId}`, { headers: { cookie: "" } });
  expect([401, 404]).toContain(anonymous.status());
});

test("a double click or a second tab starts one grading run, not two", async ({ page, student }) => {
  expect(student.id).not.toBe("");
  await page.goto(IMMUTABILITY_LESSON);
  // The second request goes out once the first has opened its attempt and is still grading.
  const outcome = await page.evaluate(async () => {
    const url = "/api/labs/runtime-security/immutable-containers/grade";
    const post = () => fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    const first = await post();
    const reader = first.body!.getReader();
    const firstChunk = new TextDecoder().decode((await reader.read()).value);
    const second = await post();
    const secondBody = (await second.json()) as { error?: string };
    while (!(await reader.read()).done) {
      // Drain the first run so its attempt finishes before the test ends.
    }
    return {
      first: first.status,
      firstEvent: (JSON.parse(firstChunk.split("\n")[0]!) as { type: string }).type,
      second: second.status,
      error: secondBody.error ?? "",
    };
  });
  expect(outcome).toMatchObject({
    first: 200,
    firstEvent: "attempt",
    second: 409,
    error: expect.stringMatching(/already running/),
  });
});
