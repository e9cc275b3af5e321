// Used by scripts/server.ts only (and scripts that start their own instance): kept apart from
// setup-code.ts so the app's bundle never carries file-creating code.
import { randomInt } from "node:crypto";
import { chmodSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { AppError } from "@/lib/errors/app-error";
import { readSetupCode, setupCodeFile } from "./setup-code";

// No 0/O or 1/I/L: the code is read off a console and typed.
const ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/** A new code: 20 characters from a 31-letter alphabet (about 99 bits), shown in groups of 5. */
export function newSetupCode(): string {
  const chars = Array.from({ length: 20 }, () => ALPHABET[randomInt(ALPHABET.length)]!);
  return [0, 5, 10, 15].map((i) => chars.slice(i, i + 5).join("")).join("-");
}

/**
 * The waiting setup code, creating it (mode 0600) when there is none. Returns it formatted for the
 * console. Call only while no account exists.
 */
export function ensureSetupCode(file: string = setupCodeFile()): string {
  const existing = readSetupCode(file);
  if (existing) {
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    return existing.match(/.{1,5}/g)!.join("-");
  }
  const code = newSetupCode();
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${code}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  } catch (error) {
    throw new AppError(
      "CONFIG_INVALID",
      `Cannot write the setup code to ${file} (${(error as NodeJS.ErrnoException).code ?? "unknown error"}); set CKS_SETUP_CODE_FILE to a writable path.`,
    );
  }
  return code;
}
