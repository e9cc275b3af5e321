import { beforeAll, describe, expect, it } from "vitest";
import { findLab, labMaxScore } from "@/grader";
import { db } from "@/lib/db/client";
import { useTestDatabase } from "@/lib/db/test-database";
import { loadGradebook, loadItemAnalysis } from "./load-gradebook";
import { listOverrides, overrideGrade } from "./override-grade";

const LAB = "runtime-security/immutable-containers";
// Full marks as the lab file says: the gradebook reads the maximum from the lab, not from attempts.
const MAX = labMaxScore((await findLab(LAB))!);
const at = (minute: number) => new Date(Date.UTC(2026, 10, 26, 9, minute));

beforeAll(async () => {
  await useTestDatabase("gradebook");
  const users = [
    { id: "s-ada", name: "Ada", email: "ada@example.test", role: "student" },
    { id: "s-bob", name: "Bob", email: "bob@example.test", role: "student" },
    { id: "s-cy", name: "Cy", email: "cy@example.test", role: "student" },
    { id: "s-dee", name: "Dee", email: "dee@example.test", role: "student" },
    { id: "g-gus", name: "Gus", email: "gus@example.test", role: "grader" },
  ];
  for (const user of users) await db().user.create({ data: user });
  const attempt = async (
    userId: string,
    minute: number,
    score: number,
    checks: Array<[string, string, string]>,
    maxScore = MAX,
  ) =>
    db().attempt.create({
      data: {
        userId,
        labId: LAB,
        contentVersion: "v1",
        status: score === maxScore ? "passed" : "failed",
        score,
        maxScore,
        startedAt: at(minute),
        finishedAt: at(minute),
        checks: {
          create: checks.map(([checkId, status, message]) => ({
            checkId,
            taskId: "t",
            title: checkId,
            status,
            outcome: status === "pass" ? "passed" : status === "unsupported" ? "unsupported" : "failed",
            points: 2,
            awarded: status === "pass" ? 2 : 0,
            message,
            hint: "h",
            lessonHref: "/l",
            evidence: "[]",
            durationMs: 1,
          })),
        },
      },
    });
  // Ada failed, then passed: her latest attempt is what item analysis counts.
  await attempt("s-ada", 1, 4, [
    ["running", "fail", "CrashLoopBackOff"],
    ["ro", "pass", ""],
  ]);
  await attempt("s-ada", 2, MAX, [
    ["running", "pass", ""],
    ["ro", "pass", ""],
  ]);
  // Bob never passes a check.
  await attempt("s-bob", 3, 0, [
    ["running", "fail", "CrashLoopBackOff"],
    ["ro", "fail", "readOnlyRootFilesystem not set"],
  ]);
  // Cy never pressed Check.
  // Dee's node has no AppArmor: the AppArmor check (2 points) is unsupported, full marks of the rest.
  await attempt(
    "s-dee",
    4,
    MAX - 2,
    [
      ["running", "pass", ""],
      ["ro", "pass", ""],
      ["apparmor", "unsupported", "Not gradable on this cluster"],
    ],
    MAX - 2,
  );
});

describe("gradebook queries on seeded data", () => {
  it("lists every student (not staff) with best scores, including one with no attempts", async () => {
    const { labs, rows } = await loadGradebook();
    // Every lab of the course, in course order (runtime security first); other labs come with other lessons.
    expect(labs[0]).toMatchObject({ id: LAB, maxScore: MAX });
    expect(new Set(labs.map((l) => l.id)).size).toBe(labs.length);
    expect(labs.map((l) => l.id)).toContain("system-hardening/seccomp-capabilities");
    expect(
      rows.map((r) => [
        r.student.email,
        r.cells[0]!.bestAutoScore,
        r.cells[0]!.maxScore,
        r.cells[0]!.unsupportedPoints,
        r.cells[0]!.status,
      ]),
    ).toEqual([
      ["ada@example.test", MAX, MAX, 0, "passed"],
      ["bob@example.test", 0, MAX, 0, "in-progress"],
      ["cy@example.test", null, MAX, 0, "not-started"],
      ["dee@example.test", MAX - 2, MAX - 2, 2, "passed"],
    ]);
    // The first gradebook load reads every lab file and warms the database: on a shared 2-core machine
    // under load that took over 5 s (the default), so this test gets room; it asserts no speed.
  }, 30_000);

  it("analyses each student's latest attempt: a check nobody passes tops the list", async () => {
    const items = await loadItemAnalysis();
    expect(items.map((i) => [i.checkId, i.attempted, i.failingNow, i.unsupported])).toEqual([
      ["ro", 3, 1, 0],
      ["running", 3, 1, 0],
      ["apparmor", 0, 0, 1],
    ]);
    expect(items.find((i) => i.checkId === "running")?.topFailures).toEqual([
      { message: "CrashLoopBackOff", count: 1 },
    ]);
  });

  it("records a manual grade with before and after, and refuses out-of-range scores and non-students", async () => {
    expect(
      await overrideGrade({ graderId: "g-gus", studentId: "s-bob", labId: LAB, score: MAX + 1, comment: "x" }),
    ).toEqual({ ok: false, failure: `The score must be a whole number from 0 to ${MAX}; found ${MAX + 1}.` });
    expect(
      await overrideGrade({ graderId: "g-gus", studentId: "g-gus", labId: LAB, score: 3, comment: "x" }),
    ).toMatchObject({ ok: false, failure: "That student does not exist." });
    expect(
      await overrideGrade({ graderId: "g-gus", studentId: "s-bob", labId: "nope/nope", score: 3, comment: "x" }),
    ).toMatchObject({ ok: false });
    expect(
      await overrideGrade({ graderId: "g-gus", studentId: "s-bob", labId: LAB, score: 12, comment: "partial credit" }),
    ).toEqual({ ok: true, score: 12, previousScore: 0 });
    expect(
      await overrideGrade({ graderId: "g-gus", studentId: "s-bob", labId: LAB, score: 15, comment: "re-read" }),
    ).toEqual({ ok: true, score: 15, previousScore: 12 });
    const trail = await listOverrides("s-bob");
    expect(trail.map((o) => [o.previousScore, o.score, o.comment, o.grader.name])).toEqual([
      [12, 15, "re-read", "Gus"],
      [0, 12, "partial credit", "Gus"],
    ]);
    const bob = (await loadGradebook()).rows.find((r) => r.student.id === "s-bob")!;
    expect(bob.cells[0]).toMatchObject({ manualScore: 15, finalScore: 15, bestAutoScore: 0 });
  });
});
