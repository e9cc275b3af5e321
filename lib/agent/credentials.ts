// Agent credentials: a random bearer token handed to a cks-lab-agent once, when the learner's approval
// of its device code is redeemed. Only its SHA-256 is stored, so a copy of the database opens no tunnel.
import { createHash, randomBytes } from "node:crypto";
import { db } from "@/lib/db/client";

/** Prefix that makes a leaked agent token recognisable (secret scanners, logs). */
const TOKEN_PREFIX = "cksa_";

function hashOf(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Creates a credential for `userId`'s agent on `hostname`; the token is returned once and never stored. */
export async function createAgentCredential(userId: string, hostname: string): Promise<{ id: string; token: string }> {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  const { id } = await db().agentCredential.create({
    data: { userId, hostname: hostname.slice(0, 253), tokenHash: hashOf(token) },
    select: { id: true },
  });
  return { id, token };
}

/** The credential behind a bearer token, with its user's id and role; null for an unknown or revoked token. */
export async function findAgentCredential(
  token: string,
): Promise<{ id: string; userId: string; role: string | null; hostname: string } | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const found = await db().agentCredential.findUnique({
    where: { tokenHash: hashOf(token) },
    select: { id: true, userId: true, hostname: true, user: { select: { role: true, banned: true } } },
  });
  if (!found || found.user.banned) return null;
  return { id: found.id, userId: found.userId, role: found.user.role, hostname: found.hostname };
}

/** True while credential `id` exists (a heartbeat asks: a revoked credential ends its tunnel). */
export async function agentCredentialExists(id: string): Promise<boolean> {
  return (await db().agentCredential.count({ where: { id } })) > 0;
}

/** Marks a credential used now (when its tunnel opens). */
export async function touchAgentCredential(id: string): Promise<void> {
  await db().agentCredential.update({ where: { id }, data: { lastUsedAt: new Date() } });
}

/** The learner's agent credentials, newest first (no hashes). */
export async function listAgentCredentials(
  userId: string,
): Promise<{ id: string; hostname: string; createdAt: Date; lastUsedAt: Date | null }[]> {
  return db().agentCredential.findMany({
    where: { userId },
    orderBy: { createdAt: "desc" },
    select: { id: true, hostname: true, createdAt: true, lastUsedAt: true },
  });
}

/** Deletes `userId`'s credential `id`; false when there was none of theirs. */
export async function revokeAgentCredential(userId: string, id: string): Promise<boolean> {
  const { count } = await db().agentCredential.deleteMany({ where: { id, userId } });
  return count > 0;
}
