"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getCourse } from "@/lib/content/course";
import { setBookmark } from "@/lib/progress/bookmarks";

const ZBookmarkInputSchema = z.object({
  lessonId: z.string().min(3).max(200),
  bookmarked: z.boolean(),
});

export type BookmarkResult = { ok: true; bookmarked: boolean } | { ok: false; error: string };

/** Saves or clears the bookmark on a lesson. */
export async function toggleBookmark(input: unknown): Promise<BookmarkResult> {
  const parsed = ZBookmarkInputSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: "That request was not a valid bookmark change." };
  // Accounts arrive in a later issue; until then every visitor shares one bookmark list.
  const course = await getCourse();
  if (!course.lessons.has(parsed.data.lessonId)) return { ok: false, error: "That lesson does not exist." };
  try {
    const bookmarked = await setBookmark(parsed.data.lessonId, parsed.data.bookmarked);
    revalidatePath("/");
    return { ok: true, bookmarked };
  } catch {
    return { ok: false, error: "The bookmark could not be saved. Try again in a moment." };
  }
}
