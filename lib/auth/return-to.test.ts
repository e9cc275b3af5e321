import { describe, expect, it } from "vitest";
import { resolveBaseUrl, trustedOrigins } from "./base-url";
import { safeReturnTo } from "./return-to";

describe("safeReturnTo", () => {
  it.each([
    [undefined, "/"],
    ["/admin", "/admin"],
    [
      "/lessons/runtime-security/immutable-containers#practice-lab",
      "/lessons/runtime-security/immutable-containers#practice-lab",
    ],
    [["/account", "/admin"], "/account"],
    ["https://evil.example/", "/"],
    ["//evil.example", "/"],
    ["/\\evil.example", "/"],
    ["javascript:alert(1)", "/"],
    ["/ok\nLocation: x", "/"],
  ])("%j goes to %s", (raw, expected) => {
    expect(safeReturnTo(raw)).toBe(expected);
  });
});

describe("base URL and trusted origins", () => {
  it.each([
    [{}, "http://localhost:3000"],
    [{ PORT: "4000" }, "http://localhost:4000"],
    [{ BETTER_AUTH_URL: "https://cks.example.edu/" }, "https://cks.example.edu"],
  ])("%j -> %s", (env, url) => {
    expect(resolveBaseUrl(env)).toBe(url);
  });

  it.each(["not a url", "ftp://cks.example.edu"])("refuses BETTER_AUTH_URL=%s in one line", (raw) => {
    expect(() => resolveBaseUrl({ BETTER_AUTH_URL: raw })).toThrow(/^BETTER_AUTH_URL must/);
  });

  it("trusts the other loopback names only for a loopback base URL", () => {
    expect(trustedOrigins("http://127.0.0.1:3100")).toEqual([
      "http://localhost:3100",
      "http://127.0.0.1:3100",
      "http://[::1]:3100",
    ]);
    expect(trustedOrigins("https://cks.example.edu")).toEqual(["https://cks.example.edu"]);
  });
});
