import { isIP } from "node:net";
import { AppError } from "@/lib/errors/app-error";

/** Where CKS Lab's server listens: HOST (default 127.0.0.1, this machine only) and PORT (default 3000). */
export function listenAddress(env: Record<string, string | undefined>): { host: string; port: number } {
  const host = env.HOST?.trim() || "127.0.0.1";
  const rawPort = env.PORT?.trim() || "3000";
  const port = Number(rawPort);
  if (!/^\d+$/.test(rawPort) || port < 1 || port > 65535)
    throw new AppError("CONFIG_INVALID", `PORT must be a port number from 1 to 65535; found "${rawPort}".`);
  // A host name is allowed (it resolves when listening); anything with spaces, a scheme or a port is a mistake.
  if (isIP(host) === 0 && !/^[A-Za-z0-9.-]{1,253}$/.test(host))
    throw new AppError(
      "CONFIG_INVALID",
      `HOST must be an address to listen on, such as 127.0.0.1 or 0.0.0.0; found "${host}".`,
    );
  return { host, port };
}
