import { timingSafeEqual } from "node:crypto";
import type { TSignUpMode } from "./schemas";

/** Sign-up settings as stored (lib/auth/settings.ts). */
export type SignUpSettings = { mode: TSignUpMode; inviteCode: string | null };

/** Whether a sign-up may go ahead, and if not, the sentence to show. */
export type SignUpDecision = { allowed: true; firstUser: boolean } | { allowed: false; status: 403; message: string };

/**
 * Decides a sign-up from the instance's settings. The very first account (it becomes the instructor)
 * needs the one-time setup code, whatever the settings say: only the operator can claim an instance.
 */
export function decideSignUp(
  settings: SignUpSettings,
  attempt: { existingUsers: number; inviteCode?: string | undefined; setupCodeValid?: boolean },
): SignUpDecision {
  if (attempt.existingUsers === 0) {
    if (attempt.setupCodeValid) return { allowed: true, firstUser: true };
    return {
      allowed: false,
      status: 403,
      message:
        "Enter the setup code CKS Lab printed in its console when it started (also in data/setup-code on the server).",
    };
  }
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
