"use client";

import { useId, useState, useTransition } from "react";
import { ROLE_LABEL, ROLES, type Role } from "@/lib/auth/roles";
import { useHydrated } from "../use-hydrated";

type ActionResult = { ok: true } | { ok: false; failure: string };

/** One user's role on the admin page: a select and a Save button, keeping the old role if saving fails. */
export function RoleForm({
  userId,
  userName,
  role,
  disabled,
  save,
}: {
  userId: string;
  userName: string;
  role: Role;
  disabled?: string;
  save: (input: { userId: string; role: Role }) => Promise<ActionResult>;
}) {
  const id = useId();
  const hydrated = useHydrated();
  const [saved, setSaved] = useState<Role>(role);
  const [chosen, setChosen] = useState<Role>(role);
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string } | null>(null);
  const [pending, startTransition] = useTransition();

  // aria-disabled, not disabled: a disabled button drops keyboard focus to the page after Save.
  const saveOff = !hydrated || pending || chosen === saved;

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (saveOff || disabled) return;
    setMessage(null);
    startTransition(async () => {
      const result = await save({ userId, role: chosen });
      if (result.ok) {
        setSaved(chosen);
        setMessage({ kind: "ok", text: `Saved: ${userName} is now ${ROLE_LABEL[chosen].toLowerCase()}` });
      } else {
        setChosen(saved);
        setMessage({ kind: "error", text: result.failure });
      }
    });
  }

  return (
    <form className="role-form" onSubmit={onSubmit}>
      <label htmlFor={id} className="visually-hidden">
        Role of {userName}
      </label>
      <select
        id={id}
        value={chosen}
        onChange={(e) => setChosen(e.target.value as Role)}
        disabled={!!disabled || pending}
        title={disabled}
      >
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {ROLE_LABEL[r]}
          </option>
        ))}
      </select>
      <button
        type="submit"
        className="button button-small button-secondary"
        disabled={!!disabled}
        aria-disabled={saveOff || undefined}
      >
        {pending ? "Saving…" : "Save"}
      </button>
      {/* Always in the page, so screen readers announce what lands in it. */}
      <span role="status" className="ok-text">
        {message?.kind === "ok" ? message.text : ""}
      </span>
      {message?.kind === "error" ? (
        <span role="alert" className="error-text">
          {message.text}
        </span>
      ) : null}
    </form>
  );
}
