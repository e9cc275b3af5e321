// Runs before `next build` / `next start` and before the browser tests: everything that
// must be true for the app to serve, checked once with one readable line per failure.
import path from "node:path";
import { prepareDatabase } from "@/lib/db/prepare-database";
import { loadAllLabs } from "@/grader";
import { loadCourse } from "@/lib/content/load-course";
import { runCli } from "./run-cli";

await runCli(async () => {
  const course = await loadCourse(path.resolve("lessons"));
  const labs = await loadAllLabs(path.resolve("lessons"));
  console.log(`content: ${course.lessons.size} lesson(s) in ${course.modules.length} modules and ${labs.length} lab(s) are valid`);
  const db = await prepareDatabase();
  console.log(`database: ${path.relative(process.cwd(), db.file) || db.file} ${db.applied.length ? `migrated (${db.applied.join(", ")})` : "up to date"}`);
});
