import { db } from "@/lib/db/client";
import { gradedAttempts } from "./attempt-status";
import { bestAttempt, unsupportedPointsOf } from "./best-attempt";

export type LessonProgress = "not-started" | "in-progress" | "done";

/** A learner's standing on one lab, derived from their attempts (nothing stored twice). */
export type LabProgress = {
  labId: string;
  attempts: number;
  /** The best attempt's score and maximum (a maximum leaves out checks its cluster could not evaluate). */
  bestScore: number;
  maxScore: number;
  /** Points the best attempt's cluster could not evaluate. */
  unsupportedPoints: number;
  lastScore: number | null;
  lastMaxScore: number | null;
  lastAttemptAt: string | null;
  progress: LessonProgress;
};

/** Best and last score per lab for one learner; labs never attempted are absent. */
export async function labProgressFor(userId: string): Promise<Map<string, LabProgress>> {
  const rows = await db().attempt.findMany({
    where: { userId, ...gradedAttempts },
    orderBy: { startedAt: "asc" },
    select: {
      labId: true,
      score: true,
      maxScore: true,
      startedAt: true,
      checks: { where: { status: "unsupported" }, select: { status: true, points: true } },
    },
  });
  const byLab = new Map<string, typeof rows>();
  for (const row of rows) byLab.set(row.labId, [...(byLab.get(row.labId) ?? []), row]);
  const progress = new Map<string, LabProgress>();
  for (const [labId, attempts] of byLab) {
    const best = bestAttempt(attempts)!;
    const last = attempts[attempts.length - 1]!;
    progress.set(labId, {
      labId,
      attempts: attempts.length,
      bestScore: best.score,
      maxScore: best.maxScore,
      unsupportedPoints: unsupportedPointsOf(best.checks),
      lastScore: last.score,
      lastMaxScore: last.maxScore,
      lastAttemptAt: last.startedAt.toISOString(),
      progress: best.maxScore > 0 && best.score >= best.maxScore ? "done" : "in-progress",
    });
  }
  return progress;
}
