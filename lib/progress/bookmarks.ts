import { db } from "@/lib/db/client";

/** Ids of the lessons one user bookmarked, oldest first. */
export async function listBookmarkedLessonIds(userId: string): Promise<string[]> {
  const rows = await db().bookmark.findMany({
    where: { userId },
    select: { lessonId: true },
    orderBy: { createdAt: "asc" },
  });
  return rows.map((r) => r.lessonId);
}

/** Whether one user bookmarked one lesson. */
export async function isBookmarked(userId: string, lessonId: string): Promise<boolean> {
  return (await db().bookmark.count({ where: { userId, lessonId } })) > 0;
}

/** Adds or removes one user's bookmark on a lesson; idempotent both ways. Returns the stored state. */
export async function setBookmark(userId: string, lessonId: string, bookmarked: boolean): Promise<boolean> {
  if (bookmarked) {
    await db().bookmark.upsert({
      where: { userId_lessonId: { userId, lessonId } },
      create: { userId, lessonId },
      update: {},
    });
  } else {
    await db().bookmark.deleteMany({ where: { userId, lessonId } });
  }
  return bookmarked;
}
