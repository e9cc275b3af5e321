"use client";

import { ZSignInSchema } from "@/lib/auth/schemas";
import { Field } from "./Field";
import { useAuthForm } from "./use-auth-form";

/** Email + password sign-in; validates with the server's schema first, then asks better-auth. */
export function SignInForm({ next }: { next: string }) {
  const { id, hydrated, error, fieldErrors, pending, onSubmit } = useAuthForm(ZSignInSchema, "/sign-in/email", next);

  return (
    <form className="auth-form" method="post" onSubmit={onSubmit} noValidate>
      <Field
        id={`${id}-email`}
        label="Email"
        name="email"
        error={fieldErrors.email}
        type="email"
        autoComplete="email"
        required
        invalid={!!error}
        errorId={`${id}-error`}
      />
      <Field
        id={`${id}-password`}
        label="Password"
        name="password"
        error={fieldErrors.password}
        type="password"
        autoComplete="current-password"
        required
        invalid={!!error}
        errorId={`${id}-error`}
      />
      {error ? (
        <p id={`${id}-error`} role="alert" className="form-error">
          {error}
        </p>
      ) : null}
      <button type="submit" className="button" disabled={!hydrated || pending}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
