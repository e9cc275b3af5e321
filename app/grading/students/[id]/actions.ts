"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { formAction } from "@/lib/auth/session";
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
export const overrideLabGrade = formAction(
  {
    action: "grade:override",
    input: ZOverrideSchema,
    owner: (input) => input.studentId,
    forbidden: "Your role does not allow grading this student.",
    refuse: (message): OverrideState => ({ ok: false, message }),
  },
  async ({ user, input }): Promise<OverrideState> => {
    const result = await overrideGrade({ graderId: user.id, ...input });
    if (!result.ok) return { ok: false, message: result.failure };
    revalidatePath(`/grading/students/${input.studentId}`);
    revalidatePath("/grading");
    return { ok: true, message: `Saved: ${result.previousScore} → ${result.score}.` };
  },
);
