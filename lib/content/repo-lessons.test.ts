import path from "node:path";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { loadCourse } from "./load-course";
import type { Block } from "./markdown";
import { transcriptSteps } from "./transcript";

// Loads the real lessons/ folder: invalid content in the repository fails the suite.
const course = await loadCourse(path.resolve("lessons"));

function codeBlocks(blocks: Block[]): Array<{ lang: string; code: string }> {
  return blocks.flatMap((b) =>
    b.type === "code"
      ? [b]
      : b.type === "callout" || b.type === "quote"
        ? codeBlocks(b.children)
        : b.type === "list"
          ? b.items.flatMap(codeBlocks)
          : [],
  );
}

describe("the repository's lessons", () => {
  it("open with the Monitoring, Logging and Runtime Security module", () => {
    expect(course.modules[0]).toMatchObject({
      id: "runtime-security",
      title: "Monitoring, Logging and Runtime Security",
    });
    expect(course.modules).toHaveLength(6);
  });

  it("name their modules with the ids lab ids are built from (a lab id is module/lesson)", () => {
    expect(course.modules.map((m) => m.id)).toEqual([
      "runtime-security",
      "cluster-setup",
      "cluster-hardening",
      "system-hardening",
      "microservice-vulnerabilities",
      "supply-chain",
    ]);
  });

  it("include the immutability lesson with the sections lab checks link to", () => {
    const lesson = course.lessons.get("runtime-security/immutable-containers");
    expect(lesson?.title).toBe("Ensure Immutability of Containers at Runtime");
    expect(lesson?.document.outline.filter((o) => o.depth === 2).map((o) => o.id)).toEqual([
      "why-immutability-matters",
      "make-the-root-filesystem-read-only",
      "why-nginx-fails",
      "give-write-access-only-where-needed",
      "privileged-undoes-read-only",
      "run-nginx-as-non-root",
      "do-it-on-a-deployment",
      "best-practices",
      "enforce-it-with-policy",
      "detect-what-you-did-not-prevent",
      "recap",
    ]);
  });

  it.each([...course.lessons.values()].map((l) => [l.id, l] as const))(
    "%s: every YAML block is a parseable Kubernetes object",
    (_id, lesson) => {
      const yamlBlocks = codeBlocks(lesson.document.blocks).filter((b) => b.lang === "yaml");
      expect(yamlBlocks.length).toBeGreaterThan(0);
      for (const block of yamlBlocks) {
        for (const doc of parseAllDocuments(block.code)) {
          expect(doc.errors, block.code).toEqual([]);
          const obj = doc.toJS() as Record<string, unknown>;
          expect(obj.apiVersion, block.code).toEqual(expect.any(String));
          expect(obj.kind, block.code).toEqual(expect.any(String));
          expect(obj.metadata, block.code).toEqual(expect.objectContaining({ name: expect.any(String) }));
        }
      }
    },
  );

  it.each([...course.lessons.values()].map((l) => [l.id, l] as const))(
    "%s: every console block parses into commands, and every file a command applies is named by an earlier block",
    (_id, lesson) => {
      const steps = transcriptSteps(lesson.document.blocks);
      const named = new Set<string>();
      for (const step of steps) {
        if (step.kind === "file") named.add(step.name);
        else
          for (const { command } of step.commands)
            for (const [, file] of command.matchAll(/-f\s+(\S+)/g))
              expect(named.has(file!) || file === "-", `${command}: ${file} is not an earlier file= block`).toBe(true);
      }
    },
  );

  it("shows PodSecurityPolicy only as history and the admission policy at its GA version", () => {
    const lesson = course.lessons.get("runtime-security/immutable-containers")!;
    const blocks = lesson.document.blocks;
    const historyAt = blocks.findIndex((b) => b.type === "heading" && b.id === "history-podsecuritypolicy");
    expect(historyAt).toBeGreaterThan(0);
    const before = codeBlocks(blocks.slice(0, historyAt))
      .map((b) => b.code)
      .join("\n");
    expect(before).not.toContain("PodSecurityPolicy");
    expect(before).toContain("apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\n");
    expect(before).toContain("kind: ValidatingAdmissionPolicyBinding");
    expect(before).toContain("readOnlyRootFilesystem == true");
  });
});
