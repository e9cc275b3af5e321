// The grader against a hostile API server (e2e/hostile/hostile-server.ts, in its own process): for every
// scenario a whole grading run, a connection check and a permission probe end with bounded error outcomes
// within the run's deadline, the canary is never contacted, this process's memory stays flat, its event
// loop keeps answering, and nothing keeps reading from the server once the run is over.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkConnection, checkPermissions, connectCluster, gradeLab, type CheckOutcome } from "@/grader";
import { labWith } from "@/grader/testing/lab-builder";
import { HOSTILE_TEXT, hostileKubeconfig, spawnHostileServer, type HostileProcess, type Scenario } from "./index";

const NS = "hostile-lab";
const lab = labWith(
  [
    { id: "running", type: "podCondition", pod: "nginx", container: "nginx", expect: { phase: ["Running"] } },
    { id: "image", type: "field", pod: "nginx", container: "nginx", path: "image", equals: "nginx" },
    { id: "log", type: "logs", pod: "nginx", container: "nginx", pattern: "hostile test server", from: "current" },
    { id: "exec", type: "exec", pod: "nginx", container: "nginx", command: ["true"], expect: { exit: "zero" } },
    {
      id: "policy",
      type: "objectExists",
      object: { apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingAdmissionPolicy", name: "p" },
    },
  ],
  NS,
);
// Narrower than the defaults so the suite stays short; the Playwright spec (e2e/hostile.spec.ts) runs the
// same scenarios through the app with the defaults.
const timeouts = { checkMs: 3_000, execMs: 2_000, runMs: 6_000 };
const limits = { callTimeoutMs: 2_500, headersTimeoutMs: 1_500, bodyIdleTimeoutMs: 1_000, connectTimeoutMs: 1_500 };

const TIMEOUTS: CheckOutcome[] = ["timeout", "exec-timeout", "run-timeout"];
/** Per scenario, the outcomes each attacked check may end with (all errors); unlisted checks must not error. */
const expected: Record<Scenario, { attacked: "all" | string[]; outcomes: CheckOutcome[] }> = {
  healthy: { attacked: [], outcomes: [] },
  redirect: { attacked: "all", outcomes: ["refused"] },
  "endless-body": { attacked: "all", outcomes: ["refused"] },
  "slow-headers": { attacked: "all", outcomes: TIMEOUTS },
  "slow-body": { attacked: "all", outcomes: TIMEOUTS },
  "endless-logs": { attacked: ["log"], outcomes: ["refused"] },
  "exec-never-closes": { attacked: ["exec"], outcomes: ["exec-timeout"] },
  "huge-status": { attacked: "all", outcomes: ["refused", "forbidden"] },
  "html-control": { attacked: "all", outcomes: ["forbidden"] },
  "wrong-name": { attacked: "all", outcomes: ["refused"] },
};

let hostile: HostileProcess;
let cheap: http.Server;
let cheapUrl = "";
const figures: string[] = [];

beforeAll(async () => {
  hostile = await spawnHostileServer();
  // A cheap endpoint served by this process: if the grader blocked the event loop, it would stop answering.
  cheap = http.createServer((_req, res) => res.end("ok"));
  await new Promise<void>((resolve) => cheap.listen(0, "127.0.0.1", resolve));
  cheapUrl = `http://127.0.0.1:${(cheap.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  console.log(
    ["hostile API server, through the grader:", "scenario | run | RSS growth | ping p50/max | bytes the server sent"]
      .concat(figures)
      .join("\n"),
  );
  await hostile?.stop();
  await new Promise<void>((resolve) => cheap?.close(() => resolve()));
});

/** Runs `work` while sampling RSS and pinging the cheap endpoint; returns its value with the figures. */
async function underWatch<T>(work: () => Promise<T>) {
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const pings: number[] = [];
  const failedPings: string[] = [];
  let watching = true;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
  const pinger = (async () => {
    while (watching) {
      const started = performance.now();
      try {
        const response = await fetch(cheapUrl, { signal: AbortSignal.timeout(2_000) });
        await response.text();
        pings.push(performance.now() - started);
      } catch (error) {
        failedPings.push(String(error));
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  const started = performance.now();
  const value = await work();
  const elapsed = performance.now() - started;
  watching = false;
  await pinger;
  clearInterval(sampler);
  const sorted = [...pings].sort((a, b) => a - b);
  return {
    value,
    elapsed,
    growthMb: (peak - baseline) / (1024 * 1024),
    pings: sorted,
    failedPings,
    p50: sorted[Math.floor(sorted.length / 2)] ?? NaN,
    max: sorted.at(-1) ?? NaN,
  };
}

describe("the grader against a hostile API server", () => {
  it.each(Object.keys(expected) as Scenario[])("%s", async (scenario) => {
    const before = await hostile.stats();
    const connected = connectCluster({
      kubeconfigYaml: hostileKubeconfig(hostile, scenario),
      pinnedAddress: "127.0.0.1",
      addressPolicy: { allowPrivate: true },
      owner: `learner-${scenario}`,
      limits,
    });
    if (!connected.ok) throw new Error(connected.failure.message);
    const watched = await underWatch(async () => {
      const report = await gradeLab({ lab, cluster: connected.cluster, timeouts });
      const status = await checkConnection(connected.cluster);
      const permissions = await checkPermissions(connected.cluster, NS, lab.tasks[0]!.checks);
      return { report, status, permissions };
    });
    const { report, status, permissions } = watched.value;

    // A bounded outcome, within the run's deadline (plus the connection check and the probe after it).
    expect(report.durationMs).toBeLessThanOrEqual(timeouts.runMs + 500);
    const plan = expected[scenario];
    for (const result of report.results) {
      const attacked = plan.attacked === "all" || plan.attacked.includes(result.checkId);
      if (attacked) {
        expect(result.status, `${result.checkId}: ${result.message}`).toBe("error");
        expect(plan.outcomes, `${result.checkId}: ${result.message}`).toContain(result.outcome);
      } else {
        expect(result.status, `${result.checkId}: ${result.message}`).not.toBe("error");
      }
    }
    if (scenario === "healthy") expect(status).toMatchObject({ ok: true, version: "v1.35.0" });
    if (scenario === "redirect") {
      expect(report.problem).toMatchObject({ outcome: "refused" });
      expect(report.results[0]?.evidence).toEqual([
        expect.objectContaining({ detail: expect.stringContaining(`redirect to ${hostile.canaryUrl}`) }),
      ]);
      expect(status).toMatchObject({ ok: false, outcome: "refused" });
    }
    if (scenario === "html-control") {
      // Markup stays inert text; control characters never get through; everything is bounded.
      expect(status).toMatchObject({ ok: true, version: expect.stringMatching(/^v1\.35\.0<script>/) });
      const strings: string[] = [];
      const collect = (value: unknown): void => {
        if (typeof value === "string") strings.push(value);
        else if (value && typeof value === "object") Object.values(value).forEach(collect);
      };
      collect({ report, status, permissions });
      // eslint-disable-next-line no-control-regex -- looking for control characters is the point
      expect(strings.filter((s) => /[\u0000-\u0008\u000b-\u001f\u202e]/.test(s))).toEqual([]);
      expect(strings.some((s) => s.includes('<script>alert("cks")</script>'))).toBe(true);
      expect(HOSTILE_TEXT).toContain("\u001b");
      expect(Math.max(...strings.map((s) => s.length))).toBeLessThanOrEqual(4_000);
    }

    // The canary was never contacted, by this scenario or any before it.
    expect((await hostile.stats()).canaryConnections).toBe(0);
    // Memory stayed flat and this process kept answering throughout.
    expect(watched.growthMb).toBeLessThan(100);
    expect(watched.failedPings).toEqual([]);
    expect(watched.pings.length).toBeGreaterThan(0);

    // Nothing keeps reading: the server stops being able to send, and every socket closes.
    const after = await hostile.stats();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const later = await hostile.stats();
    expect(later.bytesSent - after.bytesSent).toBeLessThan(256 * 1024);
    // Idle pooled sockets would close by themselves after 2 s; the adapter's close() ends them now.
    await (connected.cluster as unknown as { close(): Promise<void> }).close();
    await expect.poll(async () => (await hostile.stats()).openSockets, { timeout: 5_000 }).toBe(0);

    figures.push(
      `${scenario.padEnd(18)} | ${Math.round(watched.elapsed)} ms | ${watched.growthMb.toFixed(1)} MB | ${watched.p50.toFixed(1)}/${watched.max.toFixed(1)} ms | ${((after.bytesSent - before.bytesSent) / 1024).toFixed(0)} KiB`,
    );
  });
});
