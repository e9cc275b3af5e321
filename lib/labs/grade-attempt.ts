import { labMaxScore, type TLab } from "@/grader";
import { failAttempt, finishAttempt, recordCheckResult } from "@/lib/attempts/record-attempt";
import { startAttempt } from "@/lib/attempts/start-attempt";
import { gradingSlots, type GradingSlots } from "./grading-slots";
import { gradeAgainstLocalContext, type LocalGradeEvent } from "./local-cluster";

/** What the grade route streams: the grader's events plus the attempt they are stored under. */
export type AttemptEvent =
  | LocalGradeEvent
  | { type: "attempt"; attemptId: string }
  | { type: "queued"; position: number }
  | { type: "internal-error"; message: string };

type Grade = (lab: TLab, context: string | undefined, emit: (event: LocalGradeEvent) => void) => Promise<void>;

/**
 * One press of Check for a signed-in learner: opens an attempt (one running per learner and lab),
 * grades, stores every check result as it arrives and closes the attempt with the report. The
 * attempt is finished even when nobody is listening any more (the browser tab was closed).
 */
export async function gradeAttempt(input: {
  userId: string;
  lab: TLab;
  context: string | undefined;
  emit: (event: AttemptEvent) => void;
  grade?: Grade;
  slots?: GradingSlots;
}): Promise<{ ok: true; attemptId: string } | { ok: false; reason: "already-running" }> {
  const { lab, emit } = input;
  const maxScore = labMaxScore(lab);
  const started = await startAttempt({
    userId: input.userId,
    labId: lab.id,
    contentVersion: lab.contentVersion,
    maxScore,
    context: input.context ?? null,
  });
  if (!started.ok) return { ok: false, reason: "already-running" };
  const { attemptId } = started;
  emit({ type: "attempt", attemptId });

  // Writes happen in order, off the grader's path: a slow disk must not slow the checks down.
  let writes: Promise<void> = Promise.resolve();
  const persist = (write: () => Promise<void>) => {
    writes = writes.then(write);
  };
  let closed = false;
  const stored = new Set<string>();
  const grade = input.grade ?? gradeAgainstLocalContext;
  const onEvent = (event: LocalGradeEvent) => {
    if (event.type === "result") {
      stored.add(event.result.checkId);
      persist(() => recordCheckResult(attemptId, event.result));
    } else if (event.type === "report") {
      closed = true;
      // Results already streamed are stored; only those the stream missed are written again.
      const missed = event.report.results.filter((r) => !stored.has(r.checkId));
      persist(() => finishAttempt(attemptId, { ...event.report, results: missed }));
    } else if (event.type === "no-cluster") {
      closed = true;
      persist(() => failAttempt(attemptId, "error", event.message));
    }
    emit(event);
  };
  try {
    await (input.slots ?? gradingSlots).run(
      () => grade(lab, input.context, onEvent),
      (position) => emit({ type: "queued", position }),
    );
    await writes;
    if (!closed) await failAttempt(attemptId, "error", "The grader ended without a report.");
  } catch (error) {
    // The grader reports cluster trouble as data; reaching here is a bug. Logged without request data.
    console.error("grading crashed:", error instanceof Error ? error.message : String(error));
    await writes.catch(() => undefined);
    await failAttempt(attemptId, "error", "Grading stopped because of an internal error.");
    emit({
      type: "internal-error",
      message: "Grading stopped because of an internal error. Try again; if it keeps happening, report it.",
    });
  }
  return { ok: true, attemptId };
}
