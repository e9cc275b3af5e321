import { readFileSync } from "node:fs";
import path from "node:path";
import { findLabFiles, loadLab, type Lab } from "@/grader";
import { isAppError } from "@/lib/errors/app-error";
import { loadCourse, type Course } from "./load-course";
import type { Block } from "./markdown";
import { parseYamlSource } from "./yaml-source";

/** Every problem in the course content, each as `file:line: ...`, plus what was valid. */
export interface ContentReport {
  lessons: number;
  labs: number;
  problems: string[];
}

/** Anchors the lesson page adds itself, outside the lesson's markdown. */
const PAGE_ANCHORS = new Set(["practice-lab"]);

/**
 * Validates lessons/course.yaml, every lesson.md and every lab.yaml, and the links between them
 * (each check's lesson anchor must be a heading of the lesson beside it). Collects all problems
 * instead of stopping at the first, so an author fixes a file in one pass.
 */
export async function checkContent(
  lessonsDir: string,
  displayRoot: string = path.dirname(lessonsDir),
): Promise<ContentReport> {
  const problems: string[] = [];
  let course: Course | null = null;
  try {
    course = await loadCourse(lessonsDir, displayRoot, { highlight: false });
  } catch (error) {
    if (!isAppError(error)) throw error;
    problems.push(error.message);
  }

  const labs: Lab[] = [];
  for (const file of await findLabFiles(lessonsDir)) {
    try {
      labs.push(await loadLab(file));
    } catch (error) {
      if (!isAppError(error)) throw error;
      problems.push(
        ...(error.issues.length
          ? error.issues.map((i) => `${i.file}:${i.line}: ${i.field ? `field "${i.field}": ` : ""}${i.message}`)
          : [error.message]),
      );
    }
  }

  if (course) {
    for (const lab of labs) problems.push(...anchorProblems(lab, course, displayRoot));
  }
  return { lessons: course?.lessons.size ?? 0, labs: labs.length, problems };
}

function anchorProblems(lab: Lab, course: Course, displayRoot: string): string[] {
  const shown = path.relative(displayRoot, lab.file);
  const lesson = course.lessons.get(lab.id);
  if (!lesson) return [`${shown}: no lesson.md beside this lab; every lab belongs to a lesson.`];
  const ids = new Set([...headingIds(lesson.document.blocks), ...PAGE_ANCHORS]);
  const source = parseYamlSource(readFileSync(lab.file, "utf8"), shown);
  const out: string[] = [];
  lab.tasks.forEach((task, t) =>
    task.checks.forEach((check, c) => {
      const anchor = check.lesson.slice(1);
      if (ids.has(anchor)) return;
      const where = ["tasks", t, "checks", c, "lesson"];
      out.push(
        `${shown}:${source.lineOf(where) ?? 1}: field "${where.join(".")}": "${check.lesson}" is not a heading of ${lesson.file}`,
      );
    }),
  );
  return out;
}

function headingIds(blocks: Block[]): string[] {
  return blocks.flatMap((b) =>
    b.type === "heading" ? [b.id] : b.type === "callout" || b.type === "quote" ? headingIds(b.children) : [],
  );
}
