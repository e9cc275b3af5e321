import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import { loadCourse } from "@/lib/content/load-course";
import { normaliseOutput, transcriptSteps } from "@/lib/content/transcript";
import { replayTranscript } from "./transcript-runner";

// Every console block of every lesson, replayed in order with the pinned kubectl 1.35 against the
// test cluster (or kind with CKS_TEST_KUBECONFIG): what a lesson shows is what a learner gets.
// Blocks marked `abridged` are skipped; see docs/authoring.md, "Console blocks are tested".
const kubeconfigPath = inject("kubeconfigPath");
const course = await loadCourse(path.resolve("lessons"), path.resolve("."), { highlight: false });
const lessons = [...course.lessons.values()]
  .map((lesson) => ({ lesson, steps: transcriptSteps(lesson.document.blocks) }))
  .filter(({ steps }) => steps.some((step) => step.kind === "console"));

/** Lines before the markdown body (the frontmatter), to turn body lines into file lines. */
function bodyOffset(file: string): number {
  const text = readFileSync(path.resolve(file), "utf8");
  const match = /^---\n[\s\S]*?\n---\n?/.exec(text);
  return match ? match[0].split("\n").length - 1 : 0;
}

describe("lesson console blocks replay on the cluster", () => {
  it("finds lessons with console blocks to replay", () => {
    expect(lessons.map(({ lesson }) => lesson.id)).toContain("runtime-security/immutable-containers");
  });

  it.each(lessons.map(({ lesson, steps }) => [lesson.id, lesson.file, steps] as const))(
    "%s",
    async (_id, file, steps) => {
      const result = await replayTranscript(steps, { kubeconfigPath });
      const mismatch = result.mismatch;
      const where = mismatch ? `${file}:${bodyOffset(file) + mismatch.line}: $ ${mismatch.command}` : "";
      // On a mismatch the diff shows the lesson's lines against the cluster's, both normalised.
      expect(mismatch && { where, output: mismatch.actual }).toEqual(
        mismatch && { where, output: normaliseOutput(mismatch.expected.join("\n")) },
      );
      expect(result.commandsRun).toBe(
        steps.reduce((sum, step) => sum + (step.kind === "console" ? step.commands.length : 0), 0),
      );
    },
    600_000,
  );
});
