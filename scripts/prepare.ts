// Runs before `next build` / `next start` and before the browser tests: everything that
// must be true for the app to serve, checked once with one readable line per failure.
// It also creates the sign-in secret and the connection key on first run, so a fresh clone needs no configuration.
import path from "node:path";
import { resolveBaseUrl } from "@/lib/auth/base-url";
import { ensureAuthSecret } from "@/lib/auth/ensure-secret";
import { interruptRunningAttempts } from "@/lib/attempts/record-attempt";
import { ensureConnectionKey } from "@/lib/connections/ensure-connection-key";
import { checkContent } from "@/lib/content/check-content";
import { prepareDatabase } from "@/lib/db/prepare-database";
import { runCli } from "./run-cli";

await runCli(async () => {
  const content = await checkContent(path.resolve("lessons"));
  if (content.problems.length) {
    for (const problem of content.problems) console.error(problem);
    throw new Error(
      `${content.problems.length} problem(s) in lessons/; fix them (npm run labs:check lists them again)`,
    );
  }
  console.log(`content: ${content.lessons} lesson(s) and ${content.labs} lab(s) are valid`);
  const db = await prepareDatabase();
  console.log(
    `database: ${path.relative(process.cwd(), db.file) || db.file} ${db.applied.length ? `migrated (${db.applied.join(", ")})` : "up to date"}`,
  );
  // No grading run survives a restart: attempts still marked running were interrupted, not lost.
  const interrupted = await interruptRunningAttempts();
  if (interrupted) console.log(`attempts: ${interrupted} interrupted by the restart`);
  // Only where the secret came from is printed, never the secret.
  const secret = ensureAuthSecret();
  console.log(`accounts: served at ${resolveBaseUrl()}`);
  console.log(
    `sign-in secret: ${secret === "env" ? "from BETTER_AUTH_SECRET" : secret === "created" ? "created data/auth-secret" : "data/auth-secret"}`,
  );
  // Seals learners' saved kubeconfigs; like the secret, only its source is printed.
  const key = ensureConnectionKey();
  console.log(
    `connection key: ${key === "env" ? "from CKS_CONNECTION_KEY" : key === "created" ? "created data/connection-key" : "data/connection-key"}`,
  );
});
