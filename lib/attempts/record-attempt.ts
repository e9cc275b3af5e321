import { boundClusterData, clusterText, type CheckResult, type GradeReport } from "@/grader";
import { db } from "@/lib/db/client";
import { toJsonList } from "@/lib/db/json-column";
import { CONNECTION_PROBLEM, isConnectionProblem } from "./attempt-status";

// What a learner's cluster said reaches these rows (messages, evidence, the run's problem). The grader bounds
// it already; the store bounds it again, so no caller can put megabytes or terminal escapes in the database.
const MESSAGE_MAX = 500;
const PROBLEM_MAX = 1000;

/** Stores one check's result as soon as the grader has it, so a crash mid-run keeps what was seen. */
export async function recordCheckResult(attemptId: string, result: CheckResult): Promise<void> {
  const row = {
    taskId: result.taskId,
    title: result.title,
    status: result.status,
    outcome: result.outcome,
    points: result.points,
    awarded: result.awarded,
    message: clusterText(result.message, MESSAGE_MAX),
    hint: result.hint,
    lessonHref: result.lessonHref,
    evidence: toJsonList(boundClusterData(result.evidence)),
    durationMs: Math.round(result.durationMs),
  };
  await db().attemptCheck.upsert({
    where: { attemptId_checkId: { attemptId, checkId: result.checkId } },
    create: { attemptId, checkId: result.checkId, ...row },
    update: row,
  });
}

/**
 * Closes a running attempt with the grader's report, storing the results it carries (those not streamed before).
 * A run that lost its cluster before any check could tell is closed as a connection problem, which nothing counts.
 */
export async function finishAttempt(attemptId: string, report: GradeReport): Promise<void> {
  for (const result of report.results) await recordCheckResult(attemptId, result);
  await db().attempt.update({
    where: { id: attemptId },
    data: {
      status: isConnectionProblem(report) ? CONNECTION_PROBLEM : report.status,
      score: report.score,
      maxScore: report.maxScore,
      problem: report.problem ? clusterText(report.problem.message, PROBLEM_MAX) : null,
      finishedAt: new Date(),
      durationMs: report.durationMs,
      runningKey: null,
    },
  });
}

/** Closes a running attempt that could not finish (no cluster, a crash), keeping the reason. */
export async function failAttempt(
  attemptId: string,
  status: "error" | "interrupted" | typeof CONNECTION_PROBLEM,
  problem: string,
): Promise<void> {
  await db().attempt.updateMany({
    where: { id: attemptId, status: "running" },
    data: { status, problem: clusterText(problem, PROBLEM_MAX), finishedAt: new Date(), runningKey: null },
  });
}

/** At start-up no grading run can still be alive: every attempt left running was interrupted. */
export async function interruptRunningAttempts(): Promise<number> {
  const { count } = await db().attempt.updateMany({
    where: { status: "running" },
    data: {
      status: "interrupted",
      runningKey: null,
      finishedAt: new Date(),
      problem: "The server restarted while this attempt was being graded.",
    },
  });
  return count;
}
