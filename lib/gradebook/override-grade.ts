import { gradedAttempts } from "@/lib/attempts/attempt-status";
import { unsupportedPointsOf } from "@/lib/attempts/best-attempt";
import { db } from "@/lib/db/client";
import { buildGradebook } from "./build-gradebook";
import { gradebookLabs } from "./load-gradebook";

export type OverrideResult = { ok: true; score: number; previousScore: number } | { ok: false; failure: string };

/**
 * Records a grader's manual grade with its reason. The grade in force is the newest override;
 * the previous final score is stored with it, so every change keeps who, when, before and after.
 */
export async function overrideGrade(input: {
  graderId: string;
  studentId: string;
  labId: string;
  score: number;
  comment: string;
}): Promise<OverrideResult> {
  const lab = (await gradebookLabs()).find((l) => l.id === input.labId);
  if (!lab) return { ok: false, failure: "That lab does not exist." };
  if (!Number.isInteger(input.score) || input.score < 0 || input.score > lab.maxScore) {
    return { ok: false, failure: `The score must be a whole number from 0 to ${lab.maxScore}; found ${input.score}.` };
  }
  const student = await db().user.findUnique({
    where: { id: input.studentId },
    select: { id: true, name: true, email: true, role: true },
  });
  if (!student || student.role !== "student") return { ok: false, failure: "That student does not exist." };
  const [attempts, overrides] = await Promise.all([
    db().attempt.findMany({
      where: { userId: student.id, labId: lab.id, ...gradedAttempts },
      select: {
        userId: true,
        labId: true,
        score: true,
        maxScore: true,
        startedAt: true,
        status: true,
        checks: { where: { status: "unsupported" }, select: { status: true, points: true } },
      },
    }),
    db().gradeOverride.findMany({
      where: { studentId: student.id, labId: lab.id },
      select: { studentId: true, labId: true, score: true, comment: true, createdAt: true },
    }),
  ]);
  const [row] = buildGradebook({
    students: [student],
    labs: [lab],
    attempts: attempts.map(({ checks, ...a }) => ({ ...a, unsupportedPoints: unsupportedPointsOf(checks) })),
    overrides,
  });
  const previousScore = row?.cells[0]?.finalScore ?? 0;
  await db().gradeOverride.create({ data: { ...input, previousScore } });
  return { ok: true, score: input.score, previousScore };
}

/** The audit trail of manual grades for one student, newest first, with the grader's name. */
export async function listOverrides(studentId: string) {
  return db().gradeOverride.findMany({
    where: { studentId },
    orderBy: { createdAt: "desc" },
    select: {
      id: true,
      labId: true,
      score: true,
      previousScore: true,
      comment: true,
      createdAt: true,
      grader: { select: { name: true } },
    },
  });
}
