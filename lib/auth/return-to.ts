/**
 * Where to go after signing in: a path on this site only. Anything else ("//evil.example",
 * "https://...", "/\\evil") would turn the sign-in page into an open redirect.
 */
export function safeReturnTo(raw: string | string[] | undefined, fallback = "/"): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (
    !value ||
    !value.startsWith("/") ||
    value.startsWith("//") ||
    value.includes("\\") ||
    [...value].some((c) => c.charCodeAt(0) < 0x20)
  )
    return fallback;
  return value;
}
