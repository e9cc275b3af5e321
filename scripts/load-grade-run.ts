// The load test itself; scripts/load-grade.ts (npm run bench:load) starts it and says what it measures.
//
// It starts the test cluster (or uses CKS_TEST_KUBECONFIG), applies the lab's reference solution, builds
// (or reuses a fresh .next) and starts the app on a free 127.0.0.1 port with its own SQLite file, secret
// and connection key in a temp dir, creates the learners in-process through better-auth's server API
// (the HTTP sign-up limit stays as it is), then measures:
//   - single learner: one learner grades N times in a row (latency = POST until the NDJSON stream ends,
//     which is after the attempt is stored);
//   - load: every learner presses Check at once (Promise.all), each stream read to the end.
// Afterwards it checks the database: one stored attempt per learner from the load phase, passed at full
// marks with one AttemptCheck row per check, nothing left running. Exits 1 on any deviation or error.
// Everything it started (app, cluster objects and containers, temp dir) is stopped on success, failure,
// SIGINT and SIGTERM.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { startTestCluster } from "@/e2e/cluster/index";
import { startApp } from "@/e2e/support/app-server";
import {
  applyManifests,
  connectCluster,
  findLab,
  labMaxScore,
  removeApplied,
  waitForFullMarks,
  type GradeReport,
} from "@/grader";
import { createAuth } from "@/lib/auth/server";
import { db } from "@/lib/db/client";
import { errorMessage } from "@/lib/errors/error-message";
import { readNdjson } from "@/lib/http/ndjson";
import type { AttemptEvent } from "@/lib/labs/grade-attempt";

const LAB_ID = "runtime-security/immutable-containers";
const LEARNERS = positiveInt(process.env.LOAD_LEARNERS, 50);
const BASELINE_RUNS = positiveInt(process.env.LOAD_BASELINE_RUNS, 5);
const GRADE_TIMEOUT_MS = 120_000;
const RESERVED_PORTS = new Set([3000, 3100, 3200]);

/** One Check press as the client saw it. */
type Attempt = {
  learner: string;
  ok: boolean;
  error: string | null;
  attemptId: string | null;
  report: GradeReport | null;
  /** Wall clock when the POST was sent (to compare with the attempt's stored timestamps). */
  sentAt: number;
  /** POST until the response headers (the route has signed the learner in and opened the attempt). */
  headersMs: number;
  /** POST until the report event arrived. */
  reportMs: number;
  /** POST until the stream ended (the attempt is stored by then). */
  totalMs: number;
};
type Learner = { name: string; userId: string; cookie: string };

// ---------------------------------------------------------------------------------------------
// Clean-up: every started thing registers how to stop it; run in reverse, once, also on Ctrl-C.
const cleanups: Array<{ what: string; run: () => Promise<void> | void }> = [];
let cleaningUp: Promise<void> | null = null;
let interrupted = false;
/** Aborted on Ctrl-C: kills whichever app set-up step is running. */
const stopSignal = new AbortController();
function cleanUp(): Promise<void> {
  cleaningUp ??= (async () => {
    for (const { what, run } of cleanups.reverse()) {
      if (interrupted) console.error(`clean-up: ${what}`);
      try {
        await withTimeout(Promise.resolve(run()), 30_000, `stopping ${what}`);
      } catch (error) {
        console.error(`clean-up: ${what}: ${errorMessage(error)}`);
      }
    }
  })();
  return cleaningUp;
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    // Ctrl-C reaches this process twice (from the terminal and from scripts/load-grade.ts): act once.
    if (interrupted) return;
    interrupted = true;
    stopSignal.abort();
    console.error(`\n${signal}: stopping everything this run started`);
    void cleanUp().then(() => process.exit(130));
  });
}

// ---------------------------------------------------------------------------------------------
async function main(): Promise<number> {
  const wallStart = performance.now();
  const lab = await findLab(LAB_ID);
  if (!lab) throw new Error(`lab ${LAB_ID} not found`);
  const checkCount = lab.tasks.reduce((n, task) => n + task.checks.length, 0);
  const maxScore = labMaxScore(lab);

  // Own database file, sign-in secret and connection key: nothing under data/ is read or written.
  const workDir = mkdtempSync(path.join(tmpdir(), "cks-load-"));
  cleanups.push({ what: `temp dir ${workDir}`, run: () => rmSync(workDir, { recursive: true, force: true }) });
  process.env.DATABASE_URL = `file:${path.join(workDir, "load.db")}`;
  const secret = randomBytes(32).toString("base64url");
  process.env.BETTER_AUTH_SECRET = secret;
  process.env.CKS_CONNECTION_KEY = randomBytes(32).toString("base64");
  process.env.CKS_SETUP_CODE_FILE = path.join(workDir, "setup-code");

  // 1. Cluster with the reference solution at full marks.
  const testCluster = await startTestCluster({ kubeconfigPath: path.join(workDir, "kubeconfig") });
  cleanups.push({ what: "test cluster", run: () => testCluster.stop() });
  const connection = connectCluster({ kubeconfigPath: testCluster.kubeconfigPath });
  if (!connection.ok) throw new Error(`cannot connect to the test cluster: ${connection.failure.message}`);
  const cluster = connection.cluster;
  // The learners grade the lab's own namespace, so the solution goes there.
  const apply = await applyManifests({
    cluster,
    lab,
    namespace: lab.namespace,
    labels: lab.solution.namespaceLabels,
    manifests: lab.solution.manifests,
  });
  cleanups.push({
    what: `namespace ${lab.namespace} and the solution's cluster-scoped objects`,
    run: async () => {
      for (const failure of await removeApplied(cluster, apply.applied)) console.error(`clean-up: ${failure}`);
    },
  });
  if (apply.failure !== null) throw new Error(apply.failure);
  const settled = await waitForFullMarks({ lab, cluster, namespace: lab.namespace });
  if (!settled.ok) throw new Error(settled.failure);
  console.log(
    `cluster: ${testCluster.kind} at ${connection.server}; solution in ${lab.namespace} at full marks after ${settled.afterMs} ms`,
  );

  // 2. The app, started as the browser tests start it.
  const port = await freePort();
  const log = path.join(workDir, "app.log");
  const app = await startApp({
    port,
    build: process.env.LOAD_REBUILD === "1" ? "always" : "if-stale",
    env: { KUBECONFIG: testCluster.kubeconfigPath },
    log,
    signal: stopSignal.signal,
  });
  cleanups.push({ what: `CKS Lab server (pid ${app.pid})`, run: () => app.stop() });
  const baseUrl = app.url;
  const appPid = app.pid;
  console.log(`app: ${baseUrl} (log ${log} while running)`);

  // 3. Accounts: in-process through better-auth's server API (bypasses the HTTP limiter, as documented),
  // with the same secret and database as the app, so the app accepts the session cookies.
  const auth = createAuth({ secret, baseURL: baseUrl });
  // The first account becomes instructor, with the setup code the app printed (it wrote the file at start).
  const setupCode = readFileSync(process.env.CKS_SETUP_CODE_FILE, "utf8").trim();
  const instructor = await signUp(auth, "instructor", setupCode); // used for the warm-up only
  const learners: Learner[] = [];
  for (let i = 1; i <= LEARNERS; i += 1) learners.push(await signUp(auth, `learner-${String(i).padStart(2, "0")}`));
  for (const learner of [instructor, ...learners]) await expectSignedIn(baseUrl, learner);
  console.log(`accounts: 1 instructor + ${learners.length} learners, every session cookie accepted by the app`);

  // 4. Single learner, after one untimed warm-up (first request loads the route and opens connections).
  const warmUp = await grade(baseUrl, instructor);
  if (!warmUp.ok) throw new Error(`warm-up Check failed: ${warmUp.error}`);
  const baseline: Attempt[] = [];
  const cpuBaseline = cpuCounters(appPid);
  for (let i = 0; i < BASELINE_RUNS; i += 1) baseline.push(await grade(baseUrl, learners[0]!));
  const cpuBaselineAfter = cpuCounters(appPid);

  // 5. Load: everyone at once.
  // Beside it: CPU counters, and a cheap request (no database, no cluster) every 500 ms that shows
  // how long the app's event loop makes any request wait.
  const idleProbe = await probeOnce(baseUrl);
  const cpuBefore = cpuCounters(appPid);
  const loadStartedAt = new Date();
  const loadT0 = performance.now();
  const probes = { stop: false, latencies: [] as number[] };
  const probing = probeLoop(baseUrl, probes);
  // This process also hosts the test API server: if its event loop stalls, the client's clock does too.
  const ownLoop = monitorEventLoopDelay({ resolution: 20 });
  ownLoop.enable();
  const load = await Promise.all(learners.map((learner) => grade(baseUrl, learner)));
  const loadWallMs = performance.now() - loadT0;
  probes.stop = true;
  ownLoop.disable();
  await probing;
  const cpuAfter = cpuCounters(appPid);
  const loadAfter = loadavg()[0]!;

  // Verify the client side and the database.
  const problems: string[] = [];
  for (const attempt of [...baseline, ...load]) {
    if (!attempt.ok) problems.push(`${attempt.learner}: ${attempt.error}`);
  }
  const verified = await verifyDatabase(learners, load, loadStartedAt, { checkCount, maxScore });
  problems.push(...verified.problems);
  const stored = await db().attempt.count();
  const expectedStored = 1 + BASELINE_RUNS + LEARNERS;
  if (stored !== expectedStored) problems.push(`${stored} attempts stored in total, expected ${expectedStored}`);

  // 6. Figures.
  const single = baseline.map((a) => a.totalMs);
  const loaded = load.map((a) => a.totalMs);
  const graderLoaded = load.flatMap((a) => (a.report ? [a.report.durationMs] : []));
  const headers = load.map((a) => a.headersMs);
  const toRow = verified.breakdown.map((b) => b.toRow);
  const rowToFinished = verified.breakdown.map((b) => b.rowToFinished);
  const finishedToEnd = verified.breakdown.map((b) => b.finishedToEnd);
  const slowest = slowestChecks(load);
  const errors = [...baseline, ...load].filter((a) => !a.ok).length;
  console.log("");
  console.log(`lab:                     ${LAB_ID} (${checkCount} checks, ${maxScore} points)`);
  console.log(
    `single learner (N=${BASELINE_RUNS}):   p50 ${ms(percentile(single, 50))}  [${single.map((t) => t.toFixed(0)).join(", ")}] ms`,
  );
  console.log(
    `load (${LEARNERS} at once):      p50 ${ms(percentile(loaded, 50))}  p95 ${ms(percentile(loaded, 95))}  max ${ms(Math.max(...loaded))}  min ${ms(Math.min(...loaded))}`,
  );
  console.log(`load p50 / single p50:   ${(percentile(loaded, 50) / Math.max(1, percentile(single, 50))).toFixed(1)}x`);
  console.log(
    `load phase wall time:    ${ms(loadWallMs)}  (${(LEARNERS / (loadWallMs / 1000)).toFixed(1)} attempts/s)`,
  );
  console.log("  where the load-phase time went (p50 / max):");
  console.log(`    POST -> response headers (sign-in check + attempt opened):   ${spread(headers)}`);
  console.log(`    POST -> attempt row startedAt (stored timestamp):            ${spread(toRow)}`);
  console.log(`    attempt startedAt -> finishedAt (connect, grade, store):     ${spread(rowToFinished)}`);
  console.log(`      of which the grader's own run (report.durationMs):         ${spread(graderLoaded)}`);
  console.log(`    attempt finishedAt -> stream end at the client:              ${spread(finishedToEnd)}`);
  console.log(`  slowest checks under load (p50 of their durationMs): ${slowest}`);
  const seconds = loadWallMs / 1000;
  const cores = (a: number, b: number) => `${(b - a).toFixed(1)} s CPU = ${((b - a) / seconds).toFixed(2)} cores`;
  console.log(
    `  CPU during the load phase: app (next-server) ${cores(cpuBefore.app, cpuAfter.app)}; this process (test API server, client) + reaped children (runc/podman exec) ${cores(cpuBefore.self, cpuAfter.self)}`,
  );
  const machine =
    (cpuAfter.machineBusy - cpuBefore.machineBusy) / Math.max(1, cpuAfter.machineTotal - cpuBefore.machineTotal);
  const iowait =
    (cpuAfter.machineIowait - cpuBefore.machineIowait) / Math.max(1, cpuAfter.machineTotal - cpuBefore.machineTotal);
  const perAttempt = (before: { app: number; self: number }, after: { app: number; self: number }, n: number) =>
    `app ${ms(((after.app - before.app) / n) * 1000)}, cluster side ${ms(((after.self - before.self) / n) * 1000)}`;
  console.log(
    `  CPU per attempt: single learner ${perAttempt(cpuBaseline, cpuBaselineAfter, BASELINE_RUNS)}; under load ${perAttempt(cpuBefore, cpuAfter, LEARNERS)}`,
  );
  console.log(
    `  machine: ${(machine * 100).toFixed(0)}% busy, ${(iowait * 100).toFixed(1)}% iowait, 1-min load average ${loadAfter.toFixed(2)} after the phase (2 cores)`,
  );
  console.log(
    `  this process's event-loop delay (test API server + client): p50 ${ms(ownLoop.percentile(50) / 1e6)}, p99 ${ms(ownLoop.percentile(99) / 1e6)}, max ${ms(ownLoop.max / 1e6)}`,
  );
  console.log(
    `  a cheap request (GET /api/auth/ok): ${ms(idleProbe)} idle; during the load phase p50 ${ms(percentile(probes.latencies, 50))}, max ${ms(Math.max(0, ...probes.latencies))} (${probes.latencies.length} probes)`,
  );
  console.log(`attempts stored:         ${stored} (1 warm-up + ${BASELINE_RUNS} single + ${LEARNERS} load)`);
  console.log(`errors:                  ${errors} HTTP/stream, ${problems.length} deviation(s) in total`);
  console.log(`total wall time:         ${ms(performance.now() - wallStart)}`);
  for (const problem of problems.slice(0, 30)) console.error(`  - ${problem}`);
  if (problems.length > 30) console.error(`  ... and ${problems.length - 30} more`);
  console.log(
    problems.length === 0 ? "\nOK: every attempt stored exactly once, passed at full marks, no errors" : "\nFAILED",
  );
  return problems.length === 0 ? 0 : 1;
}

// ---------------------------------------------------------------------------------------------
// App

async function freePort(): Promise<number> {
  for (let i = 0; i < 20; i += 1) {
    const port = await new Promise<number>((resolve, reject) => {
      const probe = createServer();
      probe.once("error", reject);
      probe.listen(0, "127.0.0.1", () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
      });
    });
    if (port && !RESERVED_PORTS.has(port)) return port;
  }
  throw new Error("no free port");
}

// ---------------------------------------------------------------------------------------------
// Accounts and grading over HTTP

async function signUp(auth: ReturnType<typeof createAuth>, name: string, setupCode?: string): Promise<Learner> {
  const response = await auth.api.signUpEmail({
    body: {
      name,
      email: `${name}-${randomBytes(3).toString("hex")}@load.test`,
      password: randomBytes(18).toString("base64url"),
      ...(setupCode ? { setupCode } : {}),
    },
    asResponse: true,
  });
  if (!response.ok) throw new Error(`sign-up of ${name} failed: HTTP ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { user?: { id?: string } };
  const cookie = response.headers
    .getSetCookie()
    .map((line) => line.split(";")[0]!)
    .join("; ");
  if (!body.user?.id || !cookie) throw new Error(`sign-up of ${name} returned no user or no session cookie`);
  return { name, userId: body.user.id, cookie };
}

async function expectSignedIn(baseUrl: string, learner: Learner): Promise<void> {
  const response = await fetch(`${baseUrl}/api/auth/get-session`, {
    headers: { cookie: learner.cookie },
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json().catch(() => null)) as { user?: { id?: string } } | null;
  if (!response.ok || body?.user?.id !== learner.userId)
    throw new Error(`the app does not accept ${learner.name}'s session cookie (HTTP ${response.status})`);
}

/** One press of Check: POST, then read the NDJSON stream to its end. Never throws; failures are data. */
async function grade(baseUrl: string, learner: Learner): Promise<Attempt> {
  const t0 = performance.now();
  const attempt: Attempt = {
    learner: learner.name,
    ok: false,
    error: null,
    attemptId: null,
    report: null,
    sentAt: Date.now(),
    headersMs: 0,
    reportMs: 0,
    totalMs: 0,
  };
  try {
    const response = await fetch(`${baseUrl}/api/labs/${LAB_ID}/grade`, {
      method: "POST",
      headers: { cookie: learner.cookie, "content-type": "application/json", origin: baseUrl },
      body: "{}",
      signal: AbortSignal.timeout(GRADE_TIMEOUT_MS),
    });
    attempt.headersMs = performance.now() - t0;
    if (response.status !== 200 || !response.body) {
      attempt.error = `HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`;
      return attempt;
    }
    const problems: string[] = [];
    // Bounded by the request's AbortSignal timeout.
    for await (const event of readNdjson<AttemptEvent>(response.body)) {
      if (event.type === "attempt") attempt.attemptId = event.attemptId;
      else if (event.type === "report") {
        attempt.report = event.report;
        attempt.reportMs = performance.now() - t0;
      } else if (event.type === "cluster-problem") problems.push(`${event.type}: ${event.problem.message}`);
      else if (event.type === "internal-error") problems.push(`${event.type}: ${event.message}`);
    }
    attempt.totalMs = performance.now() - t0;
    const report = attempt.report;
    if (!attempt.attemptId) problems.push("no attempt event");
    if (!report) problems.push("stream ended without a report");
    else if (report.status !== "passed" || report.score !== report.maxScore) {
      const bad = report.results.filter((r) => r.status !== "pass").map((r) => `${r.checkId}=${r.outcome}`);
      problems.push(`report ${report.status} ${report.score}/${report.maxScore} (${bad.join(", ")})`);
    }
    attempt.error = problems.length ? problems.join("; ") : null;
    attempt.ok = problems.length === 0;
  } catch (error) {
    attempt.totalMs = performance.now() - t0;
    attempt.error = `request failed after ${ms(attempt.totalMs)}: ${errorMessage(error)}`;
  }
  return attempt;
}

/** Latency of one request that touches neither the database nor the cluster. */
async function probeOnce(baseUrl: string): Promise<number> {
  const t0 = performance.now();
  const response = await fetch(`${baseUrl}/api/auth/ok`, { signal: AbortSignal.timeout(GRADE_TIMEOUT_MS) });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`GET /api/auth/ok answered HTTP ${response.status}`);
  return performance.now() - t0;
}

async function probeLoop(baseUrl: string, probes: { stop: boolean; latencies: number[] }): Promise<void> {
  // Bounded: at most one probe per 500 ms for the longest a Check may take.
  for (let i = 0; i < GRADE_TIMEOUT_MS / 500 && !probes.stop; i += 1) {
    const started = performance.now();
    probes.latencies.push(await probeOnce(baseUrl).catch(() => performance.now() - started));
    await sleep(Math.max(0, 500 - (performance.now() - started)));
  }
}

/** CPU seconds so far: the app server, this process with its reaped children, and the whole machine (in ticks). */
function cpuCounters(appPid: number) {
  const ticks = 100; // USER_HZ on Linux
  const fields = (pid: number | "self") =>
    readFileSync(`/proc/${pid}/stat`, "utf8").split(")").pop()!.trim().split(" ").map(Number);
  // After the ")" that ends the command name: field 14 utime is at index 11, then stime, cutime, cstime.
  const app = fields(appPid);
  const self = fields("self");
  const [, ...machine] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = machine.map(Number);
  const machineTotal = user! + nice! + system! + idle! + iowait! + irq! + softirq! + steal!;
  return {
    app: (app[11]! + app[12]!) / ticks,
    self: (self[11]! + self[12]! + self[13]! + self[14]!) / ticks,
    machineBusy: machineTotal - idle! - iowait!,
    machineIowait: iowait!,
    machineTotal,
  };
}

// ---------------------------------------------------------------------------------------------
// Database verification (the app's own Prisma client on the same file)

/** Where the time of one load-phase attempt went, from the client's clock and the stored timestamps. */
type Breakdown = { toRow: number; rowToFinished: number; finishedToEnd: number };

async function verifyDatabase(
  learners: Learner[],
  load: Attempt[],
  since: Date,
  expected: { checkCount: number; maxScore: number },
): Promise<{ problems: string[]; breakdown: Breakdown[] }> {
  const problems: string[] = [];
  const breakdown: Breakdown[] = [];
  const rows = await db().attempt.findMany({
    where: { userId: { in: learners.map((l) => l.userId) }, startedAt: { gte: since } },
    select: {
      id: true,
      userId: true,
      labId: true,
      status: true,
      score: true,
      maxScore: true,
      startedAt: true,
      finishedAt: true,
      _count: { select: { checks: true } },
    },
  });
  for (const [index, learner] of learners.entries()) {
    const own = rows.filter((row) => row.userId === learner.userId);
    if (own.length !== 1) {
      problems.push(`${learner.name}: ${own.length} attempts stored in the load phase, expected 1`);
      continue;
    }
    const row = own[0]!;
    if (row.id !== load[index]!.attemptId)
      problems.push(`${learner.name}: stored attempt ${row.id} is not the streamed one (${load[index]!.attemptId})`);
    if (row.labId !== LAB_ID) problems.push(`${learner.name}: attempt is for ${row.labId}`);
    if (row.status !== "passed") problems.push(`${learner.name}: attempt status ${row.status}`);
    if (row.score !== expected.maxScore || row.maxScore !== expected.maxScore)
      problems.push(
        `${learner.name}: score ${row.score}/${row.maxScore}, expected ${expected.maxScore}/${expected.maxScore}`,
      );
    if (row._count.checks !== expected.checkCount)
      problems.push(`${learner.name}: ${row._count.checks} AttemptCheck rows, expected ${expected.checkCount}`);
    const client = load[index]!;
    if (row.finishedAt) {
      breakdown.push({
        toRow: row.startedAt.getTime() - client.sentAt,
        rowToFinished: row.finishedAt.getTime() - row.startedAt.getTime(),
        finishedToEnd: client.sentAt + client.totalMs - row.finishedAt.getTime(),
      });
    }
  }
  const running = await db().attempt.count({ where: { status: "running" } });
  if (running > 0) problems.push(`${running} attempt(s) left running`);
  return { problems, breakdown };
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function slowestChecks(attempts: Attempt[]): string {
  const byCheck = new Map<string, number[]>();
  for (const attempt of attempts) {
    for (const result of attempt.report?.results ?? [])
      byCheck.set(result.checkId, [...(byCheck.get(result.checkId) ?? []), result.durationMs]);
  }
  return [...byCheck.entries()]
    .map(([id, times]) => ({ id, p50: percentile(times, 50) }))
    .sort((a, b) => b.p50 - a.p50)
    .slice(0, 3)
    .map(({ id, p50 }) => `${id} ${ms(p50)}`)
    .join(", ");
}

function spread(values: number[]): string {
  return `${ms(percentile(values, 50))} / ${ms(Math.max(0, ...values))}`;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function ms(value: number): string {
  return `${Math.round(value)} ms`;
}

function positiveInt(raw: string | undefined, fallback: number): number {
  const value = Number(raw ?? fallback);
  if (!Number.isInteger(value) || value < 1 || value > 500)
    throw new Error(`expected a whole number from 1 to 500, got ${raw}`);
  return value;
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

async function withTimeout<T>(promise: Promise<T>, milliseconds: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${milliseconds / 1000} s`)), milliseconds);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

void main()
  .catch((error: unknown) => {
    console.error(`load test failed: ${errorMessage(error)}`);
    return 1;
  })
  .then(async (code) => {
    if (process.env.DATABASE_URL?.includes("cks-load-"))
      await db()
        .$disconnect()
        .catch(() => undefined);
    await cleanUp();
    process.exit(code);
  });
