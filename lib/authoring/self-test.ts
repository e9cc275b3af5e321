import { boundClusterData, clusterText, findLab, loadAllLabs, phasesOf, verifyLab, type PhaseOutcome } from "@/grader";
import { db } from "@/lib/db/client";
import { errorLine } from "@/lib/errors/error-message";
import { connectTarget } from "@/lib/labs/connect-target";
import type { TGradeRequest } from "@/lib/labs/grading-target";

/** One phase as the Authoring page shows it (no grading report: evidence stays out of this view). */
export type PhaseSummary = {
  phase: string;
  ok: boolean;
  score: number;
  maxScore: number;
  deviations: string[];
  failedChecks: string[];
  /** What the phase could not prove on this cluster (runs stored before notes existed have none). */
  notes?: string[];
  durationMs: number;
};

export type SelfTestEvent =
  | { type: "started"; runId: string; phases: string[] }
  | { type: "phase"; phase: PhaseSummary }
  | { type: "done"; status: "passed" | "failed" | "error"; problem: string | null };

function summarise(outcome: PhaseOutcome): PhaseSummary {
  const { phase, ok, score, maxScore, deviations, failedChecks, notes, durationMs } = outcome;
  return { phase, ok, score, maxScore, deviations, failedChecks, notes, durationMs };
}

/**
 * Runs labs:verify for one lab against the chosen cluster, storing the run and each phase as it
 * finishes. Returns null when the lab does not exist. Cluster trouble ends the run as "error".
 */
export async function runSelfTest(input: {
  userId: string;
  labId: string;
  target: TGradeRequest;
  emit: (event: SelfTestEvent) => void;
}): Promise<{ runId: string } | null> {
  const lab = await findLab(input.labId);
  if (!lab) return null;
  const resolved = await connectTarget(input.target, input.userId);
  const run = await db().selfTestRun.create({
    data: {
      labId: lab.id,
      contentVersion: lab.contentVersion,
      status: "running",
      target: resolved.ok ? resolved.context : "unavailable",
      triggeredById: input.userId,
    },
    select: { id: true },
  });
  input.emit({ type: "started", runId: run.id, phases: phasesOf(lab).map((p) => p.name) });
  // Problems and phase deviations can quote the cluster: bounded before they are stored or streamed.
  const finish = async (status: "passed" | "failed" | "error", found: string | null, phases: PhaseSummary[]) => {
    const problem = found === null ? null : clusterText(found, 1000);
    await db().selfTestRun.update({
      where: { id: run.id },
      data: { status, problem, phases: JSON.stringify(boundClusterData(phases)), finishedAt: new Date() },
    });
    input.emit({ type: "done", status, problem });
  };
  if (!resolved.ok) {
    await finish("error", resolved.error, []);
    return { runId: run.id };
  }
  const phases: PhaseSummary[] = [];
  try {
    const result = await verifyLab({
      lab,
      cluster: resolved.cluster,
      onPhase: (outcome) => {
        const summary = boundClusterData(summarise(outcome));
        phases.push(summary);
        input.emit({ type: "phase", phase: summary });
        void db()
          .selfTestRun.update({ where: { id: run.id }, data: { phases: JSON.stringify(phases) } })
          .catch(() => undefined);
      },
    });
    if (result.preflight.length) await finish("error", result.preflight.join(" "), phases);
    else await finish(result.ok ? "passed" : "failed", null, phases);
  } catch (error) {
    await finish("error", `The self-test stopped: ${errorLine(error)}`, phases);
  }
  return { runId: run.id };
}

/** Every lab with its content version and its newest self-test (and whether that ran against this version). */
export async function listLabsForAuthoring() {
  const labs = await loadAllLabs();
  const runs = await db().selfTestRun.findMany({
    orderBy: { startedAt: "desc" },
    select: {
      labId: true,
      contentVersion: true,
      status: true,
      target: true,
      phases: true,
      problem: true,
      startedAt: true,
      triggeredBy: { select: { name: true } },
    },
  });
  return labs.map((lab) => {
    const last = runs.find((r) => r.labId === lab.id) ?? null;
    return {
      labId: lab.id,
      title: lab.title,
      contentVersion: lab.contentVersion,
      phases: phasesOf(lab).map((p) => p.name),
      lastRun: last && {
        status: last.status,
        target: last.target,
        problem: last.problem,
        startedAt: last.startedAt.toISOString(),
        by: last.triggeredBy.name,
        currentVersion: last.contentVersion === lab.contentVersion,
        phases: JSON.parse(last.phases) as PhaseSummary[],
      },
    };
  });
}
