"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { isAPIError } from "better-auth/api";
import { can } from "@/lib/auth/policy";
import { firstIssue, ZSetRoleSchema, ZSignUpSettingsSchema } from "@/lib/auth/schemas";
import { auth, getCurrentUser } from "@/lib/auth/session";
import { saveSignUpSettings } from "@/lib/auth/settings";

export type AdminActionResult = { ok: true } | { ok: false; error: string };

/** Changes another user's role (instructors only), through better-auth's admin plugin. */
export async function changeRole(input: unknown): Promise<AdminActionResult> {
  const user = await getCurrentUser();
  const parsed = ZSetRoleSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: firstIssue(parsed.error) };
  if (!user || !can(user, "user:set-role", { ownerId: parsed.data.userId }))
    return { ok: false, error: "Only instructors can change other people's roles." };
  try {
    // The admin plugin checks the role again and our hook keeps at least one instructor.
    await auth().api.setRole({ body: parsed.data, headers: await headers() });
  } catch (error) {
    if (isAPIError(error)) return { ok: false, error: error.message };
    return { ok: false, error: "The role could not be saved. Try again in a moment." };
  }
  revalidatePath("/admin");
  return { ok: true };
}

/** Sets who may sign up (instructors only). */
export async function updateSignUpSettings(input: unknown): Promise<AdminActionResult> {
  const user = await getCurrentUser();
  if (!user || !can(user, "settings:update"))
    return { ok: false, error: "Only instructors can change sign-up settings." };
  const parsed = ZSignUpSettingsSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: firstIssue(parsed.error) };
  try {
    await saveSignUpSettings(parsed.data);
  } catch {
    return { ok: false, error: "The settings could not be saved. Try again in a moment." };
  }
  revalidatePath("/admin");
  return { ok: true };
}
