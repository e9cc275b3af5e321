import { db } from "@/lib/db/client";

/** Ids of every bookmarked lesson. */
export async function listBookmarkedLessonIds(): Promise<string[]> {
  const rows = await db().bookmark.findMany({ select: { lessonId: true }, orderBy: { createdAt: "asc" } });
  return rows.map((r) => r.lessonId);
}

/** Whether one lesson is bookmarked. */
export async function isBookmarked(lessonId: string): Promise<boolean> {
  return (await db().bookmark.count({ where: { lessonId } })) > 0;
}

/** Adds or removes a lesson bookmark; idempotent both ways. Returns the stored state. */
export async function setBookmark(lessonId: string, bookmarked: boolean): Promise<boolean> {
  if (bookmarked) {
    await db().bookmark.upsert({ where: { lessonId }, create: { lessonId }, update: {} });
  } else {
    await db().bookmark.deleteMany({ where: { lessonId } });
  }
  return bookmarked;
}
