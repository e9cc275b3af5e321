import { db } from "@/lib/db/client";

/** What a learner (and the lab panel) may see of a saved connection: no credentials, no kubeconfig. */
export type ConnectionSummary = {
  label: string;
  server: string;
  context: string;
  createdAt: string;
  lastTestedAt: string | null;
  lastVersion: string | null;
};

/** The signed-in learner's saved connection without secrets, or null when they have none. */
export async function getConnectionSummary(userId: string): Promise<ConnectionSummary | null> {
  // Selects only the shown columns: the sealed kubeconfig never leaves this layer.
  const row = await db().clusterConnection.findUnique({
    where: { userId },
    select: { label: true, server: true, context: true, createdAt: true, lastTestedAt: true, lastVersion: true },
  });
  if (!row) return null;
  return { ...row, createdAt: row.createdAt.toISOString(), lastTestedAt: row.lastTestedAt?.toISOString() ?? null };
}
