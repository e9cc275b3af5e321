import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, newNonce, SECURITY_HEADERS } from "./security-headers";

const directives = (policy: string) =>
  Object.fromEntries(policy.split("; ").map((d) => [d.split(" ")[0]!, d.split(" ").slice(1)]));

describe("contentSecurityPolicy", () => {
  it("allows scripts only with this page's nonce, and never in a frame", () => {
    const nonce = newNonce();
    const csp = directives(contentSecurityPolicy(nonce));
    expect(csp["script-src"]).toEqual(["'self'", `'nonce-${nonce}'`, "'strict-dynamic'"]);
    expect(csp["script-src"]).not.toContain("'unsafe-inline'");
    expect(csp["style-src"]).toEqual(["'self'", `'nonce-${nonce}'`]);
    expect(csp["frame-ancestors"]).toEqual(["'none'"]);
    expect(csp["object-src"]).toEqual(["'none'"]);
    expect(csp["base-uri"]).toEqual(["'none'"]);
    expect(csp["default-src"]).toEqual(["'self'"]);
  });

  it("adds eval only in development", () => {
    expect(contentSecurityPolicy(newNonce())).not.toContain("unsafe-eval");
    expect(contentSecurityPolicy(newNonce(), { dev: true })).toContain("'unsafe-eval'");
  });

  it("makes a new nonce every time, and refuses one that could break out of the header", () => {
    const nonces = new Set(Array.from({ length: 50 }, newNonce));
    expect(nonces.size).toBe(50);
    expect(() => contentSecurityPolicy("abc")).toThrow(/nonce/);
    expect(() => contentSecurityPolicy("aaaaaaaaaaaaaaaaaaaa'; script-src *")).toThrow(/nonce/);
  });

  it("sends nosniff, a same-origin referrer and no framing everywhere", () => {
    expect(Object.fromEntries(SECURITY_HEADERS.map((h) => [h.key, h.value]))).toMatchObject({
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "same-origin",
      "X-Frame-Options": "DENY",
    });
  });
});
