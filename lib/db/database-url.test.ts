import { describe, expect, it } from "vitest";
import { resolveDatabaseUrl } from "./database-url";

describe("resolveDatabaseUrl", () => {
  it.each([
    [undefined, "/repo/data/cks-lab.db"],
    ["", "/repo/data/cks-lab.db"],
    ["file:./other.db", "/repo/other.db"],
    ["file:/var/lib/cks/lab.db", "/var/lib/cks/lab.db"],
    ["file:///var/lib/cks/lab.db", "/var/lib/cks/lab.db"],
    ["file:./x.db?connection_limit=1", "/repo/x.db"],
  ])("%s resolves to %s", (raw, file) => {
    expect(resolveDatabaseUrl(raw, "/repo").file).toBe(file);
  });

  it.each([
    ["mysql://root:hunter2@db/cks", /must be a SQLite file: URL.*mysql:\/\/root:\*\*\*@db\/cks/],
    ["postgres://u:secret@h/db", /PostgreSQL.*SQLite only/],
    ["file:", /names no file/],
    ["./data/x.db", /must be a SQLite file: URL/],
  ])("rejects %s with one clear line", (raw, message) => {
    expect(() => resolveDatabaseUrl(raw, "/repo")).toThrow(message);
    try {
      resolveDatabaseUrl(raw, "/repo");
    } catch (error) {
      expect(String((error as Error).message)).not.toContain("secret");
      expect(String((error as Error).message)).not.toContain("hunter2");
      expect(String((error as Error).message)).not.toContain("\n");
    }
  });
});
