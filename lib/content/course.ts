import path from "node:path";
import { loadCourse, type Course, type Lesson } from "./load-course";

let cached: Promise<Course> | undefined;

/** The repository's course, loaded and validated once per process. */
export function getCourse(): Promise<Course> {
  // A failed load is not cached: fixing the file and reloading the page should work.
  cached ??= loadCourse(path.join(process.cwd(), "lessons")).catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

/** One lesson by `<module>/<lesson>` id, or null. */
export async function findLesson(moduleId: string, slug: string): Promise<Lesson | null> {
  return (await getCourse()).lessons.get(`${moduleId}/${slug}`) ?? null;
}
