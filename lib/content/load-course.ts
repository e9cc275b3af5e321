import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { AppError } from "@/lib/errors/app-error";
import type { LessonDocument } from "./markdown";
import { renderMarkdown } from "./render-markdown";
import { ZCourseSchema, ZLessonFrontmatterSchema, type TCourse, type TLessonFrontmatter } from "./schemas";
import { parseYamlSource, validateYaml } from "./yaml-source";

export type CourseModule = TCourse["modules"][number];

/** A validated lesson with its rendered document. */
export interface Lesson extends TLessonFrontmatter {
  /** `<module>/<lesson>`, also the URL path under /lessons. */
  id: string;
  moduleId: string;
  slug: string;
  /** Path relative to the repository root, for error messages and authoring tools. */
  file: string;
  document: LessonDocument;
}

export type LessonSummary = Omit<Lesson, "document">;

export interface Course {
  title: string;
  modules: Array<CourseModule & { lessons: LessonSummary[] }>;
  lessons: Map<string, Lesson>;
}

/**
 * Loads lessons/course.yaml and every lessons/<module>/<lesson>/lesson.md, validating all of it.
 * Fails with an AppError naming the file, line and field of the first problem.
 */
export async function loadCourse(
  lessonsDir: string,
  displayRoot: string = path.dirname(lessonsDir),
  options: { highlight?: boolean } = {},
): Promise<Course> {
  const rel = (p: string) => path.relative(displayRoot, p) || p;
  const courseFile = path.join(lessonsDir, "course.yaml");
  if (!existsSync(courseFile))
    throw new AppError("CONTENT_INVALID", `${rel(courseFile)}: file missing; it lists the course modules.`);
  const course = validateYaml(parseYamlSource(readFileSync(courseFile, "utf8"), rel(courseFile)), ZCourseSchema);
  const moduleIds = course.modules.map((m) => m.id);
  const duplicate = moduleIds.find((id, i) => moduleIds.indexOf(id) !== i);
  if (duplicate) throw new AppError("CONTENT_INVALID", `${rel(courseFile)}: module id "${duplicate}" appears twice.`);

  const lessons = new Map<string, Lesson>();
  for (const moduleDir of subdirectories(lessonsDir)) {
    if (!moduleIds.includes(moduleDir)) {
      throw new AppError(
        "CONTENT_INVALID",
        `${rel(path.join(lessonsDir, moduleDir))}: unknown module "${moduleDir}"; course.yaml lists ${moduleIds.join(", ")}.`,
      );
    }
    for (const lessonDir of subdirectories(path.join(lessonsDir, moduleDir))) {
      const lesson = await loadLesson(path.join(lessonsDir, moduleDir, lessonDir), moduleDir, lessonDir, rel, options);
      lessons.set(lesson.id, lesson);
    }
  }

  const modules = course.modules.map((module) => {
    const inModule = [...lessons.values()].filter((l) => l.moduleId === module.id).sort((a, b) => a.order - b.order);
    const clash = inModule.find((l, i) => i > 0 && inModule[i - 1]!.order === l.order);
    if (clash)
      throw new AppError(
        "CONTENT_INVALID",
        `${clash.file}: field "order": ${clash.order} is already used by another lesson in ${module.id}.`,
      );
    return { ...module, lessons: inModule.map(({ document: _document, ...summary }) => summary) };
  });
  return { title: course.title, modules, lessons };
}

async function loadLesson(
  dir: string,
  moduleId: string,
  slug: string,
  rel: (p: string) => string,
  options: { highlight?: boolean },
): Promise<Lesson> {
  const file = path.join(dir, "lesson.md");
  const shown = rel(file);
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug)) {
    throw new AppError("CONTENT_INVALID", `${rel(dir)}: lesson folder "${slug}" must be a lower-case id with dashes.`);
  }
  if (!existsSync(file))
    throw new AppError("CONTENT_INVALID", `${shown}: file missing; every lesson folder needs a lesson.md.`);
  const text = readFileSync(file, "utf8").replace(/\r\n/g, "\n");
  const match = /^---\n([\s\S]*?)\n---\n?/.exec(text);
  if (!match)
    throw new AppError(
      "CONTENT_INVALID",
      `${shown}:1: frontmatter missing; start the file with a --- YAML block (title, summary, order, domain, minutes).`,
    );
  const source = parseYamlSource(match[1]!, shown, 2);
  const meta = validateYaml(source, ZLessonFrontmatterSchema);
  if (meta.domain !== moduleId) {
    throw new AppError(
      "CONTENT_INVALID",
      `${shown}:${source.lineOf(["domain"]) ?? 1}: field "domain": expected "${moduleId}" (the module folder), found "${meta.domain}".`,
    );
  }
  const document = await renderMarkdown(text.slice(match[0].length), options);
  const [problem] = document.problems;
  if (problem) {
    const bodyStart = match[0].split("\n").length - 1;
    throw new AppError("CONTENT_INVALID", `${shown}:${bodyStart + problem.line}: ${problem.message}.`);
  }
  return { ...meta, id: `${moduleId}/${slug}`, moduleId, slug, file: shown, document };
}

function subdirectories(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => !name.startsWith(".") && statSync(path.join(dir, name)).isDirectory())
    .sort();
}
