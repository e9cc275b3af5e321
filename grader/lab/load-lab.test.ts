import { mkdtemp, mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { slugify } from "@/lib/content/slug";
import { AppError } from "@/lib/errors/app-error";
import { findLab, loadAllLabs, loadLab, parseLab } from "./load-lab";

const VALID = `title: Demo
namespace: demo
tasks:
  - id: one
    title: First
    points: 2
    instructions: Create the pod.
    checks:
      - id: pod-exists
        type: podCondition
        title: Pod runs
        points: 2
        pod: web
        container: web
        expect:
          phase: [Running]
        failureMessage: "Expected Running; found {observed}."
        hint: Create it.
        lesson: "#best-practices"
solution:
  manifests:
    - apiVersion: v1
      kind: Pod
      metadata:
        name: web
mutants: []
alternatives:
  - id: named-container
    description: The container has another name.
    manifests:
      - {apiVersion: v1, kind: Pod, metadata: {name: web}, spec: {containers: [{name: app, image: nginx}]}}
  - id: labelled
    description: The pod carries a label.
    manifests:
      - {apiVersion: v1, kind: Pod, metadata: {name: web, labels: {app: web}}}
`;

function issuesOf(text: string, file = "/repo/lessons/m/l/lab.yaml"): AppError {
  try {
    parseLab(text, file);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected parseLab to throw");
}

describe("parseLab", () => {
  it("accepts a valid lab and derives id and content version from the file", () => {
    const lab = parseLab(VALID, "/repo/lessons/mod/lesson/lab.yaml");
    expect(lab.id).toBe("mod/lesson");
    expect(lab.contentVersion).toBe(createHash("sha256").update(VALID).digest("hex"));
    expect(lab.tasks[0]?.checks[0]?.type).toBe("podCondition");
    expect(lab.solution.namespaceLabels).toEqual({});
  });

  it("reports a missing field with the line of its parent and the field path", () => {
    const error = issuesOf(VALID.replace("        hint: Create it.\n", ""));
    expect(error.code).toBe("LAB_INVALID");
    expect(error.issues).toEqual([
      expect.objectContaining({ line: 9, field: "tasks[0].checks[0].hint", file: expect.stringContaining("lab.yaml") }),
    ]);
    expect(error.message).toMatch(/lab\.yaml:9:\d+ tasks\[0\]\.checks\[0\]\.hint/);
  });

  it("reports a wrong value at its own line", () => {
    const error = issuesOf(
      VALID.replace("        points: 2\n        pod: web", "        points: two\n        pod: web"),
    );
    expect(error.issues.map((i) => [i.line, i.field])).toContainEqual([12, "tasks[0].checks[0].points"]);
  });

  it("rejects a failure message of 200 characters or more", () => {
    const error = issuesOf(VALID.replace("Expected Running; found {observed}.", "x".repeat(200)));
    expect(error.issues[0]).toMatchObject({ line: 17, field: "tasks[0].checks[0].failureMessage" });
  });

  it("rejects unknown keys (typos) instead of ignoring them", () => {
    const error = issuesOf(VALID.replace("        hint: Create it.", "        hint: Create it.\n        hnit: typo"));
    expect(error.issues[0]?.field).toBe("tasks[0].checks[0]");
    expect(error.issues[0]?.message).toMatch(/hnit/);
  });

  it("rejects task points that differ from the sum of the checks", () => {
    const error = issuesOf(VALID.replace("    points: 2\n    instructions", "    points: 3\n    instructions"));
    expect(error.issues[0]).toMatchObject({ line: 6, field: "tasks[0].points" });
  });

  it("rejects a mutant that names an unknown check", () => {
    const text = VALID.replace(
      "mutants: []",
      "mutants:\n  - id: bad\n    description: d\n    manifests:\n      - {apiVersion: v1, kind: Pod, metadata: {name: web}}\n    mustFail: [nope]",
    );
    const error = issuesOf(text);
    expect(error.issues[0]).toMatchObject({
      line: 31,
      field: "mutants[0].mustFail[0]",
      message: 'unknown check id "nope"',
    });
  });

  it("rejects an invalid regular expression and an exec check with a shell string", () => {
    const text = VALID.replace(
      "        type: podCondition",
      '        type: logs\n        pattern: "(unclosed"',
    ).replace("        expect:\n          phase: [Running]\n", "");
    expect(issuesOf(text).issues[0]).toMatchObject({
      field: "tasks[0].checks[0].pattern",
      message: "must be a valid regular expression",
    });
  });

  it("reports YAML syntax errors with their line", () => {
    const error = issuesOf(VALID.replace("title: Demo", "title: [Demo"));
    expect(error.code).toBe("LAB_INVALID");
    expect(error.issues[0]?.line).toBeGreaterThanOrEqual(1);
  });

  it("rejects a requirement on a check that is not earlier in the file", () => {
    const error = issuesOf(
      VALID.replace(
        '        lesson: "#best-practices"',
        '        lesson: "#best-practices"\n        requires: [pod-exists]',
      ),
    );
    expect(error.issues[0]).toMatchObject({
      line: 20,
      field: "tasks[0].checks[0].requires[0]",
      message: '"pod-exists" must be a check that appears earlier in the file',
    });
  });

  it("rejects patterns that match empty text, which would pass on an empty log", () => {
    const text = VALID.replace("        type: podCondition", '        type: logs\n        pattern: "error|"').replace(
      "        expect:\n          phase: [Running]\n",
      "",
    );
    expect(issuesOf(text).issues[0]).toMatchObject({
      field: "tasks[0].checks[0].pattern",
      message: expect.stringMatching(/^must not match empty text/),
    });
  });

  it("requires messageMatches on dryRunRejected: other admission errors must not count", () => {
    const text = VALID.replace(
      "        type: podCondition",
      "        type: dryRunRejected\n        manifest: {apiVersion: v1, kind: Pod, metadata: {name: x}}",
    ).replace("        pod: web\n        container: web\n        expect:\n          phase: [Running]\n", "");
    expect(issuesOf(text).issues[0]).toMatchObject({ field: "tasks[0].checks[0].messageMatches" });
  });

  it("requires a mutant proving that an absentOrFalse check can fail", () => {
    const text = VALID.replace(
      "        type: podCondition",
      "        type: field\n        path: securityContext.privileged\n        absentOrFalse: true",
    ).replace("        expect:\n          phase: [Running]\n", "");
    expect(issuesOf(text).issues[0]).toMatchObject({
      field: "tasks[0].checks[0].absentOrFalse",
      message: expect.stringContaining("needs a mutant"),
    });
    const proven = text.replace(
      "mutants: []",
      "mutants:\n  - id: privileged\n    description: d\n    manifests:\n      - {apiVersion: v1, kind: Pod, metadata: {name: web}}\n    mustFail: [pod-exists]",
    );
    expect(parseLab(proven, "/repo/lessons/m/l/lab.yaml").mutants).toHaveLength(1);
  });

  it("requires at least two alternative solutions, pointing at solution when there are none", () => {
    const none = VALID.slice(0, VALID.indexOf("alternatives:"));
    const error = issuesOf(none);
    expect(error.issues).toEqual([
      expect.objectContaining({
        line: VALID.split("\n").indexOf("solution:") + 1,
        field: "alternatives",
        message: expect.stringMatching(
          /^a lab needs at least 2 alternative correct solutions beside solution \(found 0\)/,
        ),
      }),
    ]);
    const one = VALID.slice(0, VALID.indexOf("  - id: labelled"));
    expect(issuesOf(one).issues[0]).toMatchObject({
      line: VALID.split("\n").indexOf("alternatives:") + 1,
      message: expect.stringContaining("(found 1)"),
    });
  });

  it("rejects an alternative that is the solution again (key order and labels order aside)", () => {
    const text = VALID.replace(
      "      - {apiVersion: v1, kind: Pod, metadata: {name: web, labels: {app: web}}}",
      "      - {kind: Pod, metadata: {name: web}, apiVersion: v1}",
    );
    expect(issuesOf(text).issues[0]).toMatchObject({
      field: "alternatives[1].manifests",
      message: 'alternative "labelled" is the same answer as solution; an alternative must differ',
    });
    const twice = VALID.replace("  - id: labelled", "  - id: named-container");
    expect(issuesOf(twice).issues.map((i) => i.message)).toContain('duplicate alternative id "named-container"');
  });

  it("lets a check omit its container, but not name one on an object", () => {
    const text = VALID.replace("        container: web\n", "");
    expect(parseLab(text, "/repo/lessons/m/l/lab.yaml").tasks[0]?.checks[0]).not.toHaveProperty("container");
    const objectWithContainer = VALID.replace(
      "        type: podCondition",
      "        type: field\n        object: {apiVersion: v1, kind: ConfigMap, name: c}\n        path: data.x\n        equals: y",
    )
      .replace("        pod: web\n", "")
      .replace("        expect:\n          phase: [Running]\n", "");
    expect(issuesOf(objectWithContainer).issues[0]).toMatchObject({
      field: "tasks[0].checks[0].container",
      message: "container applies to a pod field check",
    });
  });

  it.each([
    "containers[name=nginx].image",
    "spec.template.spec.containers[name=app].securityContext.privileged",
    "volumeMounts[name=cache].readOnly",
    "spec.volumes[name=data].emptyDir",
  ])("rejects a path selecting learner-named list members: %s", (path) => {
    const text = VALID.replace(
      "        type: podCondition",
      `        type: field\n        path: "${path}"\n        equals: true`,
    ).replace("        expect:\n          phase: [Running]\n", "");
    expect(issuesOf(text).issues[0]).toMatchObject({
      field: "tasks[0].checks[0].path",
      message: expect.stringMatching(
        /^must not select containers, initContainers, ephemeralContainers, volumes, volumeMounts by name/,
      ),
    });
  });

  it("accepts several paths only with contains", () => {
    const withPaths = (op: string) =>
      VALID.replace(
        "        type: podCondition",
        `        type: field\n        object: {apiVersion: v1, kind: ConfigMap, name: c}\n        path: [data.a, data.b]\n        ${op}`,
      )
        .replace("        pod: web\n        container: web\n", "")
        .replace("        expect:\n          phase: [Running]\n", "");
    expect(parseLab(withPaths("contains: x"), "/repo/lessons/m/l/lab.yaml").tasks[0]?.checks[0]).toMatchObject({
      path: ["data.a", "data.b"],
    });
    expect(issuesOf(withPaths("equals: x")).issues[0]).toMatchObject({
      field: "tasks[0].checks[0].path",
      message: "a list of paths only works with contains (equals and absentOrFalse need one path)",
    });
  });

  it("requires dryRunAdmitted to depend on a check that proves the policy works", () => {
    const text = VALID.replace(
      "        type: podCondition",
      "        type: dryRunAdmitted\n        namespace: default\n        manifest: {apiVersion: v1, kind: Pod, metadata: {name: x}}",
    ).replace("        pod: web\n        container: web\n        expect:\n          phase: [Running]\n", "");
    expect(issuesOf(text).issues[0]).toMatchObject({
      line: 9,
      field: "tasks[0].checks[0].requires",
      message: expect.stringMatching(/^check "pod-exists" needs requires: \[a check proving the policy rejects\]/),
    });
  });

  it("requires an ephemeral container rejection to say why, and an admission to depend on a rejection", () => {
    const ephemeral = (fields: string) =>
      VALID.replace(
        "        type: podCondition",
        `        type: ephemeralContainerDryRun\n        ephemeralContainer: {name: debugger, image: busybox}\n${fields}`,
      ).replace("        container: web\n        expect:\n          phase: [Running]\n", "");
    expect(issuesOf(ephemeral("        expect: rejected")).issues[0]).toMatchObject({
      field: "tasks[0].checks[0].messageMatches",
      message: expect.stringMatching(/^a rejected ephemeral container needs messageMatches/),
    });
    expect(issuesOf(ephemeral("        expect: admitted")).issues[0]).toMatchObject({
      field: "tasks[0].checks[0].requires",
      message: expect.stringMatching(/needs requires: \[a check proving the policy rejects\]/),
    });
    expect(
      parseLab(
        ephemeral("        expect: rejected\n        messageMatches: allowed-registries"),
        "/repo/lessons/m/l/lab.yaml",
      ).tasks[0]?.checks[0],
    ).toMatchObject({ type: "ephemeralContainerDryRun", pod: "web", expect: "rejected" });
  });

  it("rejects duplicate check ids", () => {
    const check = VALID.slice(VALID.indexOf("      - id: pod-exists"), VALID.indexOf("solution:"));
    const text = VALID.replace("    points: 2\n    instructions", "    points: 4\n    instructions").replace(
      "solution:",
      `${check}solution:`,
    );
    expect(issuesOf(text).issues[0]).toMatchObject({
      field: "tasks[0].checks[1].id",
      message: 'duplicate check id "pod-exists"',
    });
  });
});

describe("loadAllLabs / findLab", () => {
  it("loads labs by folder and finds one by id; unknown or malformed ids give null", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "labs-"));
    await mkdir(path.join(dir, "mod", "lesson"), { recursive: true });
    await mkdir(path.join(dir, "mod", "no-lab"), { recursive: true });
    await writeFile(path.join(dir, "mod", "lesson", "lab.yaml"), VALID);
    const labs = await loadAllLabs(dir);
    expect(labs.map((l) => l.id)).toEqual(["mod/lesson"]);
    expect((await findLab("mod/lesson", dir))?.title).toBe("Demo");
    expect(await findLab("mod/no-lab", dir)).toBeNull();
    expect(await findLab("../etc/passwd", dir)).toBeNull();
    await expect(loadLab(path.join(dir, "mod", "missing.yaml"))).rejects.toMatchObject({ code: "LAB_UNREADABLE" });
  });

  it("loads the immutability lab from the repository with every declared mutant", async () => {
    const lab = await findLab(
      "runtime-security/immutable-containers",
      path.join(import.meta.dirname, "..", "..", "lessons"),
    );
    expect(lab).not.toBeNull();
    const bytes = readFileSync(lab!.file);
    expect(lab!.contentVersion).toBe(createHash("sha256").update(bytes).digest("hex"));
    expect(lab!.mutants.length).toBeGreaterThanOrEqual(4);
    expect(new Set(lab!.tasks.flatMap((t) => t.checks.map((c) => c.type)))).toEqual(
      new Set(["field", "podCondition", "logs", "exec", "objectExists", "dryRunRejected", "dryRunAdmitted"]),
    );
    expect(lab!.alternatives.map((a) => a.id)).toEqual(
      expect.arrayContaining(["kubectl-run-names-and-variables", "negated-exists-and-match-expressions"]),
    );
  });

  it("links every check of every repository lab to an H2 of its lesson", async () => {
    const lessonsDir = path.join(import.meta.dirname, "..", "..", "lessons");
    for (const lab of await loadAllLabs(lessonsDir)) {
      const lesson = readFileSync(path.join(lessonsDir, lab.id, "lesson.md"), "utf8");
      const anchors = new Set(
        lesson
          .split("\n")
          .filter((l) => l.startsWith("## "))
          .map((l) => `#${slugify(l.slice(3))}`),
      );
      const links = lab.tasks.flatMap((t) => t.checks.map((c) => c.lesson));
      expect(
        links.filter((link) => !anchors.has(link)),
        lab.id,
      ).toEqual([]);
    }
  });
});

describe("loadLab cache", () => {
  it("reuses a parsed lab until the file changes, then reads the new content and version", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "cks-lab-cache-"));
    const file = path.join(dir, "m", "l", "lab.yaml");
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, VALID);
    const first = await loadLab(file);
    expect(await loadLab(file)).toBe(first);
    await writeFile(file, VALID.replace("title: Demo", "title: Demo, edited"));
    const { utimes } = await import("node:fs/promises");
    await utimes(file, new Date(), new Date(Date.now() + 5000));
    const edited = await loadLab(file);
    expect(edited.title).toBe("Demo, edited");
    expect(edited.contentVersion).not.toBe(first.contentVersion);
  });
});
