"use client";

import { ZSignUpSchema } from "@/lib/auth/schemas";
import { Field } from "./Field";
import { useAuthForm } from "./use-auth-form";

/** Creates an account (also the first-run instructor account); the server applies the sign-up mode. */
export function SignUpForm({
  needsInviteCode,
  submitLabel,
  next,
}: {
  needsInviteCode: boolean;
  submitLabel: string;
  next: string;
}) {
  const { id, hydrated, error, pending, onSubmit } = useAuthForm(ZSignUpSchema, "/sign-up/email", next);

  const errorId = `${id}-error`;
  return (
    <form className="auth-form" method="post" onSubmit={onSubmit} noValidate>
      <Field
        id={`${id}-name`}
        label="Name"
        name="name"
        autoComplete="name"
        required
        invalid={!!error}
        errorId={errorId}
      />
      <Field
        id={`${id}-email`}
        label="Email"
        name="email"
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
        type="password"
        autoComplete="new-password"
        required
        minLength={8}
        hint="At least 8 characters."
        invalid={!!error}
        errorId={errorId}
      />
      {needsInviteCode ? (
        <Field
          id={`${id}-invite`}
          label="Invite code"
          name="inviteCode"
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
