import { cpSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Evidence } from "@/grader";
import { findLastAttempt } from "@/lib/attempts/find-attempts";
import { listLabsForAuthoring } from "@/lib/authoring/self-test";
import { db } from "./client";
import { defaultPrismaPaths, migrateDatabase } from "./migrations";

// Evidence and self-test phases were TEXT columns holding JSON.stringify output until the migration below
// made them Json columns. A database written before it must keep every row and read back the same values.
const JSON_MIGRATION = "20261128033642_json_evidence_and_phases";
const LAB = "runtime-security/immutable-containers";

const execEvidence: Evidence = {
  type: "exec",
  pod: "web",
  container: "nginx",
  argv: ["touch", "/probe"],
  exitCode: 1,
  stdout: "",
  stderr: "touch: /probe: Read-only file system",
  cleanup: null,
};
const podEvidence: Evidence = {
  type: "pod",
  pod: "web",
  container: "nginx",
  phase: "Running",
  ready: true,
  restartCount: 0,
  state: "running",
  lastTermination: null,
};
// Runs stored before phases had notes have none; the reader must accept both shapes.
const oldPhase = {
  phase: "empty",
  ok: true,
  score: 0,
  maxScore: 10,
  deviations: [],
  failedChecks: ["ro-root"],
  durationMs: 812,
};
const newerPhase = { ...oldPhase, phase: "solution", score: 10, failedChecks: [], notes: ["no AppArmor"] };

let file = "";
let applied: string[] = [];
const previousUrl = process.env.DATABASE_URL;

beforeAll(async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), "cks-json-migration-"));
  file = path.join(root, "old.db");
  // The schema as it was before the migration: the same folder without it (and with the older schema file,
  // which the engine only reads to open the database).
  cpSync(path.resolve("prisma"), path.join(root, "prisma"), { recursive: true });
  rmSync(path.join(root, "prisma", "migrations", JSON_MIGRATION), { recursive: true });
  await migrateDatabase(file, defaultPrismaPaths(root));

  const sqlite = new Database(file);
  sqlite.prepare(`insert into "user" (id, name, email) values ('u1', 'Ada', 'ada@example.test')`).run();
  sqlite
    .prepare(
      `insert into "Attempt" (id, userId, labId, contentVersion, status, score, maxScore, startedAt, finishedAt)
       values ('a1', 'u1', ?, 'v1', 'failed', 2, 4, 1795000000000, 1795000001000)`,
    )
    .run(LAB);
  const check = sqlite.prepare(
    `insert into "AttemptCheck" (id, attemptId, checkId, taskId, title, status, outcome, points, awarded, message,
       hint, lessonHref, evidence, durationMs)
     values (?, 'a1', ?, 't', 'A check', ?, ?, 2, ?, 'as stored', 'a hint', '/lessons/x#y', ?, 5)`,
  );
  // Exactly what the old writer stored: JSON.stringify of the evidence list.
  check.run("c1", "ro-root", "pass", "passed", 2, JSON.stringify([execEvidence, podEvidence]));
  check.run("c2", "empty-evidence", "fail", "failed", 0, JSON.stringify([]));
  check.run("c3", "gone-kind", "fail", "failed", 0, JSON.stringify([{ type: "retired-kind" }, podEvidence]));
  sqlite
    .prepare(
      `insert into "SelfTestRun" (id, labId, contentVersion, status, target, phases, startedAt, finishedAt, triggeredById)
       values ('r1', ?, 'v1', 'passed', 'kind-cks', ?, 1795000000000, 1795000002000, 'u1')`,
    )
    .run(LAB, JSON.stringify([oldPhase, newerPhase]));
  // A run interrupted before its first phase kept the column's old default.
  sqlite
    .prepare(
      `insert into "SelfTestRun" (id, labId, contentVersion, status, target, startedAt, triggeredById)
       values ('r0', ?, 'v0', 'running', 'kind-cks', 1794000000000, 'u1')`,
    )
    .run(LAB);
  sqlite.close();

  applied = await migrateDatabase(file);
  process.env.DATABASE_URL = `file:${file}`;
});

afterAll(() => {
  process.env.DATABASE_URL = previousUrl;
});

describe("the Json columns migration on a database with rows from before it", () => {
  it("applies only the new migration and keeps every row", async () => {
    expect(applied).toEqual([JSON_MIGRATION]);
    expect(await db().attemptCheck.count()).toBe(3);
    expect(await db().selfTestRun.count()).toBe(2);
  });

  it("reads old evidence back as the same values, leaving out only a kind this version does not know", async () => {
    const attempt = await findLastAttempt("u1", LAB);
    expect(attempt?.checks.map((c) => [c.checkId, c.status, c.evidence])).toEqual([
      ["ro-root", "pass", [execEvidence, podEvidence]],
      ["empty-evidence", "fail", []],
      ["gone-kind", "fail", [podEvidence]],
    ]);
  });

  it("reads old self-test phases back, with and without notes", async () => {
    const labs = await listLabsForAuthoring();
    const lastRun = labs.find((l) => l.labId === LAB)?.lastRun;
    expect(lastRun?.status).toBe("passed");
    expect(lastRun?.phases).toEqual([oldPhase, newerPhase]);
  });

  it("reads a run stored with the old empty default as no phases", async () => {
    const row = await db().selfTestRun.findUniqueOrThrow({ where: { id: "r0" }, select: { phases: true } });
    expect(row.phases).toEqual([]);
  });

  it("stores new rows as JSON values, not as text holding JSON", async () => {
    await db().selfTestRun.update({ where: { id: "r0" }, data: { phases: [oldPhase] } });
    const row = await db().selfTestRun.findUniqueOrThrow({ where: { id: "r0" }, select: { phases: true } });
    expect(row.phases).toEqual([oldPhase]);
  });
});
