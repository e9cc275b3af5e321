// A leaf module: grader/, lib/ and the test cluster narrow parsed JSON and YAML with this one guard.

/** True for a plain JSON object (not null, not an array): its keys can be read as `unknown`. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
