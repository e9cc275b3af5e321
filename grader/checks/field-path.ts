import { isRecord } from "@/lib/json/is-record";

/** One step of a field path: a key, every element of a list, or the list element whose key equals a value. */
export type PathSegment = { key: string } | { all: true } | { where: string; equals: string };

/** Parses "spec.validations[*].expression" or "spec.containers[name=app].image"; null when malformed. */
export function parseFieldPath(path: string): PathSegment[] | null {
  const segments: PathSegment[] = [];
  const pattern = /([A-Za-z0-9_-]+)|\[\*\]|\[([A-Za-z0-9_-]+)=([^\]]*)\]|\./gy;
  let expectKey = true;
  let index = 0;
  while (index < path.length) {
    pattern.lastIndex = index;
    const match = pattern.exec(path);
    if (!match) return null;
    index = pattern.lastIndex;
    if (match[0] === ".") {
      if (expectKey) return null;
      expectKey = true;
    } else if (match[1] !== undefined) {
      if (!expectKey) return null;
      segments.push({ key: match[1] });
      expectKey = false;
    } else if (match[0] === "[*]") {
      if (expectKey) return null;
      segments.push({ all: true });
    } else {
      if (expectKey) return null;
      segments.push({ where: match[2] ?? "", equals: match[3] ?? "" });
    }
  }
  return segments.length > 0 && !expectKey ? segments : null;
}

/**
 * What a path reaches: the values, plus how many branches ended early. `missing` counts branches
 * where a key was unset (so "every container sets X" cannot pass when one container lacks X);
 * `unmatched` counts `[key=value]` selectors over an existing list that matched no element (a wrong
 * container name must not read as "field absent").
 */
export type Resolved = { values: unknown[]; missing: number; unmatched: number };

/** Walks the path over `root`; absent fields reach nothing and are counted, never guessed. */
export function resolveFieldPath(root: unknown, segments: PathSegment[]): Resolved {
  let current: unknown[] = [root];
  let missing = 0;
  let unmatched = 0;
  for (const segment of segments) {
    const next: unknown[] = [];
    for (const value of current) {
      if ("key" in segment) {
        if (isRecord(value) && value[segment.key] !== undefined && value[segment.key] !== null)
          next.push(value[segment.key]);
        else missing += 1;
      } else if (Array.isArray(value)) {
        const before = next.length;
        for (const item of value) {
          if ("all" in segment) next.push(item);
          else if (isRecord(item) && String(item[segment.where]) === segment.equals) next.push(item);
        }
        if ("where" in segment && next.length === before) unmatched += 1;
      } else {
        missing += 1;
      }
    }
    current = next;
  }
  return { values: current, missing, unmatched };
}
