import { db } from "@/lib/db/client";
import { ZSignUpModeSchema, type TSignUpSettingsInput } from "./schemas";
import type { SignUpSettings } from "./sign-up-policy";

const ID = "global";

/** Sign-up settings; open with no invite code until an instructor saves something else. */
export async function getSignUpSettings(): Promise<SignUpSettings> {
  const row = await db().setting.findUnique({ where: { id: ID }, select: { signUpMode: true, inviteCode: true } });
  if (!row) return { mode: "open", inviteCode: null };
  // An unknown stored mode fails closed.
  const mode = ZSignUpModeSchema.safeParse(row.signUpMode);
  return { mode: mode.success ? mode.data : "closed", inviteCode: row.inviteCode };
}

/** Stores validated sign-up settings; the invite code is kept only in invite mode. */
export async function saveSignUpSettings(input: TSignUpSettingsInput): Promise<SignUpSettings> {
  const inviteCode = input.mode === "invite" ? input.inviteCode : null;
  await db().setting.upsert({
    where: { id: ID },
    create: { id: ID, signUpMode: input.mode, inviteCode },
    update: { signUpMode: input.mode, inviteCode },
  });
  return { mode: input.mode, inviteCode };
}
