"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { can } from "@/lib/auth/policy";
import { getCurrentUser } from "@/lib/auth/session";
import { getCourse } from "@/lib/content/course";
import { setBookmark } from "@/lib/progress/bookmarks";

const ZBookmarkInputSchema = z.object({
  lessonId: z.string().min(3).max(200),
  bookmarked: z.boolean(),
});

export type BookmarkResult = { ok: true; bookmarked: boolean } | { ok: false; error: string };

/** Saves or clears the signed-in user's bookmark on a lesson. */
export async function toggleBookmark(input: unknown): Promise<BookmarkResult> {
  const parsed = ZBookmarkInputSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: "That request was not a valid bookmark change." };
  const user = await getCurrentUser();
  if (!user || !can(user, "bookmark:write", { ownerId: user.id })) return { ok: false, error: "Sign in to bookmark lessons." };
  const course = await getCourse();
  if (!course.lessons.has(parsed.data.lessonId)) return { ok: false, error: "That lesson does not exist." };
  try {
    const bookmarked = await setBookmark(user.id, parsed.data.lessonId, parsed.data.bookmarked);
    revalidatePath("/");
    return { ok: true, bookmarked };
  } catch {
    return { ok: false, error: "The bookmark could not be saved. Try again in a moment." };
  }
}
