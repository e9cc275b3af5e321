import { db } from "@/lib/db/client";

/** Deletes the learner's saved connection; true when there was one. */
export async function deleteConnection(userId: string): Promise<boolean> {
  const { count } = await db().clusterConnection.deleteMany({ where: { userId } });
  return count > 0;
}
