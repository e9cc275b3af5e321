import { isNode, LineCounter, parseDocument, type Document } from "yaml";
import type { z } from "zod";
import { AppError } from "@/lib/errors/app-error";

/** A parsed YAML text that can say on which line a field sits. */
export interface YamlSource {
  file: string;
  data: unknown;
  lineOf(path: ReadonlyArray<PropertyKey>): number | undefined;
}

/**
 * Parses YAML that starts at `firstLine` of `file`; syntax errors become CONTENT_INVALID
 * errors naming the file and line.
 */
export function parseYamlSource(text: string, file: string, firstLine = 1): YamlSource {
  const counter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const line = first.linePos?.[0]?.line ?? counter.linePos(first.pos[0]).line;
    throw new AppError(
      "CONTENT_INVALID",
      `${file}:${line + firstLine - 1}: invalid YAML: ${first.message.split("\n")[0]}`,
    );
  }
  return {
    file,
    data: doc.toJS(),
    lineOf(path) {
      for (let depth = path.length; depth >= 0; depth--) {
        const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth) as unknown[], true);
        if (isNode(node) && node.range) return counter.linePos(node.range[0]).line + firstLine - 1;
      }
      return undefined;
    },
  };
}

/**
 * Validates parsed YAML with a zod schema; the first problem becomes one readable line:
 * `file:line: field "a.b": expected ..., found ...`.
 */
export function validateYaml<S extends z.ZodType>(source: YamlSource, schema: S): z.infer<S> {
  const result = schema.safeParse(source.data);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  // An unknown key is reported on its parent object by zod; point at the key itself.
  const unknownKey = issue.code === "unrecognized_keys" ? issue.keys[0] : undefined;
  const path = unknownKey === undefined ? issue.path : [...issue.path, unknownKey];
  const field = path.length ? path.map(String).join(".") : "(document)";
  const line = source.lineOf(path);
  const where = line === undefined ? source.file : `${source.file}:${line}`;
  const detail =
    unknownKey === undefined
      ? `${plainMessage(issue.message)}${describeFound(source.data, path)}`
      : "unknown field (check its spelling or remove it)";
  throw new AppError("CONTENT_INVALID", `${where}: field "${field}": ${detail}`);
}

function plainMessage(message: string): string {
  return message.replace(/^Invalid input: /, "");
}

function describeFound(data: unknown, path: ReadonlyArray<PropertyKey>): string {
  let value: unknown = data;
  for (const key of path) {
    if (value === null || typeof value !== "object") return "";
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  if (value === undefined) return " (missing)";
  const shown = JSON.stringify(value);
  return shown && shown.length <= 60 ? ` (found ${shown})` : "";
}
