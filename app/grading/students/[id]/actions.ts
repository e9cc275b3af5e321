"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { can } from "@/lib/auth/policy";
import { getCurrentUser } from "@/lib/auth/session";
import { overrideGrade } from "@/lib/gradebook/override-grade";

/** The manual grade form; one schema for the form and the server. */
const ZOverrideSchema = z.object({
  studentId: z.string().min(1).max(100),
  labId: z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/),
  score: z.coerce.number().int("The score must be a whole number.").min(0, "The score cannot be negative."),
  comment: z
    .string()
    .trim()
    .min(3, "Say why, in a few words: the reason is kept with the grade.")
    .max(500, "Keep the comment under 500 characters."),
});

export type OverrideState = { ok: boolean; message: string } | null;

/** Saves a grader's manual grade for one student's lab. */
export async function overrideLabGrade(_previous: OverrideState, form: FormData): Promise<OverrideState> {
  const parsed = ZOverrideSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) return { ok: false, message: parsed.error.issues[0]?.message ?? "Check the form." };
  const user = await getCurrentUser();
  if (!user || !can(user, "grade:override", { ownerId: parsed.data.studentId }))
    return { ok: false, message: "Your role does not allow grading this student." };
  const result = await overrideGrade({ graderId: user.id, ...parsed.data });
  if (!result.ok) return { ok: false, message: result.error };
  revalidatePath(`/grading/students/${parsed.data.studentId}`);
  revalidatePath("/grading");
  return { ok: true, message: `Saved: ${result.previousScore} → ${result.score}.` };
}
