"use client";

import { useId, useState, useTransition } from "react";
import { firstIssue, ZSignUpSettingsSchema, type TSignUpMode, type TSignUpSettingsInput } from "@/lib/auth/schemas";
import { useHydrated } from "../use-hydrated";

type ActionResult = { ok: true } | { ok: false; failure: string };

const MODES: { value: TSignUpMode; label: string; hint: string }[] = [
  { value: "open", label: "Open", hint: "Anyone who can reach this CKS Lab can create a student account." },
  { value: "invite", label: "Invite code", hint: "Sign-up asks for the code below." },
  { value: "closed", label: "Closed", hint: "Nobody can sign up; existing accounts still sign in." },
];

/** The admin page's sign-up mode and invite code, validated with the server's schema before saving. */
export function SignUpSettingsForm({
  mode,
  inviteCode,
  save,
}: {
  mode: TSignUpMode;
  inviteCode: string | null;
  save: (input: TSignUpSettingsInput) => Promise<ActionResult>;
}) {
  const id = useId();
  const hydrated = useHydrated();
  const [chosen, setChosen] = useState<TSignUpMode>(mode);
  const [code, setCode] = useState(inviteCode ?? "");
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string } | null>(null);
  const [pending, startTransition] = useTransition();

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setMessage(null);
    const parsed = ZSignUpSettingsSchema.safeParse({ mode: chosen, inviteCode: code });
    if (!parsed.success) return setMessage({ kind: "error", text: firstIssue(parsed.error) });
    startTransition(async () => {
      const result = await save(parsed.data);
      setMessage(result.ok ? { kind: "ok", text: "Sign-up settings saved." } : { kind: "error", text: result.failure });
    });
  }

  return (
    <form className="auth-form settings-form" method="post" onSubmit={onSubmit} noValidate>
      <fieldset>
        <legend>Who can sign up</legend>
        {MODES.map((m) => (
          <div key={m.value} className="radio">
            <input
              type="radio"
              id={`${id}-${m.value}`}
              name="mode"
              value={m.value}
              checked={chosen === m.value}
              onChange={() => setChosen(m.value)}
              aria-describedby={`${id}-${m.value}-hint`}
            />
            <label htmlFor={`${id}-${m.value}`}>{m.label}</label>
            <p id={`${id}-${m.value}-hint`} className="field-hint">
              {m.hint}
            </p>
          </div>
        ))}
      </fieldset>
      {chosen === "invite" ? (
        <div className="field">
          <label htmlFor={`${id}-code`}>Invite code</label>
          <input
            id={`${id}-code`}
            name="inviteCode"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            autoComplete="off"
            aria-describedby={`${id}-code-hint`}
          />
          <p id={`${id}-code-hint`} className="field-hint">
            8 to 64 letters, digits or dashes. Share it with your class.
          </p>
        </div>
      ) : null}
      {message ? (
        <p
          role={message.kind === "error" ? "alert" : "status"}
          className={message.kind === "error" ? "form-error" : "form-ok"}
        >
          {message.text}
        </p>
      ) : null}
      <button type="submit" className="button" disabled={!hydrated || pending}>
        {pending ? "Saving…" : "Save sign-up settings"}
      </button>
    </form>
  );
}
