"use server";

import { headers } from "next/headers";
import { z } from "zod";
import { decideDeviceCode } from "@/lib/agent/approve-device";
import { auth, formAction } from "@/lib/auth/session";

/** The approval form; the code as people type it (dashes and spaces allowed). */
const ZDeviceDecisionSchema = z.object({
  userCode: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9 -]{4,20}$/, "Enter the code the agent printed, like ABCD-EFGH."),
  decision: z.enum(["approve", "deny"]),
});

export type DeviceDecisionState = { ok: boolean; message: string } | null;

/** Approves or denies a cks-lab-agent's sign-in for the signed-in learner. */
export const decideDeviceAction = formAction(
  {
    action: "agent:approve",
    self: true,
    input: ZDeviceDecisionSchema,
    signIn: "Sign in to approve the agent.",
    refuse: (message): DeviceDecisionState => ({ ok: false, message }),
  },
  async ({ input }): Promise<DeviceDecisionState> => {
    const result = await decideDeviceCode(auth(), await headers(), input.userCode, input.decision);
    if (!result.ok) return { ok: false, message: result.error };
    return result.decision === "approved"
      ? {
          ok: true,
          message:
            "Approved. The agent connects within a few seconds; choose “Your cluster (agent on …)” in a lab panel and press Check.",
        }
      : { ok: true, message: "Denied. That agent was not signed in; you can close this page." };
  },
);
