import { AppError } from "@/lib/errors/app-error";

/** Environment variables as read here (process.env, or a test's own object). */
export type Env = Record<string, string | undefined>;

/** The URL people open CKS Lab at: BETTER_AUTH_URL, else http://localhost:<PORT or 3000>. */
export function resolveBaseUrl(env: Env = process.env): string {
  const raw = env.BETTER_AUTH_URL?.trim() || `http://localhost:${env.PORT?.trim() || "3000"}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError(
      "CONFIG_INVALID",
      `BETTER_AUTH_URL must be the address people open CKS Lab at, such as https://cks.example.edu; found "${raw}".`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new AppError("CONFIG_INVALID", `BETTER_AUTH_URL must start with http:// or https://; found "${raw}".`);
  }
  return url.origin;
}

const LOOPBACK = ["localhost", "127.0.0.1", "[::1]"];

/**
 * Origins better-auth accepts for cookie-carrying POSTs. On a loopback base URL the same port
 * under the other loopback names is the same machine, so a learner who types 127.0.0.1 can sign in.
 */
export function trustedOrigins(baseUrl: string): string[] {
  const url = new URL(baseUrl);
  if (!LOOPBACK.includes(url.hostname)) return [url.origin];
  return LOOPBACK.map((host) => `${url.protocol}//${host}${url.port ? `:${url.port}` : ""}`);
}
