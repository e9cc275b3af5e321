import { beforeAll, describe, expect, it } from "vitest";
import { findLab, labMaxScore, type CheckResult, type GradeReport, type Lab } from "@/grader";
import { listAttempts } from "@/lib/attempts/find-attempts";
import { db } from "@/lib/db/client";
import { createTestUser, useTestDatabase } from "@/lib/db/test-database";
import { openAttempt, type AttemptEvent, type GradeRun } from "./grade-attempt";

let lab: Lab;

beforeAll(async () => {
  await useTestDatabase("grade-attempt");
  lab = (await findLab("runtime-security/immutable-containers"))!;
});

const learner = () => createTestUser();

const check = (checkId: string, awarded: number): CheckResult => ({
  checkId,
  taskId: "observe-failure",
  type: "field",
  title: checkId,
  status: awarded ? "pass" : "fail",
  outcome: awarded ? "passed" : "failed",
  points: 2,
  awarded,
  message: "m",
  observed: "o",
  hint: "h",
  lessonAnchor: "#a",
  lessonHref: "/l#a",
  evidence: [],
  durationMs: 1,
});

// Stands in for the grader behind the port: emits what a real run emits, in order. A run against a cluster
// that can evaluate every check reports the lab's full points as maxScore.
const fakeGrade =
  (results: CheckResult[], maxScore = labMaxScore(lab)): GradeRun =>
  async (_lab, emit) => {
    emit({ type: "start", context: "kind-cks", server: "https://127.0.0.1:6443", checks: results.length });
    for (const result of results) emit({ type: "result", result });
    const score = results.reduce((s, r) => s + r.awarded, 0);
    emit({
      type: "report",
      report: {
        labId: lab.id,
        contentVersion: lab.contentVersion,
        status: "failed",
        score,
        maxScore,
        results,
        problem: null,
        durationMs: 5,
      } as unknown as GradeReport,
    });
  };

// Opens an attempt and runs it to the end, as the grade route does; the open result when refused.
async function gradeAttempt(input: {
  userId: string;
  context: string | null;
  grade: GradeRun;
  emit: (event: AttemptEvent) => void;
}) {
  const opened = await openAttempt({ userId: input.userId, lab, context: input.context, grade: input.grade });
  if (!opened.ok) return opened;
  await opened.run(input.emit);
  return opened;
}

describe("openAttempt", () => {
  it("streams the grader's events after the attempt id and stores the finished attempt", async () => {
    const userId = await learner();
    const events: AttemptEvent[] = [];
    const outcome = await gradeAttempt({
      userId,
      context: "kind-cks",
      emit: (e) => events.push(e),
      grade: fakeGrade([check("a", 2), check("b", 0)]),
    });
    expect(outcome.ok).toBe(true);
    expect(events.map((e) => e.type)).toEqual(["attempt", "start", "result", "result", "report"]);
    const [stored] = await listAttempts(userId);
    expect(stored).toMatchObject({
      status: "failed",
      score: 2,
      maxScore: lab.tasks.reduce((sum, task) => sum + task.points, 0),
      contentVersion: lab.contentVersion,
      context: "kind-cks",
    });
    expect(stored?.checks.map((c) => c.checkId)).toEqual(["a", "b"]);
  });

  it("records a lost cluster as a connection problem nothing counts, and a grader crash as an error with a clear event", async () => {
    const userId = await learner();
    await gradeAttempt({
      userId,
      context: null,
      emit: () => {},
      grade: async (_l, emit) =>
        emit({
          type: "cluster-problem",
          problem: {
            outcome: "cluster-unreachable",
            message: "The cluster did not answer.",
            todo: "Start it.",
            href: null,
          },
        }),
    });
    const events: AttemptEvent[] = [];
    await gradeAttempt({
      userId,
      context: null,
      emit: (e) => events.push(e),
      grade: async () => {
        throw new Error("boom");
      },
    });
    expect(events.at(-1)).toMatchObject({ type: "internal-error" });
    expect((await listAttempts(userId)).map((a) => [a.status, a.problem])).toEqual([
      ["error", "Grading stopped because of an internal error."],
    ]);
    const stored = await db().attempt.findMany({
      where: { userId },
      orderBy: { startedAt: "asc" },
      select: { status: true, problem: true },
    });
    expect(stored).toEqual([
      { status: "connection-problem", problem: "The cluster did not answer." },
      { status: "error", problem: "Grading stopped because of an internal error." },
    ]);
  });

  it("refuses a second Check while the first is still grading", async () => {
    const userId = await learner();
    let release!: () => void;
    const slow: GradeRun = async (_l, emit) => {
      await new Promise<void>((resolve) => (release = resolve));
      await fakeGrade([check("a", 2)])(lab, emit);
    };
    const first = gradeAttempt({ userId, context: null, emit: () => {}, grade: slow });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await gradeAttempt({ userId, context: null, emit: () => {}, grade: fakeGrade([]) })).toEqual({
      ok: false,
      failure: "already-running",
    });
    release();
    expect((await first).ok).toBe(true);
    expect((await listAttempts(userId)).map((a) => a.status)).toEqual(["failed"]);
  });
});
