// The one-time setup code that claims a fresh instance (the first account becomes instructor). Like
// Jenkins' and Grafana's first-run secrets, it is printed on the server's console and written to a file
// only the operator can read, so whoever reaches /setup first over the network cannot claim the instance.
// Creating it is scripts/server.ts's job (lib/auth/ensure-setup-code.ts); this file reads and uses it.
import { timingSafeEqual } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";

/** Where the code lives unless CKS_SETUP_CODE_FILE says otherwise (relative to the app's folder). */
export const DEFAULT_SETUP_CODE_FILE = path.join("data", "setup-code");

/** The setup code file for this process. */
export function setupCodeFile(env: Record<string, string | undefined> = process.env): string {
  return path.resolve(env.CKS_SETUP_CODE_FILE?.trim() || DEFAULT_SETUP_CODE_FILE);
}

/** Upper case, no spaces or dashes: how the code is compared (people retype it from a console). */
export function normalizeSetupCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, "");
}

/** The waiting code, or null when there is none (already used, or the server has not created one). */
export function readSetupCode(file: string = setupCodeFile()): string | null {
  try {
    const code = normalizeSetupCode(readFileSync(file, "utf8"));
    return code.length >= 16 ? code : null;
  } catch {
    return null;
  }
}

/** True when `given` is the waiting code (compared in constant time). */
export function isSetupCode(given: string | undefined, file: string = setupCodeFile()): boolean {
  const expected = readSetupCode(file);
  if (!expected || !given) return false;
  const a = Buffer.from(normalizeSetupCode(given));
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Deletes the code: it dies once the instructor account exists. */
export function consumeSetupCode(file: string = setupCodeFile()): void {
  rmSync(file, { force: true });
}
