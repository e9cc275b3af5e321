import { labMaxScore, type Lab } from "@/grader";
import { failAttempt, finishAttempt, recordCheckResult } from "@/lib/attempts/record-attempt";
import { startAttempt } from "@/lib/attempts/start-attempt";
import { CONNECTION_PROBLEM } from "@/lib/attempts/attempt-status";
import { errorMessage } from "@/lib/errors/error-message";
import type { GradeEvent } from "./grade-target";
import { gradingSlots, type GradingSlots } from "./grading-slots";

/** What the grade route streams: the grader's events plus the attempt they are stored under. */
export type AttemptEvent =
  | GradeEvent
  | { type: "attempt"; attemptId: string }
  | { type: "queued"; position: number }
  | { type: "internal-error"; message: string };

/** One grading run for an open attempt: emits what gradeTarget emits (tests pass a stand-in). */
export type GradeRun = (lab: Lab, emit: (event: GradeEvent) => void) => Promise<void>;

/** An open attempt and the run that grades it; `run` never rejects on a grader crash, it records it. */
export type OpenedAttempt = {
  ok: true;
  attemptId: string;
  run: (emit: (event: AttemptEvent) => void) => Promise<void>;
};

/**
 * One press of Check for a signed-in learner: opens an attempt (one running per learner and lab) and
 * returns the run that grades it, stores every check result as it arrives and closes the attempt with
 * the report. The run finishes the attempt even when nobody is listening any more (the tab was closed).
 */
export async function openAttempt(input: {
  userId: string;
  lab: Lab;
  /** What the attempt is stored under (lib/labs/connect-target.ts `targetLabel`). */
  context: string | null;
  grade: GradeRun;
  slots?: GradingSlots;
}): Promise<OpenedAttempt | { ok: false; failure: "already-running" }> {
  const { lab } = input;
  const started = await startAttempt({
    userId: input.userId,
    labId: lab.id,
    contentVersion: lab.contentVersion,
    maxScore: labMaxScore(lab),
    context: input.context,
  });
  if (!started.ok) return { ok: false, failure: "already-running" };
  const { attemptId } = started;
  return { ok: true, attemptId, run: (emit) => gradeOpenAttempt(attemptId, input, emit) };
}

async function gradeOpenAttempt(
  attemptId: string,
  input: { lab: Lab; grade: GradeRun; slots?: GradingSlots },
  emit: (event: AttemptEvent) => void,
): Promise<void> {
  emit({ type: "attempt", attemptId });
  // Writes happen in order, off the grader's path: a slow disk must not slow the checks down.
  let writes: Promise<void> = Promise.resolve();
  const persist = (write: () => Promise<void>) => {
    writes = writes.then(write);
  };
  let closed = false;
  const stored = new Set<string>();
  const onEvent = (event: GradeEvent) => {
    if (event.type === "result") {
      stored.add(event.result.checkId);
      persist(() => recordCheckResult(attemptId, event.result));
    } else if (event.type === "report") {
      closed = true;
      // Results already streamed are stored; only those the stream missed are written again.
      const missed = event.report.results.filter((r) => !stored.has(r.checkId));
      persist(() => finishAttempt(attemptId, { ...event.report, results: missed }));
    } else if (event.type === "cluster-problem") {
      closed = true;
      persist(() => failAttempt(attemptId, CONNECTION_PROBLEM, event.problem.message));
    }
    emit(event);
  };
  try {
    await (input.slots ?? gradingSlots).run(
      () => input.grade(input.lab, onEvent),
      (position) => emit({ type: "queued", position }),
    );
    await writes;
    if (!closed) await failAttempt(attemptId, "error", "The grader ended without a report.");
  } catch (error) {
    // The grader reports cluster trouble as data; reaching here is a bug. Logged without request data.
    console.error("grading crashed:", errorMessage(error));
    await writes.catch(() => undefined);
    await failAttempt(attemptId, "error", "Grading stopped because of an internal error.");
    emit({
      type: "internal-error",
      message: "Grading stopped because of an internal error. Try again; if it keeps happening, report it.",
    });
  }
}
