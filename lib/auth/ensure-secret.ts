// Used by scripts/prepare.ts only: kept apart from secret.ts so the app's bundle never carries
// file-creating code (and Next's tracer does not see dynamic writes).
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { AppError } from "@/lib/errors/app-error";
import { AUTH_SECRET_FILE, fromEnv, readSecretFile, type Env } from "./secret";

/** How the secret was found: from the environment, an existing file, or a file created just now. */
export type SecretSource = "env" | "file" | "created";

/**
 * Makes sure a secret exists: BETTER_AUTH_SECRET when set (checked for length), otherwise
 * `data/auth-secret`, created once with 32 random bytes and mode 0600. Never returns or logs the value.
 */
export function ensureAuthSecret(env: Env = process.env, file: string = path.resolve(AUTH_SECRET_FILE)): SecretSource {
  if (fromEnv(env) !== null) return "env";
  return ensureSecretFile(file, {
    check: readSecretFile,
    purpose: "the sign-in secret",
    envName: "BETTER_AUTH_SECRET",
  });
}

/**
 * The shared bootstrap behind every generated secret (sign-in secret, connection key): checks an existing
 * `file` with `check` (which throws a one-line config error), or creates it once with 32 random bytes
 * (base64url) and mode 0600. Never returns or logs the value.
 */
export function ensureSecretFile(
  file: string,
  options: { check: (file: string) => unknown; purpose: string; envName: string },
): Exclude<SecretSource, "env"> {
  if (existsSync(file)) {
    options.check(file);
    // Someone may have copied the folder with a permissive umask; the secret protects every user.
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    return "file";
  }
  mkdirSync(path.dirname(file), { recursive: true });
  try {
    // "wx": two processes starting at once must not overwrite each other's secret.
    writeFileSync(file, `${randomBytes(32).toString("base64url")}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return "file";
    throw new AppError(
      "CONFIG_INVALID",
      `Cannot create ${file} for ${options.purpose} (${(error as NodeJS.ErrnoException).code ?? "unknown error"}); set ${options.envName} instead.`,
    );
  }
  return "created";
}
