import { randomBytes } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ESLint } from "eslint";
import * as prettier from "prettier";
import { describe, expect, it } from "vitest";

// `npm run lint` is ESLint (type-aware) plus `prettier --check`; these probes prove that each half
// rejects what it is there to reject, with the repository's own configuration.
const root = path.resolve(import.meta.dirname, "..");

describe("npm run lint", () => {
  it("runs ESLint and Prettier's check over the whole tree", () => {
    const scripts = (
      JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }
    ).scripts;
    expect(scripts.lint).toMatch(/\beslint \./);
    expect(scripts.lint).toMatch(/\bprettier --check \./);
  });

  it("fails on a floating promise and on a promise passed where a void callback is expected", async () => {
    // A real file inside the project, so the type-aware rules see it through tsconfig.json.
    const probe = path.join(root, "scripts", `lint-probe-${randomBytes(4).toString("hex")}.ts`);
    const source = [
      "async function save(): Promise<number> {",
      "  return 1;",
      "}",
      "export function run(): void {",
      "  save();",
      "  setTimeout(save, 10);",
      "}",
      "",
    ].join("\n");
    writeFileSync(probe, source);
    try {
      const [result] = await new ESLint({ cwd: root }).lintFiles([probe]);
      const rules = (result?.messages ?? []).map((m) => m.ruleId);
      expect(rules).toContain("@typescript-eslint/no-floating-promises");
      expect(rules).toContain("@typescript-eslint/no-misused-promises");
    } finally {
      rmSync(probe, { force: true });
    }
  }, 60_000);

  it("fails on a mis-formatted file and passes the same code once formatted", async () => {
    const filepath = path.join(root, "lib", "example.ts");
    const options = { ...(await prettier.resolveConfig(filepath)), filepath };
    const messy = "export const answer   =  {a:1,\n b:2}\n";
    expect(await prettier.check(messy, options)).toBe(false);
    expect(await prettier.check(await prettier.format(messy, options), options)).toBe(true);
  });
});

describe("import rules", () => {
  // lintText with a file path applies that folder's rules without writing the file; only the import rule
  // runs, so the probe needs no place in the TypeScript project.
  const importsIn = async (file: string, source: string) => {
    const eslint = new ESLint({
      cwd: root,
      ruleFilter: ({ ruleId }) => ruleId === "no-restricted-imports",
      overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
    });
    const [result] = await eslint.lintText(source, { filePath: path.join(root, file) });
    return (result?.messages ?? []).map((m) => m.message);
  };

  it.each([
    ["lib/labs/probe.ts", 'import { gradeLab } from "@/grader/grade-lab";', /public API, @\/grader/],
    ["components/lab/Probe.tsx", 'import type { Evidence } from "@/grader/report";', /public API, @\/grader/],
    ["scripts/probe.ts", 'import { verifyLab } from "@/grader/verify/verify-lab";', /public API, @\/grader/],
    [
      "grader/checks/probe.ts",
      'import { db } from "@/lib/db/client";',
      /only the leaves lib\/errors\/ and lib\/json\//,
    ],
  ])(
    "%s: %s is refused",
    async (file, source, message) => {
      expect(await importsIn(file, `${source}\nexport const used = 1;\n`)).toEqual([expect.stringMatching(message)]);
    },
    60_000,
  );

  it.each([
    ["lib/labs/probe.ts", 'import { gradeLab } from "@/grader";'],
    ["e2e/probe.ts", 'import { labWith } from "@/grader/testing/lab-builder";'],
    ["grader/checks/probe.ts", 'import { isRecord } from "@/lib/json/is-record";'],
  ])(
    "%s: %s is allowed",
    async (file, source) => {
      expect(await importsIn(file, `${source}\nexport const used = 1;\n`)).toEqual([]);
    },
    60_000,
  );
});
