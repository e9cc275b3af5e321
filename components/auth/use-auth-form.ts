import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import type { z } from "zod";
import { firstIssue } from "@/lib/auth/schemas";
import { useHydrated } from "../use-hydrated";
import { postAuth } from "./post-auth";

/**
 * The shared half of the sign-in and sign-up forms: validate with the server's own schema, post to
 * better-auth's HTTP API (so its Origin check and rate limits apply), then go on to `next`.
 */
export function useAuthForm<S extends z.ZodType>(schema: S, path: string, next: string) {
  const router = useRouter();
  const hydrated = useHydrated();
  const id = useId();
  const [error, setError] = useState<string | null>(null);
  // Every field's first problem, so one submit reports all of them (not only the first).
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    setFieldErrors({});
    const form = event.currentTarget;
    const parsed = schema.safeParse(Object.fromEntries(new FormData(form)));
    if (!parsed.success) {
      const byField: Record<string, string> = {};
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0] ?? "");
        if (field && !(field in byField)) byField[field] = issue.message;
      }
      const fields = Object.keys(byField);
      setFieldErrors(byField);
      setError(
        fields.length > 1
          ? `${fields.length} fields need attention: ${Object.values(byField).join(" ")}`
          : firstIssue(parsed.error),
      );
      // The first field to fix gets focus, as a browser's own validation would do.
      const first = fields[0] ? form.elements.namedItem(fields[0]) : null;
      if (first instanceof HTMLElement) first.focus();
      return;
    }
    setPending(true);
    const result = await postAuth(path, parsed.data);
    if (!result.ok) {
      setPending(false);
      return setError(result.message);
    }
    router.replace(next);
    router.refresh();
  }

  return {
    id,
    hydrated,
    error,
    fieldErrors,
    pending,
    onSubmit: (event: React.FormEvent<HTMLFormElement>) => void onSubmit(event),
  };
}
