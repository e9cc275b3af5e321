import { db } from "@/lib/db/client";

export type LessonProgress = "not-started" | "in-progress" | "done";

/** A learner's standing on one lab, derived from their attempts (nothing stored twice). */
export type LabProgress = {
  labId: string;
  attempts: number;
  bestScore: number;
  lastScore: number | null;
  maxScore: number;
  lastAttemptAt: string | null;
  progress: LessonProgress;
};

/** Best and last score per lab for one learner; labs never attempted are absent. */
export async function labProgressFor(userId: string): Promise<Map<string, LabProgress>> {
  const rows = await db().attempt.findMany({
    where: { userId, status: { not: "running" } },
    orderBy: { startedAt: "asc" },
    select: { labId: true, score: true, maxScore: true, startedAt: true },
  });
  const byLab = new Map<string, LabProgress>();
  for (const row of rows) {
    const entry = byLab.get(row.labId) ?? {
      labId: row.labId,
      attempts: 0,
      bestScore: 0,
      lastScore: null,
      maxScore: row.maxScore,
      lastAttemptAt: null,
      progress: "in-progress" as LessonProgress,
    };
    entry.attempts += 1;
    entry.bestScore = Math.max(entry.bestScore, row.score);
    entry.lastScore = row.score;
    entry.maxScore = row.maxScore;
    entry.lastAttemptAt = row.startedAt.toISOString();
    entry.progress = entry.bestScore >= entry.maxScore && entry.maxScore > 0 ? "done" : "in-progress";
    byLab.set(row.labId, entry);
  }
  return byLab;
}
