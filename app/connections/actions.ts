"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { z } from "zod";
import { agentHub } from "@/lib/agent/hub";
import { revokeAgentCredential } from "@/lib/agent/credentials";
import { action, formAction } from "@/lib/auth/session";
import { connectionOptionsFor } from "@/lib/connections/connection-options";
import type { ConnectionSummary } from "@/lib/connections/connection-summary";
import { deleteConnection } from "@/lib/connections/delete-connection";
import { saveConnection } from "@/lib/connections/save-connection";
import { ZSaveConnectionSchema } from "@/lib/connections/schemas";
import { testConnection, type ConnectionTest } from "@/lib/connections/test-connection";
import { errorName } from "@/lib/errors/error-message";
import { requestFacts } from "@/lib/http/local-only";

/** This request's connection switches: loopback clusters are the learner's own when they sit at this machine. */
async function requestOptions() {
  return connectionOptionsFor(requestFacts(await headers()));
}

export type SaveConnectionResult = { ok: true; summary: ConnectionSummary } | { ok: false; failure: string };

/** Validates, seals and stores the signed-in learner's pasted kubeconfig (replacing any earlier one). */
export const saveConnectionAction = action(
  {
    action: "connection:write",
    self: true,
    // saveConnection parses again: it is the one place that stores, and applies every kubeconfig rule.
    input: ZSaveConnectionSchema,
    signIn: "Sign in to save a cluster connection.",
  },
  async ({ user, input }): Promise<SaveConnectionResult> => {
    try {
      const result = await saveConnection(user.id, input, { options: await requestOptions() });
      if (result.ok) revalidatePath("/connections");
      return result;
    } catch (error) {
      // Never the input: it holds credentials.
      console.error("saving a connection failed:", errorName(error));
      return { ok: false, failure: "The connection could not be saved. Try again in a moment." };
    }
  },
);

/** Connects with the saved connection: server version and the grader's permissions in each lab namespace. */
export const testConnectionAction = action(
  {
    action: "connection:read",
    self: true,
    input: z.undefined(),
    signIn: "Sign in to test your cluster connection.",
    refuse: (failure): ConnectionTest => ({ ok: false, failure }),
  },
  async ({ user }): Promise<ConnectionTest> => {
    try {
      return await testConnection(user.id, { options: await requestOptions() });
    } catch (error) {
      console.error("testing a connection failed:", errorName(error));
      return { ok: false, failure: "The test could not run. Try again in a moment." };
    }
  },
);

/** Deletes the signed-in learner's saved connection. */
export const deleteConnectionAction = action(
  {
    action: "connection:write",
    self: true,
    input: z.undefined(),
    signIn: "Sign in to manage your cluster connection.",
  },
  async ({ user }): Promise<{ ok: true } | { ok: false; failure: string }> => {
    try {
      await deleteConnection(user.id);
    } catch {
      return { ok: false, failure: "The connection could not be deleted. Try again in a moment." };
    }
    revalidatePath("/connections");
    return { ok: true };
  },
);

const ZDisconnectAgentSchema = z.object({ credentialId: z.string().min(1).max(100) });

export type DisconnectAgentState = { ok: boolean; message: string } | null;

/** Revokes one of the learner's agent sign-ins and ends its tunnel now, if it is connected. */
export const disconnectAgentAction = formAction(
  {
    action: "agent:manage",
    self: true,
    input: ZDisconnectAgentSchema,
    signIn: "Sign in to manage your agents.",
    refuse: (message): DisconnectAgentState => ({ ok: false, message }),
  },
  async ({ user, input }): Promise<DisconnectAgentState> => {
    const revoked = await revokeAgentCredential(user.id, input.credentialId);
    if (!revoked) return { ok: false, message: "That agent is already disconnected." };
    const hub = agentHub();
    if (hub.summaryFor(user.id)?.credentialId === input.credentialId) {
      hub.disconnect(user.id, "revoked", "Disconnected from the Cluster page; run the agent again to sign in anew.");
    }
    revalidatePath("/connections");
    return { ok: true, message: "Disconnected. The agent must sign in again to reconnect." };
  },
);
