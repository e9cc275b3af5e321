import { beforeAll, describe, expect, it } from "vitest";
import type { CheckResult, GradeReport } from "@/grader";
import { db } from "@/lib/db/client";
import { createTestUser, useTestDatabase } from "@/lib/db/test-database";
import { findLastAttempt, listAttempts } from "./find-attempts";
import { labProgressFor } from "./lab-progress";
import { failAttempt, finishAttempt, interruptRunningAttempts, recordCheckResult } from "./record-attempt";
import { startAttempt, STALE_RUNNING_MS } from "./start-attempt";

const LAB = "runtime-security/immutable-containers";

beforeAll(() => useTestDatabase("attempts"));
const newUser = () => createTestUser();

function result(checkId: string, status: CheckResult["status"], awarded: number): CheckResult {
  return {
    checkId,
    taskId: "task",
    type: "field",
    title: `Check ${checkId}`,
    status,
    outcome:
      status === "pass"
        ? "passed"
        : status === "fail"
          ? "failed"
          : status === "unsupported"
            ? "unsupported"
            : "timeout",
    points: 2,
    awarded,
    message: `${checkId} message`,
    observed: "seen",
    hint: "a hint",
    lessonAnchor: "#x",
    lessonHref: `/lessons/${LAB}#x`,
    evidence: [
      {
        type: "field",
        target: "pod nginx container nginx",
        path: "securityContext.readOnlyRootFilesystem",
        values: [true],
      },
    ],
    durationMs: 12.4,
  };
}

function report(results: CheckResult[]): GradeReport {
  const score = results.reduce((s, r) => s + r.awarded, 0);
  return {
    labId: LAB,
    contentVersion: "v1",
    namespace: "immutable-lab",
    server: "https://127.0.0.1:6443",
    context: "kind-cks",
    status: results.every((r) => r.status === "pass" || r.status === "unsupported") ? "passed" : "failed",
    score,
    maxScore: results.filter((r) => r.status !== "unsupported").length * 2,
    unsupportedPoints: results.filter((r) => r.status === "unsupported").length * 2,
    counts: { pass: 0, fail: 0, error: 0, unsupported: 0 },
    problem: null,
    tasks: [],
    results,
    startedAt: new Date().toISOString(),
    durationMs: 321,
  };
}

const start = (userId: string) =>
  startAttempt({ userId, labId: LAB, contentVersion: "v1", maxScore: 4, context: "kind-cks" });

describe("attempts", () => {
  it("stores an attempt with every check result and its evidence, and returns it as the last attempt", async () => {
    const userId = await newUser();
    const started = await start(userId);
    if (!started.ok) throw new Error("expected a new attempt");
    await recordCheckResult(started.attemptId, result("a", "pass", 2));
    await finishAttempt(started.attemptId, report([result("a", "pass", 2), result("b", "fail", 0)]));
    const last = await findLastAttempt(userId, LAB);
    expect(last).toMatchObject({
      id: started.attemptId,
      status: "failed",
      score: 2,
      maxScore: 4,
      durationMs: 321,
      context: "kind-cks",
    });
    expect(last?.checks.map((c) => [c.checkId, c.status, c.awarded])).toEqual([
      ["a", "pass", 2],
      ["b", "fail", 0],
    ]);
    expect(last?.checks[0]?.evidence).toEqual([
      {
        type: "field",
        target: "pod nginx container nginx",
        path: "securityContext.readOnlyRootFilesystem",
        values: [true],
      },
    ]);
  });

  it("stores what a cluster said bounded and without control characters, whatever the caller passes", async () => {
    const userId = await newUser();
    const started = await start(userId);
    if (!started.ok) throw new Error("expected a new attempt");
    const hostile = `\u001b[31m<b>bold</b>\r${"z".repeat(5 * 1024 * 1024)}`;
    const loud: CheckResult = {
      ...result("a", "error", 0),
      message: hostile,
      evidence: [{ type: "call", call: "get pod nginx", failure: "unexpected", detail: hostile }],
    };
    await recordCheckResult(started.attemptId, loud);
    await finishAttempt(started.attemptId, {
      ...report([loud]),
      problem: { outcome: "refused", message: hostile },
    });
    const row = await db().attemptCheck.findFirstOrThrow({ where: { attemptId: started.attemptId } });
    expect(row.message.length).toBeLessThanOrEqual(500);
    expect(row.message.startsWith("\ufffd[31m<b>bold</b>\ufffdzzz")).toBe(true);
    const evidence = JSON.stringify(row.evidence);
    expect(evidence.length).toBeLessThan(40_000);
    expect(evidence).not.toContain("\\u001b");
    const attempt = await db().attempt.findUniqueOrThrow({ where: { id: started.attemptId } });
    expect(attempt.problem?.length).toBeLessThanOrEqual(1000);

    const other = await start(await newUser());
    if (!other.ok) throw new Error("expected a new attempt");
    await failAttempt(other.attemptId, "error", hostile);
    const failed = await db().attempt.findUniqueOrThrow({ where: { id: other.attemptId } });
    expect(failed.problem?.length).toBeLessThanOrEqual(1000);
  });

  it("lets only one of many simultaneous starts run for the same learner and lab", async () => {
    const userId = await newUser();
    const results = await Promise.all(Array.from({ length: 8 }, () => start(userId)));
    const winners = results.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    expect(
      results
        .filter((r) => !r.ok)
        .every((r) => !r.ok && r.failure === "already-running" && r.attemptId === winners[0]!.attemptId),
    ).toBe(true);
    // Another learner is not blocked by it.
    expect((await start(await newUser())).ok).toBe(true);
    // Once finished, the next Check starts a new attempt.
    await finishAttempt(winners[0]!.attemptId, report([result("a", "pass", 2)]));
    expect((await start(userId)).ok).toBe(true);
  });

  it("marks attempts left running by a restart as interrupted, never lost or stuck", async () => {
    const userId = await newUser();
    const started = await start(userId);
    if (!started.ok) throw new Error("expected a new attempt");
    await recordCheckResult(started.attemptId, result("a", "pass", 2));
    expect(await interruptRunningAttempts()).toBeGreaterThanOrEqual(1);
    const [attempt] = await listAttempts(userId);
    expect(attempt).toMatchObject({
      id: started.attemptId,
      status: "interrupted",
      problem: expect.stringContaining("restarted"),
    });
    expect(attempt?.checks).toHaveLength(1);
    expect((await start(userId)).ok).toBe(true);
  });

  it("takes over from a running attempt whose grader died long ago", async () => {
    const userId = await newUser();
    const first = await start(userId);
    if (!first.ok) throw new Error("expected a new attempt");
    await db().attempt.update({
      where: { id: first.attemptId },
      data: { startedAt: new Date(Date.now() - STALE_RUNNING_MS - 1000) },
    });
    expect((await start(userId)).ok).toBe(true);
    expect((await listAttempts(userId)).map((a) => a.status)).toEqual(["running", "interrupted"]);
  });

  it("derives progress per lab: attempts, best and last score, done only at full marks", async () => {
    const userId = await newUser();
    for (const awarded of [
      [2, 0],
      [2, 2],
      [0, 0],
    ]) {
      const started = await start(userId);
      if (!started.ok) throw new Error("expected a new attempt");
      await finishAttempt(started.attemptId, report(awarded.map((a, i) => result(`c${i}`, a ? "pass" : "fail", a))));
    }
    const failed = await start(userId);
    if (!failed.ok) throw new Error("expected a new attempt");
    await failAttempt(failed.attemptId, "error", "No cluster configured.");
    const progress = (await labProgressFor(userId)).get(LAB);
    expect(progress).toMatchObject({ attempts: 4, bestScore: 4, lastScore: 0, maxScore: 4, progress: "done" });
    expect((await labProgressFor(await newUser())).size).toBe(0);
  });

  it("keeps checks a cluster could not evaluate apart: stored as unsupported, out of the maximum, and full marks of the rest is done", async () => {
    const userId = await newUser();
    // On a node with AppArmor: one check fails (3 of 4). On one without: the other passes, the AppArmor
    // check is unsupported (2 of 2), which is the better share and counts as done.
    for (const results of [
      [result("field", "pass", 2), result("apparmor", "fail", 0)],
      [result("field", "pass", 2), result("apparmor", "unsupported", 0)],
    ]) {
      const started = await start(userId);
      if (!started.ok) throw new Error("expected a new attempt");
      await finishAttempt(started.attemptId, report(results));
    }
    const last = await findLastAttempt(userId, LAB);
    expect(last).toMatchObject({ status: "passed", score: 2, maxScore: 2, unsupportedPoints: 2 });
    expect(last?.checks.find((c) => c.checkId === "apparmor")).toMatchObject({
      status: "unsupported",
      outcome: "unsupported",
      awarded: 0,
      points: 2,
    });
    expect((await listAttempts(userId)).map((a) => a.unsupportedPoints)).toEqual([2, 0]);
    expect((await labProgressFor(userId)).get(LAB)).toMatchObject({
      attempts: 2,
      bestScore: 2,
      maxScore: 2,
      unsupportedPoints: 2,
      lastScore: 2,
      lastMaxScore: 2,
      progress: "done",
    });
  });
});
