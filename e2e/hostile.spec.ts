// The app against a hostile API server (e2e/hostile/), through its HTTP API with the default limits: a learner
// saves a connection pointing at each scenario and presses Check. Every run ends with bounded error outcomes
// within the run timeout (or, when the attack spoils the version probe too, one cluster problem and no attempt), the canary is never contacted, the app server's memory grows by less than 100 MB,
// and a cheap endpoint keeps answering during the attack (its latency is printed).
import { request as playwrightRequest, type APIRequestContext, type Page } from "@playwright/test";
import { HOSTILE_TEXT, hostileKubeconfig, spawnHostileServer, type HostileProcess, type Scenario } from "./hostile";
import { LabPanel } from "./pages/lab-panel";
import { IMMUTABILITY_LESSON } from "./pages/lesson-page";
import { expect, test } from "./support/accounts";
import { pidListeningOn, rssOf } from "./support/process-stats";

const GRADE_URL = "/api/labs/runtime-security/immutable-containers/grade";
const RUN_MS = 20_000; // the grader's default run timeout
const port = Number(process.env.E2E_PORT ?? 3100);

type Plan = { attacked: "all" | "logs" | "exec"; outcomes: string[] };
const TIMEOUTS = ["timeout", "exec-timeout", "run-timeout"];
const plans: Array<[Scenario, Plan | null]> = [
  // Warms the server up and sets the baseline; its results depend on the lab, not on an attack.
  ["healthy", null],
  ["redirect", { attacked: "all", outcomes: ["refused"] }],
  ["endless-body", { attacked: "all", outcomes: ["refused"] }],
  ["slow-headers", { attacked: "all", outcomes: TIMEOUTS }],
  ["slow-body", { attacked: "all", outcomes: TIMEOUTS }],
  ["endless-logs", { attacked: "logs", outcomes: ["refused"] }],
  ["exec-never-closes", { attacked: "exec", outcomes: ["exec-timeout"] }],
  ["huge-status", { attacked: "all", outcomes: ["refused", "forbidden"] }],
  ["html-control", { attacked: "all", outcomes: ["forbidden"] }],
  ["wrong-name", { attacked: "all", outcomes: ["refused"] }],
];

type Result = { checkId: string; type: string; status: string; outcome: string; message: string };
type Event = {
  type: string;
  attemptId?: string;
  report?: { results: Result[]; problem: { message: string } | null };
  problem?: { outcome: string; message: string; todo: string };
};

test.describe.configure({ mode: "serial" });

let hostile: HostileProcess;
let prober: APIRequestContext;
const figures: string[] = [];

test.beforeAll(async () => {
  hostile = await spawnHostileServer();
  prober = await playwrightRequest.newContext({ baseURL: `http://127.0.0.1:${port}` });
});

test.afterAll(async () => {
  console.log(
    [
      "hostile API server, through the app (default limits):",
      "scenario | run | app RSS growth | /api/auth/ok p50/max (n) | bytes the server sent",
    ]
      .concat(figures)
      .join("\n"),
  );
  await prober?.dispose();
  await hostile?.stop();
});

async function saveConnection(page: Page, scenario: Scenario): Promise<void> {
  await page.goto("/connections");
  await page.getByLabel("Name", { exact: true }).fill(`hostile ${scenario}`);
  await page.getByLabel("Kubeconfig", { exact: true }).fill(hostileKubeconfig(hostile, scenario));
  await page.getByRole("button", { name: "Save connection" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Saved “hostile ${scenario}”` })).toBeVisible();
}

/** Runs `work` while sampling the app server's RSS and timing a cheap endpoint. */
async function underWatch<T>(work: () => Promise<T>) {
  const pid = pidListeningOn(port);
  if (pid === null) throw new Error(`no process listens on port ${port}`);
  const baseline = rssOf(pid);
  let peak = baseline;
  const pings: number[] = [];
  const failures: string[] = [];
  let watching = true;
  const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 50);
  const pinger = (async () => {
    while (watching) {
      const started = performance.now();
      // A new connection per ping: the prober outlives each test, and a kept-alive socket left idle
      // between tests can be closed by the server (its 5 s keep-alive) just as a ping reuses it, a
      // reset that says nothing about the server. A fresh connection also proves it still accepts them.
      const response = await prober
        .get("/api/auth/ok", { timeout: 5_000, headers: { connection: "close" } })
        .catch((error: unknown) => error);
      if (response instanceof Error) failures.push(response.message);
      else if ((response as { status(): number }).status() !== 200)
        failures.push(`HTTP ${(response as { status(): number }).status()}`);
      else pings.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  const started = performance.now();
  const value = await work();
  const elapsed = performance.now() - started;
  watching = false;
  await pinger;
  clearInterval(sampler);
  pings.sort((a, b) => a - b);
  return { value, elapsed, growthMb: (peak - baseline) / (1024 * 1024), pings, failures };
}

for (const [scenario, plan] of plans) {
  test(`grading through a saved connection to a hostile server: ${scenario}`, async ({ page, student }) => {
    test.setTimeout(120_000);
    expect(student.id).not.toBe("");
    await saveConnection(page, scenario);
    const before = await hostile.stats();

    const watched = await underWatch(async () => {
      const response = await page.request.post(GRADE_URL, { data: { connection: "saved" }, timeout: 60_000 });
      expect(response.status()).toBe(200);
      return (await response.text())
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Event);
    });
    const events = watched.value;
    const report = events.find((e) => e.type === "report")?.report;
    const attemptId = events.find((e) => e.type === "attempt")?.attemptId;
    // A scenario that spoils every answer spoils the version probe too: one cluster problem, no attempt.
    const problem = events.find((e) => e.type === "cluster-problem")?.problem;
    if (problem) {
      expect(plan?.attacked, `${scenario}: ${problem.message}`).toBe("all");
      expect([...plan!.outcomes, "cluster-unreachable"], problem.message).toContain(problem.outcome);
      expect(attemptId).toBeUndefined();
      // eslint-disable-next-line no-control-regex -- looking for control characters is the point
      expect(/[\u0000-\u0008\u000b-\u001f\u202e]/.test(problem.message + problem.todo)).toBe(false);
      expect(problem.message.length).toBeLessThanOrEqual(1000);
    } else {
      expect(report, JSON.stringify(events).slice(0, 500)).toBeDefined();
      expect(attemptId).toBeTruthy();
    }

    // A bounded outcome within the run timeout (plus the queue and the stream's own overhead).
    expect(watched.elapsed).toBeLessThan(RUN_MS + 5_000);
    if (plan && report) {
      const attacked = report.results.filter((r) => plan.attacked === "all" || r.type === plan.attacked);
      expect(attacked.length).toBeGreaterThan(0);
      for (const result of attacked) {
        expect(result.status, `${result.checkId}: ${result.message}`).toBe("error");
        expect(plan.outcomes, `${result.checkId}: ${result.message}`).toContain(result.outcome);
      }
    }
    // The canary was never contacted, by this scenario or any before it.
    expect((await hostile.stats()).canaryConnections).toBe(0);
    // The app server's memory stayed flat, and it kept answering other requests throughout.
    expect(watched.growthMb).toBeLessThan(100);
    expect(watched.failures).toEqual([]);
    expect(watched.pings.length).toBeGreaterThan(0);

    // What was stored is bounded and free of control characters.
    if (attemptId) {
      const stored = await page.request.get(`/api/attempts/${attemptId}`);
      expect(stored.status()).toBe(200);
      const attempt = (await stored.json()) as { problem: string | null; checks: Array<{ message: string }> };
      const strings = [attempt.problem ?? "", ...attempt.checks.map((c) => c.message)];
      // eslint-disable-next-line no-control-regex -- looking for control characters is the point
      expect(strings.filter((s) => /[\u0000-\u0008\u000b-\u001f\u202e]/.test(s))).toEqual([]);
      expect(Math.max(...strings.map((s) => s.length))).toBeLessThanOrEqual(1000);
    }

    const after = await hostile.stats();
    const p50 = watched.pings[Math.floor(watched.pings.length / 2)] ?? NaN;
    figures.push(
      `${scenario.padEnd(18)} | ${problem ? `no attempt (${problem.outcome})` : "graded"} ${Math.round(watched.elapsed)} ms | ${watched.growthMb.toFixed(1)} MB | ${p50.toFixed(0)}/${(watched.pings.at(-1) ?? NaN).toFixed(0)} ms (${watched.pings.length}) | ${((after.bytesSent - before.bytesSent) / 1024).toFixed(0)} KiB`,
    );
  });
}

test("what a hostile cluster says is shown as inert text: Test connection and the lab panel", async ({
  page,
  student,
}, testInfo) => {
  test.setTimeout(120_000);
  expect(student.id).not.toBe("");
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await saveConnection(page, "html-control");
  await page.getByRole("button", { name: "Test connection" }).click();
  const version = page.getByTestId("server-version");
  // Shown as the text it is, cut at 64 characters.
  await expect(version).toHaveText('v1.35.0<script>alert("cks")</script><img src=x onerror=alert(1)…');
  await expect(page.getByTestId("saved-connection")).toContainText(/Last tested.*Kubernetes v1\.35\.0<script>/);
  // Markup from the cluster never became markup on the page.
  await expect(page.locator("img[src='x']")).toHaveCount(0);
  expect(await version.innerText()).not.toContain("\u001b");
  await page.screenshot({ path: testInfo.outputPath("hostile-connection-test.png"), fullPage: true });

  await page.goto(`${IMMUTABILITY_LESSON}#practice-lab`);
  const panel = new LabPanel(page);
  await expect(panel.root.getByLabel("Cluster").locator("option:checked")).toHaveText(
    "Your saved connection (hostile html-control)",
  );
  await panel.check();
  const errors = panel.root.locator('.check[data-status="error"]');
  await expect(errors.first()).toBeVisible();
  await expect(panel.root).toContainText('<script>alert("cks")</script>');
  await expect(page.locator("img[src='x']")).toHaveCount(0);
  await panel.root.screenshot({ path: testInfo.outputPath("hostile-lab-panel.png") });
  expect(dialogs).toEqual([]);
  expect(HOSTILE_TEXT).toContain("<img src=x");
});
