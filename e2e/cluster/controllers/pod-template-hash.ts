/**
 * The `pod-template-hash` label the Deployment controller puts on its ReplicaSets and their pods. Like
 * the real controller it is the FNV-32a hash of the pod template (and the collision count), written in
 * decimal and mapped digit by digit onto the alphabet of generated names, so it looks like upstream's
 * (`7854ff8877`: up to ten of `4 5 6 7 8 9 b c d f`). The hashed bytes are canonical JSON rather than
 * Go's struct dump, so the values differ from a real cluster's for the same template.
 */

/** The alphabet Kubernetes uses for generated names (no vowels, no look-alike digits). */
export const nameAlphabet = "bcdfghjklmnpqrstvwxz2456789";

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, inner]) => inner !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonical(inner)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** FNV-1a, 32 bits, over UTF-8 bytes. */
export function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, "utf8")) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** Each character of `text` mapped onto the name alphabet by its code (Kubernetes' SafeEncodeString). */
export function safeEncode(text: string): string {
  return Array.from(text, (char) => nameAlphabet[char.charCodeAt(0) % nameAlphabet.length]).join("");
}

/** The pod-template-hash of a template; a collision count (after a name clash) changes it. */
export function podTemplateHash(template: unknown, collisionCount?: number): string {
  const text = canonical(template) + (collisionCount === undefined ? "" : `#${collisionCount}`);
  return safeEncode(String(fnv32a(text)));
}
