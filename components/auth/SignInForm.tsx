"use client";

import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { firstIssue, ZSignInSchema } from "@/lib/auth/schemas";
import { useHydrated } from "../use-hydrated";
import { Field } from "./Field";
import { postAuth } from "./post-auth";

/** Email + password sign-in; validates with the server's schema first, then asks better-auth. */
export function SignInForm({ next }: { next: string }) {
  const router = useRouter();
  const hydrated = useHydrated();
  const id = useId();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    const parsed = ZSignInSchema.safeParse(Object.fromEntries(new FormData(event.currentTarget)));
    if (!parsed.success) return setError(firstIssue(parsed.error));
    setPending(true);
    const result = await postAuth("/sign-in/email", parsed.data);
    if (!result.ok) {
      setPending(false);
      return setError(result.message);
    }
    router.replace(next);
    router.refresh();
  }

  return (
    <form className="auth-form" method="post" onSubmit={onSubmit} noValidate>
      <Field id={`${id}-email`} label="Email" name="email" type="email" autoComplete="email" required invalid={!!error} errorId={`${id}-error`} />
      <Field id={`${id}-password`} label="Password" name="password" type="password" autoComplete="current-password" required invalid={!!error} errorId={`${id}-error`} />
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
