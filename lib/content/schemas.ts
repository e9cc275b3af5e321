import { z } from "zod";

const ZId = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "expected a lower-case id with dashes, e.g. runtime-security");

/** lessons/course.yaml: the CKS domains as ordered modules. */
export const ZCourseSchema = z.strictObject({
  title: z.string().min(1),
  modules: z
    .array(
      z.strictObject({
        id: ZId,
        title: z.string().min(1),
        weight: z.number().int().min(0).max(100),
        summary: z.string().min(1),
      }),
    )
    .min(1),
});
export type TCourse = z.infer<typeof ZCourseSchema>;

/** The YAML frontmatter at the top of every lesson.md. */
export const ZLessonFrontmatterSchema = z.strictObject({
  title: z.string().min(3).max(120),
  summary: z.string().min(10).max(200),
  order: z.number().int().min(1),
  domain: ZId,
  minutes: z.number().int().min(1).max(240),
});
export type TLessonFrontmatter = z.infer<typeof ZLessonFrontmatterSchema>;
