import { describe, expect, it } from "vitest";
import {
  analyseItems,
  buildGradebook,
  gradebookCsv,
  type GradebookLab,
  type GradebookStudent,
} from "./build-gradebook";

const t = (minute: number) => new Date(Date.UTC(2026, 10, 26, 10, minute));
const students: GradebookStudent[] = [
  { id: "ada", name: "Ada", email: "ada@example.test" },
  { id: "bob", name: "Bob", email: "bob@example.test" },
  { id: "cy", name: '=HYPERLINK("http://evil","x")', email: "cy@example.test" },
];
const labs: GradebookLab[] = [
  {
    id: "runtime-security/immutable-containers",
    title: "Immutable containers",
    moduleId: "runtime-security",
    maxScore: 31,
  },
  { id: "cluster-setup/netpol", title: "Network policies, part 1", moduleId: "cluster-setup", maxScore: 10 },
];
const IMM = labs[0]!.id;

describe("buildGradebook", () => {
  const rows = buildGradebook({
    students,
    labs,
    attempts: [
      { userId: "ada", labId: IMM, score: 12, maxScore: 31, unsupportedPoints: 0, startedAt: t(1), status: "failed" },
      { userId: "ada", labId: IMM, score: 31, maxScore: 31, unsupportedPoints: 0, startedAt: t(2), status: "passed" },
      { userId: "ada", labId: IMM, score: 20, maxScore: 31, unsupportedPoints: 0, startedAt: t(3), status: "failed" },
      { userId: "bob", labId: IMM, score: 6, maxScore: 31, unsupportedPoints: 0, startedAt: t(1), status: "failed" },
      { userId: "bob", labId: IMM, score: 0, maxScore: 31, unsupportedPoints: 0, startedAt: t(9), status: "running" },
    ],
    overrides: [
      { studentId: "bob", labId: IMM, score: 20, comment: "first look", createdAt: t(4) },
      {
        studentId: "bob",
        labId: IMM,
        score: 25,
        comment: "Policy was right, grader's cluster lacked RBAC",
        createdAt: t(5),
      },
    ],
  });
  const cell = (student: string, lab: string) =>
    rows.find((r) => r.student.id === student)!.cells.find((c) => c.labId === lab)!;

  it("takes the best automatic score, and the newest manual grade over it", () => {
    expect(cell("ada", IMM)).toMatchObject({
      bestAutoScore: 31,
      manualScore: null,
      finalScore: 31,
      attempts: 3,
      status: "passed",
      lastAttemptAt: t(3),
    });
    expect(cell("bob", IMM)).toMatchObject({
      bestAutoScore: 6,
      manualScore: 25,
      finalScore: 25,
      manualComment: expect.stringContaining("RBAC"),
      status: "in-progress",
    });
  });

  it("covers students with no attempts and labs nobody started", () => {
    expect(cell("cy", IMM)).toMatchObject({
      bestAutoScore: null,
      finalScore: null,
      attempts: 0,
      status: "not-started",
      lastAttemptAt: null,
    });
    expect(cell("ada", "cluster-setup/netpol")).toMatchObject({ status: "not-started" });
    expect(rows.map((r) => [r.student.id, r.finalTotal, r.maxTotal])).toEqual([
      ["ada", 31, 41],
      ["bob", 25, 41],
      ["cy", 0, 41],
    ]);
  });

  it("flags a newer finished attempt after a manual grade as needs review, without changing the grade", () => {
    const later = buildGradebook({
      students,
      labs,
      attempts: [
        { userId: "bob", labId: IMM, score: 31, maxScore: 31, unsupportedPoints: 0, startedAt: t(6), status: "passed" },
      ],
      overrides: [{ studentId: "bob", labId: IMM, score: 25, comment: "c", createdAt: t(5) }],
    });
    expect(later[1]!.cells[0]).toMatchObject({ status: "needs-review", finalScore: 25, bestAutoScore: 31 });
  });
});

describe("buildGradebook with checks a student's cluster could not evaluate", () => {
  // Ada's node has no AppArmor: 29 of the 29 points it could evaluate. Bob's has: 30 of 31.
  const rows = buildGradebook({
    students: students.slice(0, 2),
    labs,
    attempts: [
      { userId: "ada", labId: IMM, score: 29, maxScore: 29, unsupportedPoints: 2, startedAt: t(1), status: "passed" },
      { userId: "ada", labId: IMM, score: 30, maxScore: 31, unsupportedPoints: 0, startedAt: t(2), status: "failed" },
      { userId: "bob", labId: IMM, score: 30, maxScore: 31, unsupportedPoints: 0, startedAt: t(1), status: "failed" },
    ],
    overrides: [],
  });

  it("takes the best share of what the cluster could evaluate, counting the rest neither for nor against", () => {
    expect(rows[0]!.cells[0]).toMatchObject({
      bestAutoScore: 29,
      finalScore: 29,
      maxScore: 29,
      unsupportedPoints: 2,
      status: "passed",
    });
    expect(rows[1]!.cells[0]).toMatchObject({
      finalScore: 30,
      maxScore: 31,
      unsupportedPoints: 0,
      status: "in-progress",
    });
    expect(rows.map((r) => [r.finalTotal, r.maxTotal])).toEqual([
      [29, 39],
      [30, 41],
    ]);
  });

  it("grades a manual score out of the whole lab", () => {
    const manual = buildGradebook({
      students: students.slice(0, 1),
      labs: [labs[0]!],
      attempts: [
        { userId: "ada", labId: IMM, score: 29, maxScore: 29, unsupportedPoints: 2, startedAt: t(1), status: "passed" },
      ],
      overrides: [
        { studentId: "ada", labId: IMM, score: 30, comment: "AppArmor shown on my cluster", createdAt: t(3) },
      ],
    });
    expect(manual[0]!.cells[0]).toMatchObject({
      finalScore: 30,
      maxScore: 31,
      unsupportedPoints: 0,
      status: "in-progress",
    });
  });

  it("exports the points left out beside the maximum", () => {
    const lines = gradebookCsv(rows, labs).trimEnd().split("\r\n");
    expect(lines[1]).toBe("Ada,ada@example.test,Immutable containers,29,,29,29,2,2026-11-26T10:02:00.000Z");
    expect(lines[3]).toBe("Bob,bob@example.test,Immutable containers,30,,30,31,0,2026-11-26T10:01:00.000Z");
  });
});

describe("analyseItems", () => {
  it("counts attempts and current failures per check with the commonest messages, worst first", () => {
    const stats = analyseItems([
      {
        userId: "ada",
        labId: IMM,
        checks: [
          { checkId: "run", title: "Running", status: "pass", message: "" },
          { checkId: "vol", title: "Volume", status: "fail", message: "no volume at /var/run" },
          { checkId: "aa", title: "AppArmor denies writes", status: "pass", message: "" },
        ],
      },
      {
        userId: "bob",
        labId: IMM,
        checks: [
          { checkId: "run", title: "Running", status: "fail", message: "CrashLoopBackOff" },
          { checkId: "vol", title: "Volume", status: "fail", message: "no volume at /var/run" },
        ],
      },
      {
        userId: "cy",
        labId: IMM,
        checks: [
          { checkId: "vol", title: "Volume", status: "error", message: "cluster unreachable" },
          { checkId: "aa", title: "AppArmor denies writes", status: "unsupported", message: "Not gradable here" },
        ],
      },
    ]);
    expect(stats).toEqual([
      {
        labId: IMM,
        checkId: "vol",
        title: "Volume",
        attempted: 3,
        failingNow: 3,
        unsupported: 0,
        topFailures: [
          { message: "no volume at /var/run", count: 2 },
          { message: "cluster unreachable", count: 1 },
        ],
      },
      {
        labId: IMM,
        checkId: "run",
        title: "Running",
        attempted: 2,
        failingNow: 1,
        unsupported: 0,
        topFailures: [{ message: "CrashLoopBackOff", count: 1 }],
      },
      // A cluster that could not evaluate a check neither attempted it nor fails it.
      {
        labId: IMM,
        checkId: "aa",
        title: "AppArmor denies writes",
        attempted: 1,
        failingNow: 0,
        unsupported: 1,
        topFailures: [],
      },
    ]);
  });

  it("is empty for a class with no attempts, and lists a lab where no check passed", () => {
    expect(analyseItems([])).toEqual([]);
    const none = analyseItems([
      { userId: "a", labId: IMM, checks: [{ checkId: "x", title: "X", status: "fail", message: "m" }] },
    ]);
    expect(none[0]).toMatchObject({ attempted: 1, failingNow: 1 });
  });
});

describe("gradebookCsv", () => {
  it("writes one quoted-when-needed line per student and lab, with formulas neutralised", () => {
    const rows = buildGradebook({
      students,
      labs: [labs[1]!],
      attempts: [],
      overrides: [{ studentId: "ada", labId: labs[1]!.id, score: 7, comment: "c", createdAt: t(1) }],
    });
    const lines = gradebookCsv(rows, [labs[1]!]).trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      "student,email,lab,best_auto_score,manual_score,final_score,max_score,unsupported_points,last_attempt_at",
    );
    expect(lines[1]).toBe('Ada,ada@example.test,"Network policies, part 1",,7,7,10,0,');
    expect(lines[3]).toBe(`"'=HYPERLINK(""http://evil"",""x"")",cy@example.test,"Network policies, part 1",,,,10,0,`);
  });
});
