// Prints one "N passed, N failed" line per test runner and a total, from their JSON reports.
import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";

const ZVitestReport = z.object({
  numPassedTests: z.number(),
  numFailedTests: z.number(),
  numPendingTests: z.number(),
  numTodoTests: z.number(),
});
const ZPlaywrightReport = z.object({
  stats: z.object({ expected: z.number(), unexpected: z.number(), flaky: z.number(), skipped: z.number() }),
});

type Counts = { passed: number; failed: number; skipped: number };

function read<T>(file: string, schema: z.ZodType<T>): T | null {
  if (!existsSync(file)) return null;
  const parsed = schema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  return parsed.success ? parsed.data : null;
}

const rows: Array<[string, Counts | null]> = [];
const vitest = read(".test-reports/vitest.json", ZVitestReport);
rows.push([
  "vitest",
  vitest && {
    passed: vitest.numPassedTests,
    failed: vitest.numFailedTests,
    skipped: vitest.numPendingTests + vitest.numTodoTests,
  },
]);
const pw = read(".test-reports/playwright.json", ZPlaywrightReport);
rows.push([
  "playwright",
  pw && { passed: pw.stats.expected, failed: pw.stats.unexpected + pw.stats.flaky, skipped: pw.stats.skipped },
]);

const total: Counts = { passed: 0, failed: 0, skipped: 0 };
for (const [name, counts] of rows) {
  if (!counts) {
    console.log(`${name}: no report (the stage did not run to the end)`);
    total.failed += 1;
    continue;
  }
  console.log(`${name}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  total.passed += counts.passed;
  total.failed += counts.failed;
  total.skipped += counts.skipped;
}
console.log(`total: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
// A runner that failed a test, or never wrote its report, fails the run even if its exit code did not.
if (total.failed > 0) process.exitCode = 1;
