"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action } from "@/lib/auth/session";
import { getCourse } from "@/lib/content/course";
import { setBookmark } from "@/lib/progress/bookmarks";

const ZBookmarkInputSchema = z.object({
  lessonId: z.string().min(3).max(200),
  bookmarked: z.boolean(),
});

export type BookmarkResult = { ok: true; bookmarked: boolean } | { ok: false; failure: string };

/** Saves or clears the signed-in user's bookmark on a lesson. */
export const toggleBookmark = action(
  { action: "bookmark:write", self: true, input: ZBookmarkInputSchema, signIn: "Sign in to bookmark lessons." },
  async ({ user, input }): Promise<BookmarkResult> => {
    const course = await getCourse();
    if (!course.lessons.has(input.lessonId)) return { ok: false, failure: "That lesson does not exist." };
    try {
      const bookmarked = await setBookmark(user.id, input.lessonId, input.bookmarked);
      revalidatePath("/");
      return { ok: true, bookmarked };
    } catch {
      return { ok: false, failure: "The bookmark could not be saved. Try again in a moment." };
    }
  },
);
