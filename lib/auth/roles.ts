import { z } from "zod";

/** Every role, least privileged first. */
export const ROLES = ["student", "grader", "instructor"] as const;

/** A user's role as the application understands it. */
export type Role = (typeof ROLES)[number];

/** One role; what the admin form and the set-role hook accept. */
export const ZRoleSchema = z.enum(ROLES);

/** Human label for a role. */
export const ROLE_LABEL: Record<Role, string> = { student: "Student", grader: "Grader", instructor: "Instructor" };

/**
 * The role stored on a user row. Anything unknown (null, a typo, better-auth's
 * comma-separated multi-role form) counts as student: failing closed, never upwards.
 */
export function parseRole(raw: string | null | undefined): Role {
  const parsed = ZRoleSchema.safeParse(raw);
  return parsed.success ? parsed.data : "student";
}
