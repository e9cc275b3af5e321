// Runs before `next build` / `next start` and before the browser tests: everything that
// must be true for the app to serve, checked once with one readable line per failure.
// It also creates the sign-in secret on first run, so a fresh clone needs no configuration.
import path from "node:path";
import { resolveBaseUrl } from "@/lib/auth/base-url";
import { ensureAuthSecret } from "@/lib/auth/ensure-secret";
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
  // Only where the secret came from is printed, never the secret.
  const secret = ensureAuthSecret();
  console.log(`accounts: served at ${resolveBaseUrl()}`);
  console.log(`sign-in secret: ${secret === "env" ? "from BETTER_AUTH_SECRET" : secret === "created" ? "created data/auth-secret" : "data/auth-secret"}`);
});
