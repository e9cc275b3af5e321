import { createHash } from "node:crypto";
import { readFile, readdir, stat } from "node:fs/promises";
import path from "node:path";
import { isMap, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import type { z } from "zod";
import { AppError, isAppError, type ContentIssue as LabIssue } from "@/lib/errors/app-error";
import { ZLabFileSchema, ZLabIdSchema, type Lab } from "./schema";

/** Where lessons live when the caller does not say: the app and the CLIs both run from the repo root. */
export function defaultLessonsDir(): string {
  return path.join(process.cwd(), "lessons");
}

// Parsing and validating a lab costs tens of milliseconds, paid on every Check before this cache;
// keyed by modification time and size, an edited file is read again (and gets its new content version).
const parsed = new Map<string, { mtimeMs: number; size: number; lab: Lab }>();

/** Loads and validates one lab file; throws AppError LAB_INVALID with file, line and field per problem. */
export async function loadLab(file: string): Promise<Lab> {
  const absolute = path.resolve(file);
  let bytes: Buffer;
  let info: { mtimeMs: number; size: number };
  try {
    info = await stat(absolute);
    const hit = parsed.get(absolute);
    if (hit && hit.mtimeMs === info.mtimeMs && hit.size === info.size) return hit.lab;
    bytes = await readFile(absolute);
  } catch (cause) {
    throw new AppError(
      "LAB_UNREADABLE",
      `${absolute}: cannot read lab file (${(cause as NodeJS.ErrnoException).code ?? "error"})`,
    );
  }
  const lab = parseLab(bytes, absolute);
  parsed.set(absolute, { mtimeMs: info.mtimeMs, size: info.size, lab });
  return lab;
}

/** Validates lab file bytes that were read from `file` (exported for tests of the error locations). */
export function parseLab(bytes: Buffer | string, file: string): Lab {
  const text = typeof bytes === "string" ? bytes : bytes.toString("utf8");
  const lineCounter = new LineCounter();
  // YAML 1.1, as kubectl reads manifests: `mode: 0400` in a lab's manifest is octal (256), as the learner's
  // kubectl apply would send it; YAML 1.2 would read decimal 400.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, version: "1.1" });
  const relative = path.relative(process.cwd(), file);
  const display = relative && !relative.startsWith("..") ? relative : file;
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((error) => {
      const pos = lineCounter.linePos(error.pos[0]);
      return {
        file: display,
        line: pos.line,
        column: pos.col,
        field: "",
        message: error.message.split("\n")[0] ?? error.message,
      };
    });
    throw invalid(display, issues);
  }
  const parsed = ZLabFileSchema.safeParse(doc.toJS({ maxAliasCount: 1000 }));
  if (!parsed.success) {
    throw invalid(
      display,
      parsed.error.issues.map((issue) => locate(issue, doc, lineCounter, display)),
    );
  }
  return {
    ...parsed.data,
    id: labIdFromFile(file),
    file,
    contentVersion: createHash("sha256").update(bytes).digest("hex"),
  };
}

/**
 * Every `<module>/<lesson>/lab.yaml` under lessonsDir, sorted; hidden folders are skipped, as the
 * course loader skips them, so labs:check, labs:verify and the app see the same labs.
 */
export async function findLabFiles(lessonsDir: string = defaultLessonsDir()): Promise<string[]> {
  const folders = async (dir: string) =>
    (await readdir(dir, { withFileTypes: true }).catch(() => []))
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith("."))
      .map((entry) => entry.name);
  const files: string[] = [];
  for (const mod of await folders(lessonsDir)) {
    for (const lesson of await folders(path.join(lessonsDir, mod))) {
      const candidate = path.join(lessonsDir, mod, lesson, "lab.yaml");
      if (
        await stat(candidate).then(
          (info) => info.isFile(),
          () => false,
        )
      )
        files.push(candidate);
    }
  }
  return files.sort();
}

/** Loads every lab under lessonsDir, sorted by id; any invalid file throws. */
export async function loadAllLabs(lessonsDir: string = defaultLessonsDir()): Promise<Lab[]> {
  const labs = await Promise.all((await findLabFiles(lessonsDir)).map((file) => loadLab(file)));
  return labs.sort((a, b) => a.id.localeCompare(b.id));
}

/** Loads the lab with id "<module>/<lesson>", or null when the id is malformed or has no lab file. */
export async function findLab(labId: string, lessonsDir: string = defaultLessonsDir()): Promise<Lab | null> {
  const id = ZLabIdSchema.safeParse(labId);
  if (!id.success) return null;
  const [mod, lesson] = id.data.split("/") as [string, string];
  const file = path.join(lessonsDir, mod, lesson, "lab.yaml");
  try {
    return await loadLab(file);
  } catch (error) {
    if (isAppError(error, "LAB_UNREADABLE")) return null;
    throw error;
  }
}

function labIdFromFile(file: string): string {
  const dir = path.dirname(file);
  return `${path.basename(path.dirname(dir))}/${path.basename(dir)}`;
}

function invalid(display: string, issues: LabIssue[]): AppError {
  const lines = issues.map((i) => `  ${i.file}:${i.line}:${i.column} ${i.field ? `${i.field}: ` : ""}${i.message}`);
  return new AppError("LAB_INVALID", `${display}: invalid lab file\n${lines.join("\n")}`, issues);
}

// Walks the zod path as far as the YAML document has nodes, so a missing key points at its parent.
function locate(issue: z.core.$ZodIssue, doc: Document, lineCounter: LineCounter, display: string): LabIssue {
  const keys = issue.path.map((k) => (typeof k === "symbol" ? String(k) : k));
  let node: unknown = doc.contents;
  let offset = 0;
  // A rule about a missing key may name a sibling to point at instead of the parent (e.g. `solution`).
  const near = issue.code === "custom" ? (issue.params as { near?: unknown } | undefined)?.near : undefined;
  for (const key of keys) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === key);
      if (!pair) {
        const sibling = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === near);
        offset = (sibling?.key as { range?: [number, number, number] } | null)?.range?.[0] ?? offset;
        break;
      }
      const keyNode = pair.key as { range?: [number, number, number] } | null;
      offset = keyNode?.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof key === "number") {
      const item = node.items[key] as { range?: [number, number, number] } | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  if (keys.length === 0 && doc.contents && "range" in doc.contents) offset = doc.contents.range?.[0] ?? 0;
  const pos = lineCounter.linePos(offset);
  const field = keys.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("");
  return { file: display, line: pos.line, column: pos.col, field, message: issue.message };
}
