import { describe, expect, it } from "vitest";
import { requestFacts } from "@/lib/http/local-only";
import { refuseGradeTarget, ZGradeRequestSchema } from "./grading-target";

const headers = (values: Record<string, string>) => requestFacts(new Headers(values));

describe("grade request body", () => {
  const cases: Array<[unknown, boolean]> = [
    [{}, true],
    [{ context: "kind-cks" }, true],
    [{ connection: "saved" }, true],
    [{ connection: "other" }, false],
    [{ connection: "saved", context: "kind-cks" }, false],
    [{ context: "" }, false],
    [null, false],
  ];
  it.each(cases)("%j valid: %s", (body, valid) => {
    expect(ZGradeRequestSchema.safeParse(body).success).toBe(valid);
  });
});

describe("who may grade which target", () => {
  const cases: Array<{
    name: string;
    body: { connection: "saved" } | { context?: string };
    h: Record<string, string>;
    refused: RegExp | null;
  }> = [
    {
      name: "local mode from localhost",
      body: {},
      h: { host: "localhost:3000", origin: "http://localhost:3000", "x-cks-remote-address": "127.0.0.1" },
      refused: null,
    },
    {
      name: "local mode from a classroom address",
      body: { context: "kind-cks" },
      h: {
        host: "cks.school.example:3000",
        origin: "http://cks.school.example:3000",
        "x-cks-remote-address": "10.0.0.9",
      },
      refused: /only available at http:\/\/localhost/,
    },
    {
      name: "saved connection from a classroom address",
      body: { connection: "saved" },
      h: { host: "cks.school.example:3000", origin: "http://cks.school.example:3000" },
      refused: null,
    },
    {
      name: "saved connection from another site's page",
      body: { connection: "saved" },
      h: { host: "cks.school.example:3000", origin: "https://evil.example" },
      refused: /Cross-site/,
    },
    {
      name: "saved connection, cross-site by Sec-Fetch-Site",
      body: { connection: "saved" },
      h: { host: "cks.school.example:3000", "sec-fetch-site": "cross-site" },
      refused: /Cross-site/,
    },
  ];
  it.each(cases)("$name", ({ body, h, refused }) => {
    const result = refuseGradeTarget(body, headers(h), { role: "student" }, false);
    if (refused) expect(result).toMatch(refused);
    else expect(result).toBeNull();
  });
});
