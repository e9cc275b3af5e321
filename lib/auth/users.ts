import { db } from "@/lib/db/client";
import { parseRole, type Role } from "./roles";

/** What the admin page shows about a user: never password hashes, sessions or tokens. */
export type UserSummary = { id: string; name: string; email: string; role: Role };

/** Every user, oldest first, with only the columns the admin page needs. */
export async function listUsers(): Promise<UserSummary[]> {
  const rows = await db().user.findMany({
    select: { id: true, name: true, email: true, role: true },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return rows.map((r) => ({ ...r, role: parseRole(r.role) }));
}

/** How many accounts exist (0 means first run). */
export async function countUsers(): Promise<number> {
  return db().user.count();
}

/** How many users hold the instructor role. */
export async function countInstructors(): Promise<number> {
  return db().user.count({ where: { role: "instructor" } });
}

/**
 * Makes `userId` the instructor when it is the oldest account and nobody is instructor yet.
 * One UPDATE statement, so two simultaneous first sign-ups cannot both win.
 */
export async function promoteIfFirstUser(userId: string): Promise<boolean> {
  const changed = await db().$executeRaw`
    UPDATE "user" SET "role" = 'instructor'
    WHERE "id" = ${userId}
      AND "id" = (SELECT "id" FROM "user" ORDER BY "createdAt", "id" LIMIT 1)
      AND NOT EXISTS (SELECT 1 FROM "user" WHERE "role" = 'instructor')`;
  return changed === 1;
}

/** How many unexpired sessions (signed-in browsers) one user has. */
export async function countActiveSessions(userId: string): Promise<number> {
  return db().session.count({ where: { userId, expiresAt: { gt: new Date() } } });
}
