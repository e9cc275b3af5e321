import { mkdtempSync, readFileSync, statSync, writeFileSync, chmodSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ensureAuthSecret } from "./ensure-secret";
import { readAuthSecret } from "./secret";

const scratch = () => path.join(mkdtempSync(path.join(os.tmpdir(), "cks-secret-")), "data", "auth-secret");
const LONG = "x".repeat(40);

describe("auth secret bootstrap", () => {
  it("creates data/auth-secret once, mode 0600, and reads it back", () => {
    const file = scratch();
    expect(ensureAuthSecret({}, file)).toBe("created");
    const first = readFileSync(file, "utf8");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.trim()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(ensureAuthSecret({}, file)).toBe("file");
    expect(readFileSync(file, "utf8")).toBe(first);
    expect(readAuthSecret({}, file)).toBe(first.trim());
  });

  it("gives two installs different secrets", () => {
    const [a, b] = [scratch(), scratch()];
    ensureAuthSecret({}, a);
    ensureAuthSecret({}, b);
    expect(readFileSync(a, "utf8")).not.toBe(readFileSync(b, "utf8"));
  });

  it("prefers BETTER_AUTH_SECRET and then creates no file", () => {
    const file = scratch();
    expect(ensureAuthSecret({ BETTER_AUTH_SECRET: LONG }, file)).toBe("env");
    expect(() => statSync(file)).toThrow();
    expect(readAuthSecret({ BETTER_AUTH_SECRET: LONG }, file)).toBe(LONG);
  });

  it("tightens a secret file others can read", () => {
    const file = scratch();
    ensureAuthSecret({}, file);
    chmodSync(file, 0o644);
    ensureAuthSecret({}, file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it("refuses short secrets without echoing them", () => {
    expect(() => readAuthSecret({ BETTER_AUTH_SECRET: "hunter2" }, scratch())).toThrow(/at least 32 characters/);
    try {
      readAuthSecret({ BETTER_AUTH_SECRET: "hunter2" }, scratch());
    } catch (error) {
      expect((error as Error).message).not.toContain("hunter2");
    }
    const file = scratch();
    ensureAuthSecret({}, file);
    writeFileSync(file, "tiny");
    expect(() => readAuthSecret({}, file)).toThrow(/shorter than 32/);
  });

  it("explains a missing secret in one line", () => {
    expect(() => readAuthSecret({}, scratch())).toThrow(/set BETTER_AUTH_SECRET, or run `npm run db:migrate`/);
  });
});
