import { db } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";

/** An attempt still marked running after this long lost its grader (the run limit is 20 s). */
export const STALE_RUNNING_MS = 2 * 60_000;

export type StartAttemptResult =
  { ok: true; attemptId: string } | { ok: false; failure: "already-running"; attemptId: string };

/**
 * Opens a running attempt for one learner and lab. At most one can run at a time: the unique
 * `runningKey` settles a double-click or two tabs in the database, not in memory, so it also holds
 * across server processes. A running attempt whose grader died long ago is marked interrupted first.
 */
export async function startAttempt(input: {
  userId: string;
  labId: string;
  contentVersion: string;
  maxScore: number;
  context: string | null;
}): Promise<StartAttemptResult> {
  const runningKey = `${input.userId}:${input.labId}`;
  await db().attempt.updateMany({
    where: { runningKey, startedAt: { lt: new Date(Date.now() - STALE_RUNNING_MS) } },
    data: {
      status: "interrupted",
      runningKey: null,
      finishedAt: new Date(),
      problem: "The grader stopped before this attempt finished.",
    },
  });
  try {
    const attempt = await db().attempt.create({
      data: { ...input, status: "running", runningKey },
      select: { id: true },
    });
    return { ok: true, attemptId: attempt.id };
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      const running = await db().attempt.findFirst({ where: { runningKey }, select: { id: true } });
      return { ok: false, failure: "already-running", attemptId: running?.id ?? "" };
    }
    throw error;
  }
}
