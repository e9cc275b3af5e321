// Response headers that make a CKS Lab page hard to abuse from elsewhere. The Content-Security-Policy
// carries a fresh nonce per page (proxy.ts sets it on the request, and Next.js puts it on every script
// and inline style it renders, reading it back from that header); the others are the same everywhere
// (next.config.ts). Pure functions: the policy is one string a test can read.

/**
 * The Content-Security-Policy of one page: scripts only with this response's nonce (and what they load,
 * 'strict-dynamic'); style elements from this origin or with the nonce; style attributes allowed
 * (Shiki colours tokens with them; they cannot run code, and every fetch they could make is still
 * limited to this origin by default-src); no plugins, no <base>, forms only to this origin, never in a
 * frame. Development adds what React's dev tooling needs (eval for error overlays).
 */
export function contentSecurityPolicy(nonce: string, { dev = false }: { dev?: boolean } = {}): string {
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(nonce))
    throw new Error("A CSP nonce must be base64 of at least 12 random bytes.");
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** A fresh nonce: 16 random bytes, base64. */
export function newNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}

/** Headers every response carries, pages, API and static files alike (next.config.ts `headers()`). */
export const SECURITY_HEADERS: ReadonlyArray<{ key: string; value: string }> = [
  // A JSON answer or an uploaded-looking file is never reinterpreted as script or HTML.
  { key: "X-Content-Type-Options", value: "nosniff" },
  // Links out (kubernetes.io, the CNCF) learn nothing about which page or student sent the reader.
  { key: "Referrer-Policy", value: "same-origin" },
  // frame-ancestors 'none' for browsers that predate it: the role and grade forms cannot be framed.
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=()" },
];
