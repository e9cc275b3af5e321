import { readdirSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkContent } from "./check-content";

// A copy of the real lessons folder, broken on purpose in each test.
function copyOfLessons(): { lessonsDir: string; lab: string; lesson: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), "cks-content-"));
  const lessonsDir = path.join(root, "lessons");
  cpSync(path.resolve("lessons"), lessonsDir, { recursive: true });
  const dir = path.join(lessonsDir, "runtime-security", "immutable-containers");
  return { lessonsDir, lab: path.join(dir, "lab.yaml"), lesson: path.join(dir, "lesson.md") };
}

function edit(file: string, from: string | RegExp, to: string) {
  const text = readFileSync(file, "utf8");
  const next = text.replace(from, to);
  expect(next, `pattern ${from} not found in ${file}`).not.toBe(text);
  writeFileSync(file, next);
}

// Each test loads, parses and highlights every lesson and lab of the course: CPU work that grows with the
// course and took over 5 s (Vitest's default) on a shared two-core machine once it had five lessons.
describe("checkContent", { timeout: 60_000 }, () => {
  it("finds no problems in the repository's content", async () => {
    const report = await checkContent(path.resolve("lessons"));
    expect(report.problems).toEqual([]);
    // Every lesson and lab in the folder was read (other lessons arrive with other changes).
    const count = (name: string) =>
      readdirSync(path.resolve("lessons"), { recursive: true, encoding: "utf8" }).filter(
        (file) => path.basename(file) === name,
      ).length;
    expect(report).toMatchObject({ lessons: count("lesson.md"), labs: count("lab.yaml") });
    expect(report.lessons).toBeGreaterThanOrEqual(2);
  });

  it("points at the check whose lesson anchor is not a heading", async () => {
    const { lessonsDir, lab } = copyOfLessons();
    edit(lab, 'lesson: "#why-nginx-fails"', 'lesson: "#why-nginx-crashes"');
    const lineOfEdit =
      readFileSync(lab, "utf8")
        .split("\n")
        .findIndex((l) => l.includes("#why-nginx-crashes")) + 1;
    const report = await checkContent(lessonsDir);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatch(
      new RegExp(
        `^lessons/runtime-security/immutable-containers/lab\\.yaml:${lineOfEdit}: field "tasks\\.\\d+\\.checks\\.\\d+\\.lesson": "#why-nginx-crashes" is not a heading of lessons/runtime-security/immutable-containers/lesson\\.md$`,
      ),
    );
  });

  it("reports a broken lesson and a broken lab in one pass", async () => {
    const { lessonsDir, lab, lesson } = copyOfLessons();
    edit(lesson, /^minutes: \d+$/m, "minutes: soon");
    edit(lab, /^(\s+)points: 2$/m, "$1points: two");
    const report = await checkContent(lessonsDir);
    expect(report.problems).toEqual([
      expect.stringMatching(
        /^lessons\/runtime-security\/immutable-containers\/lesson\.md:6: field "minutes": expected number/,
      ),
      expect.stringMatching(
        /immutable-containers\/lab\.yaml:\d+: field "tasks\[0\]\.checks\[\d+\]\.points": .*expected number/,
      ),
    ]);
  });
});
