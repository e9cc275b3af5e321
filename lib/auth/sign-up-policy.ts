import { timingSafeEqual } from "node:crypto";
import type { SignUpMode } from "./schemas";

/** Sign-up settings as stored (lib/auth/settings.ts). */
export type SignUpSettings = { mode: SignUpMode; inviteCode: string | null };

/** Whether a sign-up may go ahead, and if not, the sentence to show. */
export type SignUpDecision = { allowed: true; firstUser: boolean } | { allowed: false; status: 403; message: string };

/**
 * Decides a sign-up from the instance's settings. The very first account is always allowed
 * (it becomes the instructor), whatever the settings say, so a fresh install can be claimed.
 */
export function decideSignUp(
  settings: SignUpSettings,
  attempt: { existingUsers: number; inviteCode?: string | undefined },
): SignUpDecision {
  if (attempt.existingUsers === 0) return { allowed: true, firstUser: true };
  if (settings.mode === "open") return { allowed: true, firstUser: false };
  if (settings.mode === "closed") {
    return {
      allowed: false,
      status: 403,
      message: "Sign-up is closed on this CKS Lab. Ask your instructor for an account.",
    };
  }
  if (!settings.inviteCode)
    return {
      allowed: false,
      status: 403,
      message: "Sign-up needs an invite code, but none is set yet. Ask your instructor.",
    };
  if (!attempt.inviteCode)
    return { allowed: false, status: 403, message: "Enter the invite code your instructor gave you." };
  if (!sameCode(attempt.inviteCode.trim(), settings.inviteCode)) {
    return { allowed: false, status: 403, message: "That invite code is not right. Check it with your instructor." };
  }
  return { allowed: true, firstUser: false };
}

// Constant-time, so response timing does not reveal how much of a guessed code was right.
function sameCode(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
