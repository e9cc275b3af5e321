// Input schemas shared by the forms (components/auth/) and the server (better-auth hooks,
// server actions): one definition, so the browser and the server reject the same things.
import { z } from "zod";
import { ZRoleSchema } from "./roles";

// These schemas run in the browser too, under a CSP without 'unsafe-eval': zod's compiled fast path
// first probes `new Function("")`, which the browser reports as a violation. Parse without it.
z.config({ jitless: true });

const email = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: "Enter a valid email address." }))
  .pipe(z.string().max(254, { error: "That email address is too long." }));

/** Sign-in form and `POST /api/auth/sign-in/email`. */
export const ZSignInSchema = z.object({
  email,
  password: z
    .string()
    .min(1, { error: "Enter your password." })
    .max(128, { error: "Passwords are at most 128 characters." }),
});
export type TSignIn = z.infer<typeof ZSignInSchema>;

/** Invite codes: what an instructor may set and a student must type. */
export const ZInviteCodeSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9-]{8,64}$/, { error: "Invite codes are 8 to 64 letters, digits or dashes." });

/** Sign-up and first-run set-up forms and `POST /api/auth/sign-up/email`. */
export const ZSignUpSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, { error: "Enter your name." })
    .max(100, { error: "Names are at most 100 characters." }),
  email,
  // The same length rule as lib/auth/password-rules.ts; the server also refuses common passwords.
  password: z
    .string()
    .min(12, { error: "Use at least 12 characters for your password." })
    .max(128, { error: "Passwords are at most 128 characters." }),
  inviteCode: z.string().trim().max(64).optional(),
  /** First run only: the one-time code the server printed (lib/auth/setup-code.ts). */
  setupCode: z.string().trim().max(64).optional(),
});
export type TSignUp = z.infer<typeof ZSignUpSchema>;

/** The admin page's role change. */
export const ZSetRoleSchema = z.object({ userId: z.string().min(1).max(100), role: ZRoleSchema });
export type TSetRole = z.infer<typeof ZSetRoleSchema>;

/** Sign-up modes: anyone, nobody, or whoever has the invite code. */
export const SIGN_UP_MODES = ["open", "closed", "invite"] as const;
export const ZSignUpModeSchema = z.enum(SIGN_UP_MODES);
export type TSignUpMode = z.infer<typeof ZSignUpModeSchema>;

/** The admin page's sign-up settings; an invite code is required exactly when the mode needs one. */
export const ZSignUpSettingsSchema = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("open"), inviteCode: z.string().optional() }),
  z.object({ mode: z.literal("closed"), inviteCode: z.string().optional() }),
  z.object({ mode: z.literal("invite"), inviteCode: ZInviteCodeSchema }),
]);
export type TSignUpSettingsInput = z.infer<typeof ZSignUpSettingsSchema>;

/** The first problem in a failed parse, as one sentence for a form. */
export function firstIssue(error: z.ZodError): string {
  return error.issues[0]?.message ?? "Check the form and try again.";
}
