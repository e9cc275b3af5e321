// Anything a cluster says (a Status message, a version, a log line, a field value) is written by whoever
// runs that cluster. Before it is stored or shown it is bounded in length and stripped of characters that
// change how text displays: terminal escapes, carriage returns that overwrite a line, bidirectional
// overrides that reverse it. HTML needs nothing here: React and the CSV export escape it where it is shown.

/** Limits for one piece of structured cluster data (evidence). */
export type DataBounds = {
  /** Longest single string. */
  maxString: number;
  /** Most items kept from one array. */
  maxItems: number;
  /** Deepest nesting kept. */
  maxDepth: number;
  /** All strings together, in characters. */
  maxTotal: number;
};

/** What a check result's evidence may hold: a few screens of text, never megabytes. */
export const EVIDENCE_BOUNDS: DataBounds = { maxString: 4000, maxItems: 50, maxDepth: 8, maxTotal: 32_000 };

const ELLIPSIS = "…";
// C0 controls except tab and newline, DEL, C1 controls, and the Unicode format characters that reorder or
// hide text (bidi embeddings, overrides and isolates, marks, line and paragraph separators).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` safe to store and show: control and reordering characters become U+FFFD, and it is cut to `max`
 * characters (an ellipsis marks the cut). One line unless `multiline`: newlines and tabs become spaces.
 */
export function clusterText(text: string, max: number, options: { multiline?: boolean } = {}): string {
  let value = text;
  let cut = false;
  // Cut before replacing, so a 10 MB message costs one slice.
  if (value.length > max) {
    let end = Math.max(0, max - 1);
    // Never split a surrogate pair: half an emoji is not text.
    const code = value.charCodeAt(end - 1);
    if (code >= 0xd800 && code <= 0xdbff) end -= 1;
    value = value.slice(0, end);
    cut = true;
  }
  value = value.replace(/\r\n/g, "\n").replace(CONTROL, "\ufffd");
  if (!options.multiline) value = value.replace(/[\n\t]/g, " ");
  return cut ? value + ELLIPSIS : value;
}

/**
 * A copy of `value` (JSON data from a cluster) with every string passed through clusterText and the whole
 * bounded: long arrays and deep nesting are cut, and once `maxTotal` characters are used later strings are
 * emptied. Numbers, booleans and null pass unchanged; anything else becomes null.
 */
export function boundClusterData<T>(value: T, bounds: DataBounds = EVIDENCE_BOUNDS): T {
  let budget = bounds.maxTotal;
  const walk = (item: unknown, depth: number): unknown => {
    if (typeof item === "string") {
      if (budget <= 0) return item === "" ? "" : ELLIPSIS;
      const bounded = clusterText(item, Math.min(bounds.maxString, Math.max(1, budget)), { multiline: true });
      budget -= bounded.length;
      return bounded;
    }
    if (typeof item === "number" || typeof item === "boolean" || item === null) return item;
    if (depth >= bounds.maxDepth) return Array.isArray(item) ? [] : typeof item === "object" ? {} : null;
    if (Array.isArray(item)) return item.slice(0, bounds.maxItems).map((entry) => walk(entry, depth + 1));
    if (typeof item === "object") {
      const out: Record<string, unknown> = {};
      for (const [key, entry] of Object.entries(item as Record<string, unknown>).slice(0, bounds.maxItems)) {
        if (entry === undefined) continue;
        out[clusterText(key, 200)] = walk(entry, depth + 1);
      }
      return out;
    }
    return null;
  };
  return walk(value, 0) as T;
}
