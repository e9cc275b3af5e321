import type { GradeReport } from "@/grader";

/**
 * Attempts that graded something. Progress, the dashboard, the last attempt under a lesson, the gradebook
 * and item analysis read only these: a run that never reached the cluster says nothing about the learner.
 */
export const GRADED_STATUSES = ["passed", "failed", "error", "interrupted"] as const;

/** A run that lost its cluster before any check could tell pass from fail: kept for the record, never counted. */
export const CONNECTION_PROBLEM = "connection-problem";

/** The Prisma filter for attempts that count (see GRADED_STATUSES). */
export const gradedAttempts = { status: { in: [...GRADED_STATUSES] } };

const CONNECTION_OUTCOMES = new Set(["cluster-unreachable", "unauthorized", "refused"]);

/**
 * True when a report is about the connection, not the learner's work: the run names a connection
 * problem and no check got as far as a pass or a fail (the cluster went away mid-run).
 */
export function isConnectionProblem(report: Pick<GradeReport, "problem" | "counts">): boolean {
  return (
    report.problem !== null &&
    CONNECTION_OUTCOMES.has(report.problem.outcome) &&
    report.counts.pass === 0 &&
    report.counts.fail === 0
  );
}
