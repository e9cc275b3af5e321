"use server";

import { revalidatePath } from "next/cache";
import { can } from "@/lib/auth/policy";
import { getCurrentUser } from "@/lib/auth/session";
import type { ConnectionSummary } from "@/lib/connections/connection-summary";
import { deleteConnection } from "@/lib/connections/delete-connection";
import { saveConnection } from "@/lib/connections/save-connection";
import { testConnection, type ConnectionTest } from "@/lib/connections/test-connection";

export type SaveConnectionResult = { ok: true; summary: ConnectionSummary } | { ok: false; error: string };

/** Validates, seals and stores the signed-in learner's pasted kubeconfig (replacing any earlier one). */
export async function saveConnectionAction(input: unknown): Promise<SaveConnectionResult> {
  const user = await getCurrentUser();
  if (!user || !can(user, "connection:write", { ownerId: user.id }))
    return { ok: false, error: "Sign in to save a cluster connection." };
  const fields = typeof input === "object" && input !== null ? (input as Record<string, unknown>) : {};
  try {
    // zod validation (and every kubeconfig rule) happens in saveConnection, the one place that stores.
    const result = await saveConnection(user.id, { label: fields.label, kubeconfig: fields.kubeconfig });
    if (result.ok) revalidatePath("/connections");
    return result;
  } catch (error) {
    // Never the input: it holds credentials.
    console.error("saving a connection failed:", error instanceof Error ? error.name : "unknown error");
    return { ok: false, error: "The connection could not be saved. Try again in a moment." };
  }
}

/** Connects with the saved connection: server version and the grader's permissions in each lab namespace. */
export async function testConnectionAction(): Promise<ConnectionTest> {
  const user = await getCurrentUser();
  if (!user || !can(user, "connection:read", { ownerId: user.id }))
    return { ok: false, message: "Sign in to test your cluster connection." };
  try {
    return await testConnection(user.id);
  } catch (error) {
    console.error("testing a connection failed:", error instanceof Error ? error.name : "unknown error");
    return { ok: false, message: "The test could not run. Try again in a moment." };
  }
}

/** Deletes the signed-in learner's saved connection. */
export async function deleteConnectionAction(): Promise<{ ok: true } | { ok: false; error: string }> {
  const user = await getCurrentUser();
  if (!user || !can(user, "connection:write", { ownerId: user.id }))
    return { ok: false, error: "Sign in to manage your cluster connection." };
  try {
    await deleteConnection(user.id);
  } catch {
    return { ok: false, error: "The connection could not be deleted. Try again in a moment." };
  }
  revalidatePath("/connections");
  return { ok: true };
}
