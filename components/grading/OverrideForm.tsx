"use client";

import { useActionState, useId } from "react";
import { useHydrated } from "../use-hydrated";

type State = { ok: boolean; message: string } | null;

/** A grader's manual grade for one lab: score and reason, with the outcome said out loud. */
export function OverrideForm({
  studentId,
  labId,
  maxScore,
  current,
  action,
}: {
  studentId: string;
  labId: string;
  maxScore: number;
  current: number | null;
  action: (previous: State, form: FormData) => Promise<State>;
}) {
  const [state, submit, pending] = useActionState(action, null);
  const hydrated = useHydrated();
  const id = useId();
  return (
    <form action={submit} className="override-form">
      <input type="hidden" name="studentId" value={studentId} />
      <input type="hidden" name="labId" value={labId} />
      <div className="override-fields">
        <label htmlFor={`${id}-score`}>Manual score</label>
        <input
          id={`${id}-score`}
          name="score"
          type="number"
          min={0}
          max={maxScore}
          step={1}
          required
          defaultValue={current ?? ""}
        />
        <span className="muted">/ {maxScore}</span>
      </div>
      <label htmlFor={`${id}-comment`}>Reason</label>
      <textarea
        id={`${id}-comment`}
        name="comment"
        required
        minLength={3}
        maxLength={500}
        rows={2}
        placeholder="Why this grade differs from the automatic one"
      />
      <button type="submit" className="button button-small" disabled={pending || !hydrated}>
        {pending ? "Saving…" : "Save manual grade"}
      </button>
      {state ? (
        <p role={state.ok ? "status" : "alert"} className={state.ok ? "success-text" : "error-text"}>
          {state.message}
        </p>
      ) : null}
    </form>
  );
}
