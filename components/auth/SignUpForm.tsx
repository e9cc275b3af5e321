"use client";

import { ZSignUpSchema } from "@/lib/auth/schemas";
import { Field } from "./Field";
import { useAuthForm } from "./use-auth-form";

/** Creates an account (also the first-run instructor account); the server applies the sign-up mode. */
export function SignUpForm({
  needsInviteCode,
  needsSetupCode = false,
  submitLabel,
  next,
}: {
  needsInviteCode: boolean;
  /** First run: the one-time code the server printed in its console. */
  needsSetupCode?: boolean;
  submitLabel: string;
  next: string;
}) {
  const { id, hydrated, error, fieldErrors, pending, onSubmit } = useAuthForm(ZSignUpSchema, "/sign-up/email", next);

  const errorId = `${id}-error`;
  return (
    <form className="auth-form" method="post" onSubmit={onSubmit} noValidate>
      {needsSetupCode ? (
        <Field
          id={`${id}-setup`}
          label="Setup code"
          name="setupCode"
          error={fieldErrors.setupCode}
          autoComplete="off"
          spellCheck={false}
          required
          hint="Printed in the console where CKS Lab was started, and saved in data/setup-code on the server."
          invalid={!!error}
          errorId={errorId}
        />
      ) : null}
      <Field
        id={`${id}-name`}
        label="Name"
        name="name"
        error={fieldErrors.name}
        autoComplete="name"
        required
        invalid={!!error}
        errorId={errorId}
      />
      <Field
        id={`${id}-email`}
        label="Email"
        name="email"
        error={fieldErrors.email}
        type="email"
        autoComplete="email"
        required
        invalid={!!error}
        errorId={errorId}
      />
      <Field
        id={`${id}-password`}
        label="Password"
        name="password"
        error={fieldErrors.password}
        type="password"
        autoComplete="new-password"
        required
        minLength={12}
        hint="At least 12 characters, and not a common password. A short sentence works well."
        invalid={!!error}
        errorId={errorId}
      />
      {needsInviteCode ? (
        <Field
          id={`${id}-invite`}
          label="Invite code"
          name="inviteCode"
          error={fieldErrors.inviteCode}
          autoComplete="off"
          required
          hint="Your instructor gives you this code."
          invalid={!!error}
          errorId={errorId}
        />
      ) : null}
      {error ? (
        <p id={errorId} role="alert" className="form-error">
          {error}
        </p>
      ) : null}
      <button type="submit" className="button" disabled={!hydrated || pending}>
        {pending ? "Creating your account…" : submitLabel}
      </button>
    </form>
  );
}
