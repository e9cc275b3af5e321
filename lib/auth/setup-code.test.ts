import { chmodSync, existsSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ensureSetupCode, newSetupCode } from "./ensure-setup-code";
import { consumeSetupCode, isSetupCode, readSetupCode } from "./setup-code";

const tempFile = () => path.join(mkdtempSync(path.join(os.tmpdir(), "cks-setup-")), "data", "setup-code");

describe("the one-time setup code", () => {
  it("is created once, 0600, and read back the same until it is used", () => {
    const file = tempFile();
    expect(readSetupCode(file)).toBeNull();
    const code = ensureSetupCode(file);
    expect(code).toMatch(/^[2-9A-HJKMNP-Z]{5}(-[2-9A-HJKMNP-Z]{5}){3}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(ensureSetupCode(file)).toBe(code);
    expect(isSetupCode(code, file)).toBe(true);
    // People retype it from a console: case, spaces and dashes do not matter.
    expect(isSetupCode(` ${code.toLowerCase().replace(/-/g, " ")} `, file)).toBe(true);
    consumeSetupCode(file);
    expect(existsSync(file)).toBe(false);
    expect(isSetupCode(code, file)).toBe(false);
    expect(ensureSetupCode(file)).not.toBe(code);
  });

  it("refuses wrong, partial and missing codes", () => {
    const file = tempFile();
    const code = ensureSetupCode(file);
    expect(isSetupCode(undefined, file)).toBe(false);
    expect(isSetupCode("", file)).toBe(false);
    expect(isSetupCode(code.slice(0, 10), file)).toBe(false);
    expect(isSetupCode(newSetupCode(), file)).toBe(false);
    expect(isSetupCode(code, tempFile())).toBe(false);
  });

  it("tightens a copied file's mode, and ignores a file too short to be a code", () => {
    const file = tempFile();
    const code = ensureSetupCode(file);
    chmodSync(file, 0o644);
    expect(ensureSetupCode(file)).toBe(code);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    writeFileSync(file, "ABC\n");
    expect(readSetupCode(file)).toBeNull();
    expect(ensureSetupCode(file)).not.toBe(code);
  });
});
