"use client";

import { useActionState, useId } from "react";
import { useHydrated } from "../use-hydrated";

type State = { ok: boolean; message: string } | null;

/** The code from the agent's terminal, and Approve / Deny; the outcome is said out loud. */
export function DeviceApprovalForm({
  initialCode,
  action,
}: {
  initialCode: string;
  action: (previous: State, form: FormData) => Promise<State>;
}) {
  const [state, submit, pending] = useActionState(action, null);
  const hydrated = useHydrated();
  const id = useId();
  const done = state?.ok === true;
  return (
    <form action={submit} className="device-form">
      <label htmlFor={`${id}-code`}>Code shown by the agent</label>
      <input
        id={`${id}-code`}
        name="userCode"
        className="device-code"
        defaultValue={initialCode.length === 8 ? `${initialCode.slice(0, 4)}-${initialCode.slice(4)}` : initialCode}
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        required
        autoFocus
        readOnly={done}
        aria-describedby={`${id}-status`}
      />
      <div className="device-buttons">
        <button
          type="submit"
          name="decision"
          value="approve"
          className="button"
          disabled={!hydrated || pending || done}
        >
          {pending ? "Working…" : "Approve"}
        </button>
        <button
          type="submit"
          name="decision"
          value="deny"
          className="button button-secondary"
          disabled={!hydrated || pending || done}
        >
          Deny
        </button>
      </div>
      <p
        id={`${id}-status`}
        role={state && !state.ok ? "alert" : "status"}
        className={state ? (state.ok ? "banner banner-ok" : "banner banner-fail") : ""}
      >
        {state?.message}
      </p>
    </form>
  );
}
