import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadCourse } from "./load-course";

const COURSE = `title: Test course
modules:
  - id: runtime-security
    title: Monitoring, Logging and Runtime Security
    weight: 20
    summary: Runtime things.
`;

const GOOD_FRONTMATTER = `title: Read-only containers
summary: Keep containers immutable at runtime.
order: 1
domain: runtime-security
minutes: 20`;

function fixture(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "cks-lessons-"));
  const lessonsDir = path.join(root, "lessons");
  for (const [name, text] of Object.entries({ "course.yaml": COURSE, ...files })) {
    mkdirSync(path.dirname(path.join(lessonsDir, name)), { recursive: true });
    writeFileSync(path.join(lessonsDir, name), text);
  }
  return lessonsDir;
}

const lesson = (frontmatter: string, body = "## First section\n\nHello.\n") => `---\n${frontmatter}\n---\n${body}`;

describe("loadCourse", () => {
  it("loads a valid lesson with its outline, call-outs, table and highlighted YAML", async () => {
    const body = [
      "## Make it read-only",
      "",
      "```yaml",
      "apiVersion: v1",
      "kind: Pod",
      "```",
      "",
      "> [!WARNING]",
      "> Privileged pods can change the host.",
      "",
      "### Details",
      "",
      "| Practice | Why |",
      "| --- | --- |",
      "| Read-only root | No drift |",
      "",
    ].join("\n");
    const dir = fixture({ "runtime-security/read-only/lesson.md": lesson(GOOD_FRONTMATTER, body) });
    const course = await loadCourse(dir);
    expect(course.modules[0]!.lessons.map((l) => l.id)).toEqual(["runtime-security/read-only"]);
    const doc = course.lessons.get("runtime-security/read-only")!.document;
    expect(doc.outline).toEqual([
      { id: "make-it-read-only", text: "Make it read-only", depth: 2 },
      { id: "details", text: "Details", depth: 3 },
    ]);
    const code = doc.blocks.find((b) => b.type === "code");
    expect(code).toMatchObject({ type: "code", lang: "yaml", code: "apiVersion: v1\nkind: Pod" });
    expect(code?.type === "code" && code.html).toContain("shiki");
    expect(doc.blocks.find((b) => b.type === "callout")).toMatchObject({ kind: "warning" });
    expect(doc.blocks.find((b) => b.type === "table")).toMatchObject({
      type: "table",
      rows: [[[{ value: "Read-only root" }], [{ value: "No drift" }]]],
    });
  });

  it("names the file, line and field when a required field is missing", async () => {
    const dir = fixture({
      "runtime-security/read-only/lesson.md": lesson(GOOD_FRONTMATTER.replace(/^summary:.*\n/m, "")),
    });
    await expect(loadCourse(dir)).rejects.toThrow(
      /^lessons\/runtime-security\/read-only\/lesson\.md:2: field "summary": .*\(missing\)$/,
    );
  });

  it("names the file, line and field when a field has the wrong type", async () => {
    const dir = fixture({
      "runtime-security/read-only/lesson.md": lesson(GOOD_FRONTMATTER.replace("order: 1", "order: first")),
    });
    await expect(loadCourse(dir)).rejects.toThrow(
      'lessons/runtime-security/read-only/lesson.md:4: field "order": expected number, received string (found "first")',
    );
  });

  it("rejects an unknown code block option with the file line of its fence", async () => {
    const body = "## First\n\nText.\n\n```console eventualy\n$ kubectl get pods\n```\n";
    const dir = fixture({ "runtime-security/read-only/lesson.md": lesson(GOOD_FRONTMATTER, body) });
    await expect(loadCourse(dir)).rejects.toThrow(
      'lessons/runtime-security/read-only/lesson.md:12: code block option "eventualy" is unknown (expected file=NAME, abridged, eventually or not-replayed="reason").',
    );
  });

  it("rejects a lesson in a folder that is not a module of the course", async () => {
    const dir = fixture({ "kernel-magic/read-only/lesson.md": lesson(GOOD_FRONTMATTER) });
    await expect(loadCourse(dir)).rejects.toThrow(
      'lessons/kernel-magic: unknown module "kernel-magic"; course.yaml lists runtime-security.',
    );
  });

  it("rejects a lesson whose domain disagrees with its module folder", async () => {
    const dir = fixture({
      "runtime-security/read-only/lesson.md": lesson(
        GOOD_FRONTMATTER.replace("domain: runtime-security", "domain: supply-chain"),
      ),
    });
    await expect(loadCourse(dir)).rejects.toThrow(
      'read-only/lesson.md:5: field "domain": expected "runtime-security" (the module folder), found "supply-chain"',
    );
  });

  it("rejects unknown frontmatter keys and broken YAML with a line number", async () => {
    const extra = fixture({ "runtime-security/read-only/lesson.md": lesson(`${GOOD_FRONTMATTER}\nauthor: me`) });
    await expect(loadCourse(extra)).rejects.toThrow(/lesson\.md:7: field "author": unknown field/);
    const broken = fixture({
      "runtime-security/read-only/lesson.md": lesson(GOOD_FRONTMATTER.replace("minutes: 20", "minutes: [20")),
    });
    await expect(loadCourse(broken)).rejects.toThrow(/lesson\.md:\d+: invalid YAML/);
  });

  it("rejects two lessons with the same order in one module", async () => {
    const dir = fixture({
      "runtime-security/a/lesson.md": lesson(GOOD_FRONTMATTER),
      "runtime-security/b/lesson.md": lesson(GOOD_FRONTMATTER),
    });
    await expect(loadCourse(dir)).rejects.toThrow(
      /lessons\/runtime-security\/b\/lesson\.md: field "order": 1 is already used/,
    );
  });

  it("drops raw HTML and script links instead of passing them to the page", async () => {
    const body = "## Safe\n\n<script>alert(1)</script>\n\n[click](javascript:alert(1)) [away](//evil.example/x)\n";
    const dir = fixture({ "runtime-security/read-only/lesson.md": lesson(GOOD_FRONTMATTER, body) });
    const doc = (await loadCourse(dir)).lessons.get("runtime-security/read-only")!.document;
    expect(JSON.stringify(doc)).not.toContain("<script>");
    expect(doc.blocks[1]).toMatchObject({
      type: "paragraph",
      children: [{ type: "link", href: "#" }, { type: "text" }, { type: "link", href: "#" }],
    });
  });
});
