import { readFileSync } from "node:fs";
import path from "node:path";
import { AppError } from "@/lib/errors/app-error";
import { CONNECTION_KEY_ENV, parseConnectionKey, type ConnectionKey } from "./encryption";

/** Environment variables as read here (process.env, or a test's own object). */
export type Env = Record<string, string | undefined>;

/** Where `npm start` creates the key when CKS_CONNECTION_KEY is not set (relative to the app's folder). */
export const CONNECTION_KEY_FILE = path.join("data", "connection-key");

/** The key in `file`; a one-line config error (without the file's content) when missing or invalid. */
export function readConnectionKeyFile(file: string): ConnectionKey {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new AppError(
      "CONFIG_INVALID",
      `No connection key: set ${CONNECTION_KEY_ENV}, or run \`npm run db:migrate\` to create ${file}.`,
    );
  }
  try {
    return parseConnectionKey(text);
  } catch {
    throw new AppError(
      "CONFIG_INVALID",
      `${file} does not hold a 32-byte base64 key; restore it (saved connections need it) or delete it and run \`npm run db:migrate\`.`,
    );
  }
}

const cached = new Map<string, ConnectionKey>();

/** The key that seals saved connections: CKS_CONNECTION_KEY when set, else `data/connection-key`; read once per process. */
export function loadConnectionKey(
  env: Env = process.env,
  file: string = path.resolve(CONNECTION_KEY_FILE),
): ConnectionKey {
  const fromEnv = env[CONNECTION_KEY_ENV];
  const cacheKey = fromEnv !== undefined && fromEnv.trim() !== "" ? `env:${fromEnv}` : `file:${file}`;
  let key = cached.get(cacheKey);
  if (!key) {
    key = cacheKey.startsWith("env:") ? parseConnectionKey(fromEnv) : readConnectionKeyFile(file);
    cached.set(cacheKey, key);
  }
  return key;
}
