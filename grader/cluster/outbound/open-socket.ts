// Every socket to a cluster is opened here, for HTTP (undici's connector) and for exec WebSockets (ws's
// createConnection) alike: it dials only the address that was resolved and checked for this connection
// (never a fresh DNS answer, never another host), verifies TLS against the server's name, checks that the
// socket really reached that address, and gives up after the connect timeout.
import net from "node:net";
import tls from "node:tls";
import type { CallResult, ClusterFailure } from "../../port";
import { clusterText } from "../../cluster-text";

/** TLS material from the kubeconfig (client-node's `applyToHTTPSOptions`). */
export type TlsSettings = {
  ca?: string | Buffer | Array<string | Buffer>;
  cert?: string | Buffer;
  key?: string | Buffer;
  rejectUnauthorized?: boolean;
  /** `tls-server-name`: the name the certificate must carry when it differs from the URL's host. */
  servername?: string;
};

/** Where and how one cluster connection dials. */
export type DialTarget = {
  /** The host of the server URL, lower case, without brackets. */
  hostname: string;
  port: number;
  secure: boolean;
  tls: TlsSettings;
  connectTimeoutMs: number;
  /** The one address this connection uses, resolved and checked once (memoised by the caller). */
  address(): Promise<CallResult<string>>;
};

/** A failure carried through libraries (undici, ws) that only pass Errors along. */
export class OutboundError extends Error {
  constructor(readonly failure: ClusterFailure) {
    super(failure.message);
  }
}

/** Opens one socket to the target's pinned address; resolves with the connected (and verified) socket or why not. */
export async function openSocket(target: DialTarget, signal?: AbortSignal): Promise<CallResult<net.Socket>> {
  const started = Date.now();
  const address = await target.address();
  if (!address.ok) return address;
  const remaining = target.connectTimeoutMs - (Date.now() - started);
  if (remaining <= 0 || signal?.aborted) {
    return failed({ kind: "timeout", message: `could not connect within ${target.connectTimeoutMs} ms` });
  }
  return dial(target, address.value, remaining, signal);
}

function dial(
  target: DialTarget,
  address: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<CallResult<net.Socket>> {
  return new Promise((resolve) => {
    const where = `${net.isIPv6(address) ? `[${address}]` : address}:${target.port}`;
    // A name in the URL is what the certificate must name; an IP is checked against the certificate's IP entries.
    const servername = target.tls.servername ?? (net.isIP(target.hostname) ? undefined : target.hostname);
    const socket: net.Socket = target.secure
      ? tls.connect({
          host: address,
          port: target.port,
          ...(servername ? { servername } : {}),
          ca: target.tls.ca,
          cert: target.tls.cert,
          key: target.tls.key,
          rejectUnauthorized: target.tls.rejectUnauthorized ?? true,
          ALPNProtocols: ["http/1.1"],
        })
      : net.connect({ host: address, port: target.port });
    let settled = false;
    const finish = (result: CallResult<net.Socket>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      socket.off("error", onError);
      if (!result.ok) socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () => finish(failed({ kind: "timeout", message: `could not connect to ${where} within ${timeoutMs} ms` })),
      timeoutMs,
    );
    const onAbort = () => finish(failed({ kind: "timeout", message: `stopped while connecting to ${where}` }));
    signal?.addEventListener("abort", onAbort, { once: true });
    const onError = (error: NodeJS.ErrnoException) => finish(failed(socketFailure(error, where, target)));
    socket.on("error", onError);
    socket.once(target.secure ? "secureConnect" : "connect", () => {
      const remote = (socket.remoteAddress ?? "").replace(/^::ffff:/, "");
      if (remote !== address.replace(/^::ffff:/, "")) {
        finish(failed({ kind: "refused", message: `connected to ${remote}, not the checked address ${address}` }));
        return;
      }
      finish({ ok: true, value: socket });
    });
  });
}

function socketFailure(error: NodeJS.ErrnoException, where: string, target: DialTarget): ClusterFailure {
  const code = error.code ?? "";
  if (code.startsWith("ERR_TLS_") || code.includes("CERT") || /certificate|SSL|TLS/i.test(error.message)) {
    const name = target.tls.servername ?? target.hostname;
    return {
      kind: "refused",
      message: clusterText(
        `TLS: the server at ${where} did not prove it is ${name} (${code || "handshake failed"}: ${tlsReason(error)}); the grader never sends credentials to a server it cannot verify`,
        300,
      ),
    };
  }
  return { kind: "unreachable", message: clusterText(`${code || "error"}: ${error.message} (${where})`, 300) };
}

// Node's certificate errors carry a readable `reason`; OpenSSL's own messages end in library internals.
function tlsReason(error: NodeJS.ErrnoException): string {
  const reason = (error as { reason?: unknown }).reason;
  if (typeof reason === "string" && reason) return reason;
  const openssl = /routines:[^:]*:([^:]+)/.exec(error.message);
  return (openssl?.[1] ?? error.message).trim().slice(0, 120) || "handshake failed";
}

function failed(failure: ClusterFailure): CallResult<never> {
  return { ok: false, failure };
}
