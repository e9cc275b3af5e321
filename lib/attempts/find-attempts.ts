import {
  ZCheckOutcomeSchema,
  ZCheckStatusSchema,
  ZEvidenceSchema,
  type CheckOutcome,
  type CheckStatus,
  type Evidence,
} from "@/grader";
import { db } from "@/lib/db/client";
import { readJsonList } from "@/lib/db/json-column";
import { CONNECTION_PROBLEM, gradedAttempts } from "./attempt-status";
import { unsupportedPointsOf } from "./best-attempt";

/** One stored check result as the lab panel and the dashboard show it. */
export type StoredCheck = {
  checkId: string;
  taskId: string;
  title: string;
  status: CheckStatus;
  outcome: CheckOutcome;
  points: number;
  awarded: number;
  message: string;
  hint: string;
  lessonHref: string;
  evidence: Evidence[];
  durationMs: number;
};

/** An attempt with its results; never carries kubeconfigs or anything from the learner's cluster but evidence. */
export type StoredAttempt = {
  id: string;
  labId: string;
  contentVersion: string;
  status: string;
  score: number;
  maxScore: number;
  context: string | null;
  problem: string | null;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  /** Points of checks this attempt's cluster could not evaluate (already left out of maxScore). */
  unsupportedPoints: number;
  checks: StoredCheck[];
};

const ATTEMPT_COLUMNS = {
  id: true,
  labId: true,
  contentVersion: true,
  status: true,
  score: true,
  maxScore: true,
  context: true,
  problem: true,
  startedAt: true,
  finishedAt: true,
  durationMs: true,
} as const;

const CHECK_COLUMNS = {
  checkId: true,
  taskId: true,
  title: true,
  status: true,
  outcome: true,
  points: true,
  awarded: true,
  message: true,
  hint: true,
  lessonHref: true,
  evidence: true,
  durationMs: true,
} as const;

type CheckRow = {
  checkId: string;
  taskId: string;
  title: string;
  status: string;
  outcome: string;
  points: number;
  awarded: number;
  message: string;
  hint: string;
  lessonHref: string;
  evidence: unknown;
  durationMs: number;
};

type AttemptRow = {
  id: string;
  labId: string;
  contentVersion: string;
  status: string;
  score: number;
  maxScore: number;
  context: string | null;
  problem: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
  checks: CheckRow[];
};

function toStored(row: AttemptRow): StoredAttempt {
  const { checks, startedAt, finishedAt, ...attempt } = row;
  return {
    ...attempt,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt?.toISOString() ?? null,
    unsupportedPoints: unsupportedPointsOf(checks),
    checks: checks.map(toStoredCheck),
  };
}

// Status, outcome and evidence are read through the grader's schemas, never cast: a row this version
// cannot read (written by an older one, or damaged) shows as an error that says so, not as a guess.
function toStoredCheck(row: CheckRow): StoredCheck {
  const status = ZCheckStatusSchema.safeParse(row.status);
  const outcome = ZCheckOutcomeSchema.safeParse(row.outcome);
  const { items: evidence, unreadable } = readJsonList(ZEvidenceSchema, row.evidence);
  const check: StoredCheck = { ...row, status: "error", outcome: "unexpected", evidence };
  if (!status.success || !outcome.success)
    return {
      ...check,
      message: `This result was stored as "${row.status}" (${row.outcome}), which CKS Lab cannot show.`,
    };
  if (unreadable > 0)
    console.error(`attempt check ${row.checkId}: ${unreadable} stored evidence item(s) could not be read`);
  return { ...check, status: status.data, outcome: outcome.data };
}

/** The learner's most recent graded attempt at a lab (attempt-status.ts), with every check, or null. */
export async function findLastAttempt(userId: string, labId: string): Promise<StoredAttempt | null> {
  const row = await db().attempt.findFirst({
    where: { userId, labId, ...gradedAttempts },
    orderBy: { startedAt: "desc" },
    select: { ...ATTEMPT_COLUMNS, checks: { select: CHECK_COLUMNS, orderBy: { id: "asc" } } },
  });
  return row ? toStored(row) : null;
}

/** Every attempt of one learner, running or graded (never a connection problem), newest first (optionally for one lab), with their checks. */
export async function listAttempts(
  userId: string,
  options: { labId?: string; take?: number } = {},
): Promise<StoredAttempt[]> {
  const rows = await db().attempt.findMany({
    where: { userId, status: { not: CONNECTION_PROBLEM }, ...(options.labId ? { labId: options.labId } : {}) },
    orderBy: { startedAt: "desc" },
    take: options.take ?? 100,
    select: { ...ATTEMPT_COLUMNS, checks: { select: CHECK_COLUMNS, orderBy: { id: "asc" } } },
  });
  return rows.map(toStored);
}

/** One attempt by id with its owner, so the caller can ask the policy before showing it; null if absent. */
export async function findAttempt(id: string): Promise<{ ownerId: string; attempt: StoredAttempt } | null> {
  const row = await db().attempt.findUnique({
    where: { id },
    select: { userId: true, ...ATTEMPT_COLUMNS, checks: { select: CHECK_COLUMNS, orderBy: { id: "asc" } } },
  });
  if (!row) return null;
  const { userId, ...attempt } = row;
  return { ownerId: userId, attempt: toStored(attempt) };
}
