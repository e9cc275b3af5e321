// `npm run labs:check`: validates every lesson and lab file and the links between them,
// printing file:line problems. Fast enough to run on every save.
import path from "node:path";
import { performance } from "node:perf_hooks";
import { checkContent } from "@/lib/content/check-content";
import { runCli } from "./run-cli";

await runCli(async () => {
  const started = performance.now();
  const report = await checkContent(path.resolve(process.argv[2] ?? "lessons"));
  const ms = Math.round(performance.now() - started);
  if (report.problems.length) {
    for (const problem of report.problems) console.error(problem);
    console.error(`${report.problems.length} problem(s) found in ${ms} ms`);
    process.exit(1);
  }
  console.log(`${report.lessons} lesson(s) and ${report.labs} lab(s) are valid (${ms} ms)`);
});
