// CKS Lab's HTTP server: Node's http server in front of Next's request handler. It exists so that
// "who is asking" comes from the TCP socket, not from headers a client writes: every request and
// WebSocket upgrade is stamped by lib/http/client-address.ts (client copies of x-cks-* removed, the
// peer and client address set) before anything routes it. Used by `npm start`, `npm run dev` and
// e2e/support/app-server.ts (the browser tests and the load test). Listens on 127.0.0.1 unless HOST
// says otherwise (README, Configuration).
//
//   tsx scripts/server.ts [--dev]      environment: PORT (3000), HOST (127.0.0.1), CKS_TRUSTED_PROXIES
import { createServer, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import path from "node:path";
import { errorMessage } from "@/lib/errors/error-message";
import { parseTrustedProxies, stampPeer } from "@/lib/http/client-address";
import { listenAddress } from "@/lib/http/listen-address";
import { TUNNEL_PATH } from "@/grader";
import { agentUpgrade } from "./agent-upgrade";
import { runCli } from "./run-cli";

/**
 * WebSocket upgrades CKS Lab serves itself, by path: the agent tunnel (scripts/agent-upgrade.ts). Each
 * handler gets the stamped request, so it reads the peer like any route, and must authorise it
 * through lib/auth/door.ts before accepting. Unknown paths are refused; in development Next's own
 * hot-reload socket under /_next/ is left to Next.
 */
export type UpgradeHandler = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;
const UPGRADES = new Map<string, UpgradeHandler>([[TUNNEL_PATH, agentUpgrade]]);

const dev = process.argv.includes("--dev");
// React and Next pick their builds from NODE_ENV when first loaded: set it before importing them.
(process.env as Record<string, string>).NODE_ENV = dev ? "development" : "production";

/**
 * First run (no account yet): prints the one-time setup code that /setup asks for, and where it is
 * saved, like Jenkins and Grafana do. Only someone who sees this console or that file can claim the
 * instance. Printed again on every start until it is used.
 */
async function announceSetupCode(): Promise<void> {
  const { countUsers } = await import("@/lib/auth/users");
  if ((await countUsers()) > 0) return;
  const { ensureSetupCode } = await import("@/lib/auth/ensure-setup-code");
  const { setupCodeFile } = await import("@/lib/auth/setup-code");
  const code = ensureSetupCode();
  const file = setupCodeFile();
  const relative = path.relative(process.cwd(), file);
  const where = relative && !relative.startsWith("..") ? relative : file;
  const lines = [
    "First run: nobody has an account yet.",
    "Open /setup and enter this one-time setup code to create the instructor account:",
    "",
    `    ${code}`,
    "",
    `(also saved in ${where}, readable only by this user; it is deleted once used)`,
  ];
  const width = Math.max(...lines.map((line) => line.length));
  const rule = `+${"-".repeat(width + 2)}+`;
  console.log([rule, ...lines.map((line) => `| ${line.padEnd(width)} |`), rule].join("\n"));
}

await runCli(async () => {
  const { host, port } = listenAddress(process.env);
  const trusted = parseTrustedProxies(process.env.CKS_TRUSTED_PROXIES);
  const { default: next } = await import("next");
  const app = next({ dev, dir: path.resolve(import.meta.dirname, ".."), hostname: host, port });
  await app.prepare();
  const handle = app.getRequestHandler();

  const server = createServer((request, response) => {
    stampPeer(request, trusted);
    handle(request, response).catch((error: unknown) => {
      console.error("request failed:", errorMessage(error));
      if (!response.headersSent) response.writeHead(500).end();
    });
  });
  server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    stampPeer(request, trusted);
    const pathname = new URL(request.url ?? "/", "http://upgrade.invalid").pathname;
    const handler = UPGRADES.get(pathname);
    if (handler) return handler(request, socket, head);
    if (dev && pathname.startsWith("/_next/")) return; // Next's hot reload attaches its own listener.
    socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
  });

  // Before listening, so the code's file exists by the time anyone can open /setup.
  await announceSetupCode();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const shown = host.includes(":") ? `[${host}]` : host;
  console.log(`CKS Lab ${dev ? "(development) " : ""}listening on http://${shown}:${port}`);
  if (trusted.entries.length) console.log(`trusting X-Forwarded-For from: ${trusted.entries.join(", ")}`);

  const stop = () => {
    server.close();
    server.closeAllConnections();
    void app.close().finally(() => process.exit(0));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
});
