import { bestAttempt } from "@/lib/attempts/best-attempt";
import { GRADED_STATUSES } from "@/lib/attempts/attempt-status";

// The gradebook as pure functions over plain data, so the rules (final score, "needs review",
// item analysis, CSV) are tested on seeded inputs without a database.

export type GradebookStudent = { id: string; name: string; email: string };
export type GradebookLab = { id: string; title: string; moduleId: string; maxScore: number };
/** An attempt's score is out of `maxScore`, which already leaves out `unsupportedPoints` (checks its cluster could not evaluate). */
export type GradebookAttempt = {
  userId: string;
  labId: string;
  score: number;
  maxScore: number;
  unsupportedPoints: number;
  startedAt: Date;
  status: string;
};
export type GradebookOverride = { studentId: string; labId: string; score: number; comment: string; createdAt: Date };

export type CellStatus = "not-started" | "in-progress" | "passed" | "needs-review";

/** One student's standing on one lab. */
export type GradebookCell = {
  studentId: string;
  labId: string;
  bestAutoScore: number | null;
  manualScore: number | null;
  manualComment: string | null;
  finalScore: number | null;
  /** What finalScore is out of: the best attempt's maximum, the lab's when graded by hand or not started. */
  maxScore: number;
  /** Points the best attempt's cluster could not evaluate (not part of maxScore); 0 for a manual grade. */
  unsupportedPoints: number;
  attempts: number;
  lastAttemptAt: Date | null;
  status: CellStatus;
};

export type GradebookRow = { student: GradebookStudent; cells: GradebookCell[]; finalTotal: number; maxTotal: number };

const FINISHED = new Set<string>(GRADED_STATUSES);

/**
 * Students × labs. The newest manual grade wins over any automatic score; an attempt that finished
 * after the newest manual grade flags the cell "needs review" (autograding never overwrites it).
 */
export function buildGradebook(input: {
  students: GradebookStudent[];
  labs: GradebookLab[];
  attempts: GradebookAttempt[];
  overrides: GradebookOverride[];
}): GradebookRow[] {
  const key = (studentId: string, labId: string) => `${studentId} ${labId}`;
  const attemptsBy = group(
    input.attempts.filter((a) => FINISHED.has(a.status)),
    (a) => key(a.userId, a.labId),
  );
  const overridesBy = group(input.overrides, (o) => key(o.studentId, o.labId));
  return input.students.map((student) => {
    const cells = input.labs.map((lab): GradebookCell => {
      const attempts = attemptsBy.get(key(student.id, lab.id)) ?? [];
      const override = latest(overridesBy.get(key(student.id, lab.id)) ?? [], (o) => o.createdAt);
      const lastAttempt = latest(attempts, (a) => a.startedAt);
      const best = bestAttempt(attempts);
      const bestAutoScore = best?.score ?? null;
      const finalScore = override ? override.score : bestAutoScore;
      // A manual grade is out of the whole lab; an automatic one out of what its cluster could evaluate.
      const maxScore = override || !best ? lab.maxScore : best.maxScore;
      let status: CellStatus;
      if (override && lastAttempt && lastAttempt.startedAt > override.createdAt) status = "needs-review";
      else if (finalScore === null) status = "not-started";
      else status = maxScore > 0 && finalScore >= maxScore ? "passed" : "in-progress";
      return {
        studentId: student.id,
        labId: lab.id,
        bestAutoScore,
        manualScore: override?.score ?? null,
        manualComment: override?.comment ?? null,
        finalScore,
        maxScore,
        unsupportedPoints: override || !best ? 0 : best.unsupportedPoints,
        attempts: attempts.length,
        lastAttemptAt: lastAttempt?.startedAt ?? null,
        status,
      };
    });
    return {
      student,
      cells,
      finalTotal: cells.reduce((sum, c) => sum + (c.finalScore ?? 0), 0),
      maxTotal: cells.reduce((sum, c) => sum + c.maxScore, 0),
    };
  });
}

/**
 * Per check: how many students' latest attempts evaluated it, how many fail it, how many clusters could
 * not evaluate it, and the commonest failure messages.
 */
export type ItemStat = {
  labId: string;
  checkId: string;
  title: string;
  /** Students whose latest attempt evaluated the check. */
  attempted: number;
  failingNow: number;
  /** Students whose cluster could not evaluate it (a node without AppArmor): neither attempted nor failing. */
  unsupported: number;
  topFailures: Array<{ message: string; count: number }>;
};

/** Item analysis over each student's latest attempt per lab (the state they are in now). */
export function analyseItems(
  latestAttempts: Array<{
    userId: string;
    labId: string;
    checks: Array<{ checkId: string; title: string; status: string; message: string }>;
  }>,
): ItemStat[] {
  const stats = new Map<string, ItemStat & { messages: Map<string, number> }>();
  for (const attempt of latestAttempts) {
    for (const check of attempt.checks) {
      const id = `${attempt.labId} ${check.checkId}`;
      const stat = stats.get(id) ?? {
        labId: attempt.labId,
        checkId: check.checkId,
        title: check.title,
        attempted: 0,
        failingNow: 0,
        unsupported: 0,
        topFailures: [],
        messages: new Map<string, number>(),
      };
      stats.set(id, stat);
      if (check.status === "unsupported") {
        stat.unsupported += 1;
        continue;
      }
      stat.attempted += 1;
      if (check.status !== "pass") {
        stat.failingNow += 1;
        stat.messages.set(check.message, (stat.messages.get(check.message) ?? 0) + 1);
      }
    }
  }
  return [...stats.values()]
    .map(({ messages, ...stat }) => ({
      ...stat,
      topFailures: [...messages.entries()]
        .map(([message, count]) => ({ message, count }))
        .sort((a, b) => b.count - a.count || a.message.localeCompare(b.message))
        .slice(0, 3),
    }))
    .sort(
      (a, b) => b.failingNow - a.failingNow || a.labId.localeCompare(b.labId) || a.checkId.localeCompare(b.checkId),
    );
}

/**
 * The gradebook as CSV: one line per student and lab, safe to open in a spreadsheet. `max_score` is what
 * `final_score` is out of; `unsupported_points` were left out of it because the student's cluster could not
 * evaluate them.
 */
export function gradebookCsv(rows: GradebookRow[], labs: GradebookLab[]): string {
  const titles = new Map(labs.map((l) => [l.id, l.title]));
  const header = [
    "student",
    "email",
    "lab",
    "best_auto_score",
    "manual_score",
    "final_score",
    "max_score",
    "unsupported_points",
    "last_attempt_at",
  ];
  const lines = [header];
  for (const row of rows) {
    for (const cell of row.cells) {
      lines.push([
        row.student.name,
        row.student.email,
        titles.get(cell.labId) ?? cell.labId,
        cell.bestAutoScore?.toString() ?? "",
        cell.manualScore?.toString() ?? "",
        cell.finalScore?.toString() ?? "",
        String(cell.maxScore),
        String(cell.unsupportedPoints),
        cell.lastAttemptAt?.toISOString() ?? "",
      ]);
    }
  }
  return `${lines.map((fields) => fields.map(csvField).join(",")).join("\r\n")}\r\n`;
}

// A cell starting with = + - @ (or a tab/CR) is run as a formula by spreadsheets: a student named
// "=HYPERLINK(...)" must arrive as text. A leading apostrophe makes it text; quoting keeps commas.
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function group<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) map.set(keyOf(item), [...(map.get(keyOf(item)) ?? []), item]);
  return map;
}

function latest<T>(items: T[], at: (item: T) => Date): T | undefined {
  return items.reduce<T | undefined>(
    (best, item) => (best === undefined || at(item) > at(best) ? item : best),
    undefined,
  );
}
