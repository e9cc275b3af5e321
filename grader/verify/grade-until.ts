import { gradeLab, type TGradeTimeouts } from "../grade-lab";
import type { Lab } from "../lab/schema";
import type { ClusterPort } from "../port";
import type { GradeReport } from "../report";

/** How a wait for a report ended: the last report, what was still wrong with it, and how many runs it took. */
export type GradeUntilResult = { report: GradeReport; deviations: string[]; attempts: number };

/**
 * Grades `lab` in `namespace` again and again until `judge` finds nothing wrong with the report, or
 * `settleMs` have passed since `since`. Pods need time to start, crash and become ready, so one run
 * is rarely the answer. With `minSettleMs`, an answer before that time does not count (a pod that is
 * merely still starting must not pass for a declared failure); `maxAttempts: 1` grades once.
 */
export async function gradeUntil(input: {
  lab: Lab;
  cluster: ClusterPort;
  namespace: string;
  judge: (report: GradeReport) => string[];
  settleMs: number;
  pollMs: number;
  minSettleMs?: number;
  maxAttempts?: number;
  /** performance.now() when the wait began (default: now). */
  since?: number;
  timeouts?: TGradeTimeouts;
}): Promise<GradeUntilResult> {
  const since = input.since ?? performance.now();
  const { lab, cluster, namespace } = input;
  let attempts = 0;
  for (;;) {
    attempts += 1;
    const report = await gradeLab({ lab, cluster, namespace, ...(input.timeouts ? { timeouts: input.timeouts } : {}) });
    const deviations = input.judge(report);
    const elapsed = performance.now() - since;
    const settled = deviations.length === 0 && elapsed >= (input.minSettleMs ?? 0);
    if (settled || elapsed > input.settleMs || attempts >= (input.maxAttempts ?? Infinity))
      return { report, deviations, attempts };
    await new Promise((resolve) => setTimeout(resolve, input.pollMs));
  }
}

/**
 * Waits until `lab` scores full marks in `namespace` (a benchmark or load test applied its reference
 * solution there). The error lists the checks that still fail when `timeoutMs` runs out.
 */
export async function waitForFullMarks(input: {
  lab: Lab;
  cluster: ClusterPort;
  namespace: string;
  timeoutMs?: number;
  pollMs?: number;
}): Promise<{ ok: true; afterMs: number; report: GradeReport } | { ok: false; failure: string; report: GradeReport }> {
  const started = performance.now();
  const { report, deviations } = await gradeUntil({
    ...input,
    since: started,
    settleMs: input.timeoutMs ?? 120_000,
    pollMs: input.pollMs ?? 500,
    judge: (r) => {
      const failing = r.results.filter((c) => c.status !== "pass").map((c) => `${c.checkId}: ${c.message}`);
      if (failing.length === 0 && (r.status !== "passed" || r.score !== r.maxScore))
        failing.push(
          `the run ended ${r.status} at ${r.score}/${r.maxScore}${r.problem ? `: ${r.problem.message}` : ""}`,
        );
      return failing;
    },
  });
  if (deviations.length > 0)
    return { ok: false, failure: `the reference solution never reached full marks: ${deviations.join("; ")}`, report };
  return { ok: true, afterMs: Math.round(performance.now() - started), report };
}
