// Approving (or denying) a cks-lab-agent's sign-in: the device authorization plugin's verify and
// approve steps, called server-side for the signed-in learner behind the app's door (the HTTP paths
// are disabled, lib/auth/agent-device.ts). Outcomes are data.
import { isAPIError } from "better-auth/api";
import type { Auth } from "@/lib/auth/server";

/** A user code as people type it: letters and digits, any case, dashes and spaces ignored. */
export function normaliseUserCode(input: string): string {
  return input.replace(/[\s-]/g, "").toUpperCase();
}

/** Result of an approval: the learner sees `error` as is. */
export type ApprovalResult = { ok: true; decision: "approved" | "denied" } | { ok: false; error: string };

const MESSAGES: Record<string, string> = {
  invalid_request:
    "That code is not waiting for approval. Check it against the agent's terminal; it may already be used.",
  expired_token: "That code has expired. Stop the agent and start it again for a new code.",
  access_denied: "That code belongs to a sign-in started for another account.",
};

/** Claims `userCode` for the learner whose request `headers` carry, then approves or denies it. */
export async function decideDeviceCode(
  auth: Auth,
  headers: Headers,
  userCode: string,
  decision: "approve" | "deny",
): Promise<ApprovalResult> {
  const code = normaliseUserCode(userCode);
  try {
    await auth.api.deviceVerify({ query: { user_code: code }, headers });
    if (decision === "approve") await auth.api.deviceApprove({ body: { userCode: code }, headers });
    else await auth.api.deviceDeny({ body: { userCode: code }, headers });
    return { ok: true, decision: decision === "approve" ? "approved" : "denied" };
  } catch (error) {
    if (!isAPIError(error)) throw error;
    const body = error.body as { error?: string } | undefined;
    return { ok: false, error: MESSAGES[body?.error ?? ""] ?? "That code was not accepted. Check it and try again." };
  }
}
