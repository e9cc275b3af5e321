import { beforeAll, describe, expect, it } from "vitest";
import type { CheckResult, GradeReport } from "@/grader";
import { db } from "@/lib/db/client";
import { createTestUser, useTestDatabase } from "@/lib/db/test-database";
import { loadGradebook, loadItemAnalysis } from "@/lib/gradebook/load-gradebook";
import { isConnectionProblem } from "./attempt-status";
import { findLastAttempt, listAttempts } from "./find-attempts";
import { labProgressFor } from "./lab-progress";
import { finishAttempt } from "./record-attempt";
import { startAttempt } from "./start-attempt";

const LAB = "runtime-security/immutable-containers";

function result(checkId: string, status: CheckResult["status"], outcome: CheckResult["outcome"]): CheckResult {
  return {
    checkId,
    taskId: "observe-failure",
    type: "field",
    title: `Check ${checkId}`,
    status,
    outcome,
    points: 2,
    awarded: status === "pass" ? 2 : 0,
    message: `${checkId}: ${outcome}`,
    observed: outcome,
    hint: "a hint",
    lessonAnchor: "#x",
    lessonHref: `/lessons/${LAB}#x`,
    evidence: [],
    durationMs: 3,
  };
}

function report(results: CheckResult[], problem: GradeReport["problem"]): GradeReport {
  const counts = { pass: 0, fail: 0, error: 0, unsupported: 0 };
  for (const r of results) counts[r.status] += 1;
  return {
    labId: LAB,
    contentVersion: "v1",
    namespace: "immutable-lab",
    server: "https://127.0.0.1:6443",
    context: "kind-cks",
    status: counts.error ? "error" : counts.fail ? "failed" : "passed",
    score: results.reduce((s, r) => s + r.awarded, 0),
    maxScore: results.length * 2,
    unsupportedPoints: 0,
    counts,
    problem,
    tasks: [],
    results,
    startedAt: new Date().toISOString(),
    durationMs: 40,
  };
}

const unreachable = { outcome: "cluster-unreachable" as const, message: "Cannot reach the cluster." };

describe("isConnectionProblem", () => {
  it.each([
    ["every check could not reach the cluster", [result("a", "error", "cluster-unreachable")], unreachable, true],
    [
      "the credentials were refused",
      [result("a", "error", "unauthorized")],
      { outcome: "unauthorized" as const, message: "401" },
      true,
    ],
    [
      "a check failed before the cluster went away",
      [result("a", "fail", "failed"), result("b", "error", "cluster-unreachable")],
      unreachable,
      false,
    ],
    [
      "a check passed before the cluster went away",
      [result("a", "pass", "passed"), result("b", "error", "cluster-unreachable")],
      unreachable,
      false,
    ],
    [
      "the namespace is missing (the learner did nothing: a real zero)",
      [result("a", "fail", "namespace-missing")],
      { outcome: "namespace-missing" as const, message: "no namespace" },
      false,
    ],
    ["checks timed out on a cluster that answered", [result("a", "error", "timeout")], null, false],
  ])("%s: %s", (_name, results, problem, expected) => {
    expect(isConnectionProblem(report(results, problem))).toBe(expected);
  });
});

describe("a run that lost its cluster", () => {
  beforeAll(() => useTestDatabase("attempt-status"));

  it("is stored as a connection problem and counted by neither progress, the dashboard, the gradebook nor item analysis", async () => {
    const userId = await createTestUser();
    const graded = await startAttempt({ userId, labId: LAB, contentVersion: "v1", maxScore: 4, context: "kind-cks" });
    if (!graded.ok) throw new Error("the first attempt did not start");
    await finishAttempt(graded.attemptId, report([result("a", "pass", "passed"), result("b", "fail", "failed")], null));
    const lost = await startAttempt({ userId, labId: LAB, contentVersion: "v1", maxScore: 4, context: "kind-cks" });
    if (!lost.ok) throw new Error("the second attempt did not start");
    await finishAttempt(
      lost.attemptId,
      report([result("a", "error", "cluster-unreachable"), result("b", "error", "cluster-unreachable")], unreachable),
    );

    const stored = await db().attempt.findUniqueOrThrow({ where: { id: lost.attemptId }, select: { status: true } });
    expect(stored.status).toBe("connection-problem");
    expect((await findLastAttempt(userId, LAB))?.id).toBe(graded.attemptId);
    expect((await listAttempts(userId)).map((a) => a.id)).toEqual([graded.attemptId]);
    expect((await labProgressFor(userId)).get(LAB)).toMatchObject({ attempts: 1, bestScore: 2, lastScore: 2 });

    const gradebook = await loadGradebook();
    const row = gradebook.rows.find((r) => r.student.id === userId);
    const cell = row?.cells.find((c) => c.labId === LAB);
    expect(cell).toMatchObject({ bestAutoScore: 2, attempts: 1 });
    const items = (await loadItemAnalysis()).filter((i) => i.labId === LAB);
    // Only the graded attempt's checks: "a" passed, "b" failed; the lost run's errors are nowhere.
    expect(items.map((i) => [i.checkId, i.attempted, i.failingNow]).sort()).toEqual([
      ["a", 1, 0],
      ["b", 1, 1],
    ]);
    expect(JSON.stringify(items)).not.toContain("cluster-unreachable");
    // Loading every lab for the gradebook is a cold start on a busy machine, not a speed goal.
  }, 60_000);
});
