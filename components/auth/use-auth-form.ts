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
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    const parsed = schema.safeParse(Object.fromEntries(new FormData(event.currentTarget)));
    if (!parsed.success) return setError(firstIssue(parsed.error));
    setPending(true);
    const result = await postAuth(path, parsed.data);
    if (!result.ok) {
      setPending(false);
      return setError(result.message);
    }
    router.replace(next);
    router.refresh();
  }

  return { id, hydrated, error, pending, onSubmit: (event: React.FormEvent<HTMLFormElement>) => void onSubmit(event) };
}
