"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useHydrated } from "../use-hydrated";
import { postAuth } from "./post-auth";

/** Signs out this browser, or with `everywhere` revokes every session of the account first. */
export function SignOutButton({
  everywhere = false,
  className = "button button-small button-secondary",
}: {
  everywhere?: boolean;
  className?: string;
}) {
  const router = useRouter();
  const hydrated = useHydrated();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function onClick() {
    setPending(true);
    setError(null);
    if (everywhere) {
      const revoked = await postAuth("/revoke-sessions");
      if (!revoked.ok && revoked.status !== 401) {
        setPending(false);
        return setError(revoked.message);
      }
    }
    const result = await postAuth("/sign-out");
    // A 401 means the session is already gone, which is what was asked for.
    if (!result.ok && result.status !== 401) {
      setPending(false);
      return setError(result.message);
    }
    router.replace("/");
    router.refresh();
  }

  return (
    <>
      <button type="button" className={className} onClick={() => void onClick()} disabled={!hydrated || pending}>
        {pending ? "Signing out…" : everywhere ? "Sign out everywhere" : "Sign out"}
      </button>
      {error ? (
        <span role="alert" className="error-text">
          {error}
        </span>
      ) : null}
    </>
  );
}
