// Used by scripts/prepare.ts only, like lib/auth/ensure-secret.ts: the app reads the key, never creates it.
import path from "node:path";
import { ensureSecretFile, type SecretSource } from "@/lib/auth/ensure-secret";
import { CONNECTION_KEY_FILE, readConnectionKeyFile, type Env } from "./connection-key";
import { CONNECTION_KEY_ENV, parseConnectionKey } from "./encryption";

/**
 * Makes sure the key that seals saved connections exists: CKS_CONNECTION_KEY when set (validated),
 * otherwise `data/connection-key`, created once (32 random bytes, mode 0600). Never returns or logs the key.
 */
export function ensureConnectionKey(
  env: Env = process.env,
  file: string = path.resolve(CONNECTION_KEY_FILE),
): SecretSource {
  const fromEnv = env[CONNECTION_KEY_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== "") {
    parseConnectionKey(fromEnv);
    return "env";
  }
  return ensureSecretFile(file, {
    check: readConnectionKeyFile,
    purpose: "the connection key",
    envName: CONNECTION_KEY_ENV,
  });
}
