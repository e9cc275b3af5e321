"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { isAPIError } from "better-auth/api";
import { ZSetRoleSchema, ZSignUpSettingsSchema } from "@/lib/auth/schemas";
import { action, auth } from "@/lib/auth/session";
import { saveSignUpSettings } from "@/lib/auth/settings";

export type AdminActionResult = { ok: true } | { ok: false; failure: string };

/** Changes another user's role (instructors only), through better-auth's admin plugin. */
export const changeRole = action(
  {
    action: "user:set-role",
    input: ZSetRoleSchema,
    owner: (input) => input.userId,
    forbidden: "Only instructors can change other people's roles.",
  },
  async ({ input }): Promise<AdminActionResult> => {
    try {
      // The admin plugin checks the role again and our hook keeps at least one instructor.
      await auth().api.setRole({ body: input, headers: await headers() });
    } catch (error) {
      if (isAPIError(error)) return { ok: false, failure: error.message };
      return { ok: false, failure: "The role could not be saved. Try again in a moment." };
    }
    revalidatePath("/admin");
    return { ok: true };
  },
);

/** Sets who may sign up (instructors only). */
export const updateSignUpSettings = action(
  {
    action: "settings:update",
    input: ZSignUpSettingsSchema,
    forbidden: "Only instructors can change sign-up settings.",
  },
  async ({ input }): Promise<AdminActionResult> => {
    try {
      await saveSignUpSettings(input);
    } catch {
      return { ok: false, failure: "The settings could not be saved. Try again in a moment." };
    }
    revalidatePath("/admin");
    return { ok: true };
  },
);
