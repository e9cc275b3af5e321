import { describe, expect, it } from "vitest";
import { refuseUnlessLocal } from "./local-only";

const headers = (h: Record<string, string>) => new Headers(h);

describe("refuseUnlessLocal", () => {
  it.each([
    [{ host: "localhost:3000" }],
    [{ host: "127.0.0.1:3100", origin: "http://127.0.0.1:3100" }],
    [{ host: "[::1]:3000", origin: "http://[::1]:3000" }],
    [{ host: "localhost:3000", "sec-fetch-site": "same-origin" }],
    [{ host: "localhost:3000", "sec-fetch-site": "none" }],
  ])("accepts same-machine requests %o", (h) => {
    expect(refuseUnlessLocal(headers(h), false)).toBeNull();
  });

  it.each([
    [{ host: "192.168.1.20:3000" }, /only available at http:\/\/localhost:3000/],
    [{ host: "evil.example:3000" }, /only available/],
    [{ host: "localhost.evil.example" }, /only available/],
    [{ host: "localhost:3000", origin: "http://evil.example" }, /Cross-site/],
    [{ host: "localhost:3000", origin: "http://localhost:4000" }, /Cross-site/],
    [{ host: "localhost:3000", origin: "null" }, /not a URL/],
    [{ host: "localhost:3000", "sec-fetch-site": "cross-site" }, /Cross-site/],
    [{ host: "localhost:3000", "sec-fetch-site": "same-site" }, /Cross-site/],
    [{}, /no Host header/],
  ])("refuses %o", (h, message) => {
    expect(refuseUnlessLocal(headers(h), false)).toMatch(message);
  });

  it("lets an operator opt in to remote grading explicitly, but never cross-site", () => {
    expect(refuseUnlessLocal(headers({ host: "10.0.0.5:3000" }), true)).toBeNull();
    expect(refuseUnlessLocal(headers({ host: "10.0.0.5:3000", origin: "http://evil.example" }), true)).toMatch(
      /Cross-site/,
    );
  });
});
