import { readFileSync } from "node:fs";
import path from "node:path";
import { AppError } from "@/lib/errors/app-error";

/** Environment variables as read here (process.env, or a test's own object). */
export type Env = Record<string, string | undefined>;

/** Where the generated secret lives when BETTER_AUTH_SECRET is not set (relative to the app's folder). */
export const AUTH_SECRET_FILE = path.join("data", "auth-secret");

/** Shortest secret accepted (better-auth warns below 32 characters). */
export const MIN_LENGTH = 32;

/** The secret that signs session cookies: BETTER_AUTH_SECRET, else the file `ensureAuthSecret` made. */
export function readAuthSecret(env: Env = process.env, file: string = path.resolve(AUTH_SECRET_FILE)): string {
  return fromEnv(env) ?? readSecretFile(file);
}

/** BETTER_AUTH_SECRET when set; throws a one-line config error when it is too short. */
export function fromEnv(env: Env): string | null {
  const value = env.BETTER_AUTH_SECRET?.trim();
  if (!value) return null;
  if (value.length < MIN_LENGTH) {
    throw new AppError(
      "CONFIG_INVALID",
      `BETTER_AUTH_SECRET must be at least ${MIN_LENGTH} characters (for example: openssl rand -base64 32).`,
    );
  }
  return value;
}

/** The secret stored in `file`; a one-line config error when missing or too short. */
export function readSecretFile(file: string): string {
  let value: string;
  try {
    value = readFileSync(file, "utf8").trim();
  } catch {
    throw new AppError(
      "CONFIG_INVALID",
      `No sign-in secret: set BETTER_AUTH_SECRET, or run \`npm run db:migrate\` to create ${file}.`,
    );
  }
  if (value.length < MIN_LENGTH) {
    throw new AppError(
      "CONFIG_INVALID",
      `${file} holds a secret shorter than ${MIN_LENGTH} characters; delete it and run \`npm run db:migrate\` to create a new one.`,
    );
  }
  return value;
}
