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

/** Every value the path reaches (absent fields reach nothing, so the result may be empty). */
export function resolveFieldPath(root: unknown, segments: PathSegment[]): unknown[] {
  let current: unknown[] = [root];
  for (const segment of segments) {
    const next: unknown[] = [];
    for (const value of current) {
      if ("key" in segment) {
        if (isRecord(value) && value[segment.key] !== undefined && value[segment.key] !== null) next.push(value[segment.key]);
      } else if (Array.isArray(value)) {
        for (const item of value) {
          if ("all" in segment) next.push(item);
          else if (isRecord(item) && String(item[segment.where]) === segment.equals) next.push(item);
        }
      }
    }
    current = next;
  }
  return current;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
