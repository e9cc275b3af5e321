import { boundClusterData, clusterText, findLab, loadAllLabs, phasesOf, verifyLab, type PhaseOutcome } from "@/grader";
import { z } from "zod";
import { db } from "@/lib/db/client";
import { readJsonList, toJsonList } from "@/lib/db/json-column";
import { errorLine } from "@/lib/errors/error-message";
import { connectTarget } from "@/lib/labs/connect-target";
import type { TGradeRequest } from "@/lib/labs/grading-target";

/** One phase as the Authoring page shows it and a run stores it (no report: evidence stays out of this view). */
export const ZPhaseSummarySchema = z.object({
  phase: z.string(),
  ok: z.boolean(),
  score: z.number(),
  maxScore: z.number(),
  deviations: z.array(z.string()),
  failedChecks: z.array(z.string()),
  /** What the phase could not prove on this cluster (runs stored before notes existed have none). */
  notes: z.array(z.string()).optional(),
  durationMs: z.number(),
});
export type TPhaseSummary = z.infer<typeof ZPhaseSummarySchema>;

// A phase this version cannot read (stored by an older one, or damaged) is left out and logged, never cast.
function storedPhases(labId: string, stored: unknown): TPhaseSummary[] {
  const { items, unreadable } = readJsonList(ZPhaseSummarySchema, stored);
  if (unreadable > 0) console.error(`self-test run of ${labId}: ${unreadable} stored phase(s) could not be read`);
  return items;
}

export type SelfTestEvent =
  | { type: "started"; runId: string; phases: string[] }
  | { type: "phase"; phase: TPhaseSummary }
  | { type: "done"; status: "passed" | "failed" | "error"; problem: string | null };

function summarise(outcome: PhaseOutcome): TPhaseSummary {
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
      phases: [],
      triggeredById: input.userId,
    },
    select: { id: true },
  });
  input.emit({ type: "started", runId: run.id, phases: phasesOf(lab).map((p) => p.name) });
  // Problems and phase deviations can quote the cluster: bounded before they are stored or streamed.
  const finish = async (status: "passed" | "failed" | "error", found: string | null, phases: TPhaseSummary[]) => {
    const problem = found === null ? null : clusterText(found, 1000);
    await db().selfTestRun.update({
      where: { id: run.id },
      data: { status, problem, phases: toJsonList(boundClusterData(phases)), finishedAt: new Date() },
    });
    input.emit({ type: "done", status, problem });
  };
  if (!resolved.ok) {
    await finish("error", resolved.failure, []);
    return { runId: run.id };
  }
  const phases: TPhaseSummary[] = [];
  try {
    const result = await verifyLab({
      lab,
      cluster: resolved.cluster,
      onPhase: (outcome) => {
        const summary = boundClusterData(summarise(outcome));
        phases.push(summary);
        input.emit({ type: "phase", phase: summary });
        void db()
          .selfTestRun.update({ where: { id: run.id }, data: { phases: toJsonList(phases) } })
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
        phases: storedPhases(last.labId, last.phases),
      },
    };
  });
}
