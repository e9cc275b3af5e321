// The one place that talks to a cluster's API server. Every HTTP request and every exec WebSocket of one
// cluster connection goes through an Outbound, which:
// - never follows a redirect: a 3xx (HTTP or WebSocket upgrade) is a `refused` failure naming the target;
// - dials only the address resolved and checked once for this connection (open-socket.ts), for every socket;
// - aborts for real: the caller's signal and the call deadline reach undici, which closes the socket, and
//   header and body-idle timeouts bound a server that stalls;
// - reads at most `maxResponseBytes` of a body (counted while reading; a declared larger length is refused
//   before reading) and at most `maxMessageBytes` in one WebSocket message;
// - keeps at most `maxConnectionsPerLearner` requests and exec streams in flight for one owner across the
//   process (connection-budget.ts), and pools at most `maxHttpConnections` sockets per connection.
// It knows nothing about Kubernetes or client-node, so any adapter behind the grader's port can use it.
import { randomUUID } from "node:crypto";
import { isIP } from "node:net";
import { Agent } from "undici";
import WebSocket from "ws";
import type { CallResult, ClusterFailure } from "../../port";
import { clusterText } from "../../cluster-text";
import { classifyAddress, refusalFor, systemLookup, type AddressPolicy } from "./check-cluster-address";
import { connectionBudget, type ConnectionBudget } from "./connection-budget";
import { DEFAULT_OUTBOUND_LIMITS, formatBytes, type TOutboundLimits } from "./limits";
import { OutboundError, openSocket, type DialTarget, type TlsSettings } from "./open-socket";
import type { Lookup } from "./resolve-host";
import { errorMessage } from "@/lib/errors/error-message";

export type OutboundOptions = {
  /** The API server URL (a path prefix, as some proxies use, is kept). */
  server: string;
  tls: TlsSettings;
  /** Whose budget the sockets count against (a learner's id); default: this connection alone. */
  owner?: string;
  /** The address to dial, already resolved and checked by the caller; default: resolve the URL's host once. */
  pinnedAddress?: string;
  /** Addresses refused for this connection (saved connections); none for the server's own kubeconfig. */
  policy?: AddressPolicy;
  limits?: Partial<TOutboundLimits>;
  lookup?: Lookup;
  budget?: ConnectionBudget;
};

/** One HTTP request. `path` is the API path with its query ("/api/v1/namespaces/x?y=z"). */
export type OutboundRequest = {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /** How messages name the call ("get pods/log nginx"). */
  what: string;
};

/** A complete HTTP answer, any status but 3xx; the body is at most `maxResponseBytes`. */
export type HttpAnswer = { status: number; contentType: string; body: Buffer };

/** How opening an exec WebSocket ended: open, answered with plain HTTP (a 403 Status, say), or failed. */
export type WebSocketOpening =
  | { kind: "open"; socket: WebSocket }
  | { kind: "http"; answer: HttpAnswer }
  | { kind: "failed"; failure: ClusterFailure };

// What an upgrade refused with plain HTTP may send back: enough for a Status message, no more.
const UPGRADE_ERROR_BODY_BYTES = 64 * 1024;

/** A bounded connection to one cluster; see the file comment for what it guarantees. */
export class Outbound {
  readonly limits: TOutboundLimits;
  private readonly url: URL;
  private readonly basePath: string;
  private readonly target: DialTarget;
  private readonly owner: string;
  private readonly budget: ConnectionBudget;
  private readonly agent: Agent;
  private readonly options: OutboundOptions;
  private pinned: Promise<CallResult<string>> | null = null;

  constructor(options: OutboundOptions) {
    this.options = options;
    this.limits = { ...DEFAULT_OUTBOUND_LIMITS, ...options.limits };
    this.url = new URL(options.server);
    this.basePath = this.url.pathname.replace(/\/+$/, "");
    const secure = this.url.protocol === "https:";
    this.target = {
      hostname: this.url.hostname.replace(/^\[|\]$/g, "").toLowerCase(),
      port: Number(this.url.port || (secure ? 443 : 80)),
      secure,
      tls: options.tls,
      connectTimeoutMs: this.limits.connectTimeoutMs,
      address: () => this.address(),
    };
    this.owner = options.owner ?? `connection:${randomUUID()}`;
    this.budget = options.budget ?? connectionBudget;
    const target = this.target;
    this.agent = new Agent({
      connections: Math.min(this.limits.maxHttpConnections, this.limits.maxConnectionsPerLearner),
      pipelining: 1,
      keepAliveTimeout: 2_000,
      keepAliveMaxTimeout: 5_000,
      headersTimeout: this.limits.headersTimeoutMs,
      bodyTimeout: this.limits.bodyIdleTimeoutMs,
      maxResponseSize: this.limits.maxResponseBytes,
      connect: (options, callback) => {
        // This agent serves one origin; anything else (a bug, or a redirect someone taught undici to follow) is refused.
        const host = options.hostname.replace(/^\[|\]$/g, "").toLowerCase();
        if (host !== target.hostname || options.protocol !== this.url.protocol) {
          callback(new OutboundError({ kind: "refused", message: `refused a connection to ${host}` }), null);
          return;
        }
        void openSocket(target).then((opened) =>
          opened.ok ? callback(null, opened.value) : callback(new OutboundError(opened.failure), null),
        );
      },
    });
  }

  /** The one address every socket of this connection dials: resolved and checked on first use, then reused. */
  address(): Promise<CallResult<string>> {
    this.pinned ??= this.resolveAddress();
    return this.pinned;
  }

  /** Sends one request and reads the whole (bounded) answer; every outcome is data. */
  async request(request: OutboundRequest): Promise<CallResult<HttpAnswer>> {
    const deadline = AbortSignal.timeout(this.limits.callTimeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, deadline]) : deadline;
    const release = await this.takeSlot(request, signal, this.limits.callTimeoutMs);
    if (!release.ok) return release;
    try {
      const response = await this.agent.request({
        origin: this.url.origin,
        path: `${this.basePath}${request.path}`,
        method: request.method,
        headers: request.headers ?? {},
        ...(request.body !== undefined ? { body: request.body } : {}),
        signal,
      });
      const status = response.statusCode;
      const header = (name: string) => {
        const value = response.headers[name];
        return Array.isArray(value) ? (value[0] ?? "") : (value ?? "");
      };
      if (status >= 300 && status < 400) {
        discard(response.body);
        return refused(this.redirectMessage(request.what, status, header("location")));
      }
      const declared = Number(header("content-length") || "0");
      if (declared > this.limits.maxResponseBytes) {
        discard(response.body);
        return refused(this.tooLargeMessage(request.what, `declared ${formatBytes(declared)},`));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > this.limits.maxResponseBytes) {
          discard(response.body);
          return refused(this.tooLargeMessage(request.what, "went"));
        }
        chunks.push(chunk);
      }
      return { ok: true, value: { status, contentType: header("content-type"), body: Buffer.concat(chunks, size) } };
    } catch (error) {
      return { ok: false, failure: this.transportFailure(error, request, deadline) };
    } finally {
      release.value();
    }
  }

  /** Opens an exec-style WebSocket; resolves once it is open, refused or failed. The caller closes an open one. */
  async openWebSocket(request: {
    path: string;
    protocols: string[];
    headers?: Record<string, string>;
    signal?: AbortSignal;
    what: string;
    /** Attached before the socket opens, so frames sent together with the upgrade are not lost. */
    onMessage: (data: Buffer, isBinary: boolean) => void;
  }): Promise<WebSocketOpening> {
    const scheme = this.target.secure ? "wss" : "ws";
    const url = `${scheme}://${this.url.host}${this.basePath}${request.path}`;
    const timeoutMs = this.limits.connectTimeoutMs + this.limits.headersTimeoutMs;
    const slot = await this.takeSlot(request, request.signal, timeoutMs);
    if (!slot.ok) return { kind: "failed", failure: slot.failure };
    return new Promise((resolve) => {
      let settled = false;
      const settle = (opening: WebSocketOpening) => {
        if (settled) return;
        settled = true;
        request.signal?.removeEventListener("abort", onAbort);
        if (opening.kind !== "open") socket.terminate();
        resolve(opening);
      };
      const socket = new WebSocket(url, request.protocols, {
        headers: request.headers ?? {},
        followRedirects: false,
        perMessageDeflate: false,
        maxPayload: this.limits.maxMessageBytes,
        handshakeTimeout: timeoutMs,
        // ws hands this to http.request; the socket comes from the same pinned, budgeted dialler as HTTP.
        createConnection: ((_options: unknown, oncreate: (error: Error | null, socket: unknown) => void) => {
          void openSocket(this.target, request.signal).then((opened) =>
            opened.ok ? oncreate(null, opened.value) : oncreate(new OutboundError(opened.failure), null),
          );
          return undefined;
        }) as unknown as WebSocket.ClientOptions["createConnection"],
      });
      const onAbort = () =>
        settle({ kind: "failed", failure: { kind: "timeout", message: `${request.what}: stopped before it opened` } });
      if (request.signal?.aborted) onAbort();
      request.signal?.addEventListener("abort", onAbort, { once: true });
      // The slot is the learner's until this stream is over, however it ends.
      socket.once("close", slot.value);
      socket.on("message", (data: Buffer, isBinary: boolean) => request.onMessage(data, isBinary));
      socket.on("open", () => settle({ kind: "open", socket }));
      socket.on("error", (error: Error) =>
        settle({ kind: "failed", failure: this.transportFailure(error, request, null) }),
      );
      socket.on("unexpected-response", (req, res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          req.destroy();
          settle({
            kind: "failed",
            failure: refused(this.redirectMessage(request.what, status, res.headers.location ?? "")).failure,
          });
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () =>
          settle({
            kind: "http",
            answer: { status, contentType: res.headers["content-type"] ?? "", body: Buffer.concat(chunks) },
          });
        res.on("data", (chunk: Buffer) => {
          if (size >= UPGRADE_ERROR_BODY_BYTES) return;
          chunks.push(chunk.subarray(0, UPGRADE_ERROR_BODY_BYTES - size));
          size += chunk.length;
          // Enough to explain the refusal: stop reading (a 10 MB Status message is not read to its end).
          if (size >= UPGRADE_ERROR_BODY_BYTES) {
            req.destroy();
            done();
          }
        });
        res.on("end", done);
        res.on("error", done);
        res.on("close", done);
      });
    });
  }

  /** Closes every socket of this connection. */
  async close(): Promise<void> {
    await this.agent.destroy().catch(() => undefined);
  }

  private async takeSlot(
    request: { what: string },
    signal: AbortSignal | undefined,
    timeoutMs: number,
  ): Promise<CallResult<() => void>> {
    const release = await this.budget.acquire(this.owner, this.limits.maxConnectionsPerLearner, timeoutMs, signal);
    if (release) return { ok: true, value: release };
    if (signal?.aborted)
      return { ok: false, failure: { kind: "timeout", message: `${request.what}: stopped (its check or run ended)` } };
    return {
      ok: false,
      failure: {
        kind: "timeout",
        message: `${request.what}: waited ${timeoutMs} ms for one of the ${this.limits.maxConnectionsPerLearner} connections a learner's cluster may have in use at once`,
      },
    };
  }

  private async resolveAddress(): Promise<CallResult<string>> {
    const { hostname } = this.target;
    let addresses: string[];
    if (this.options.pinnedAddress) addresses = [this.options.pinnedAddress];
    else if (isIP(hostname)) addresses = [hostname];
    else {
      try {
        addresses = await (this.options.lookup ?? systemLookup)(hostname);
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        return {
          ok: false,
          failure: {
            kind: "unreachable",
            message: `${hostname} could not be resolved${typeof code === "string" ? ` (${code})` : ""}`,
          },
        };
      }
      if (addresses.length === 0)
        return { ok: false, failure: { kind: "unreachable", message: `${hostname} resolves to no address` } };
    }
    if (this.options.policy) {
      for (const address of addresses) {
        const refusal = refusalFor(classifyAddress(address), this.options.policy);
        if (refusal) return refused(`the cluster's address ${address} ${refusal}`);
      }
    }
    return { ok: true, value: addresses[0]! };
  }

  private redirectMessage(what: string, status: number, location: string): string {
    const where = location ? clusterText(location, 200) : "(no Location header)";
    return `${what}: the API server answered ${status} with a redirect to ${where}; the grader never follows redirects`;
  }

  private tooLargeMessage(what: string, how: string): string {
    return `${what}: the answer ${how} over the ${formatBytes(this.limits.maxResponseBytes)} limit, so the grader stopped reading it`;
  }

  private transportFailure(
    error: unknown,
    request: { what: string; signal?: AbortSignal },
    deadline: AbortSignal | null,
  ): ClusterFailure {
    if (error instanceof OutboundError) return error.failure;
    if (request.signal?.aborted)
      return { kind: "timeout", message: `${request.what}: stopped (its check or run ended)` };
    if (deadline?.aborted)
      return { kind: "timeout", message: `${request.what}: no complete answer within ${this.limits.callTimeoutMs} ms` };
    const code = (error as { code?: unknown }).code;
    const text = clusterText(errorMessage(error), 300);
    switch (code) {
      case "UND_ERR_HEADERS_TIMEOUT":
        return {
          kind: "timeout",
          message: `${request.what}: no response headers within ${this.limits.headersTimeoutMs} ms`,
        };
      case "UND_ERR_BODY_TIMEOUT":
        return {
          kind: "timeout",
          message: `${request.what}: the answer stalled for ${this.limits.bodyIdleTimeoutMs} ms`,
        };
      case "UND_ERR_RES_EXCEEDED_MAX_SIZE":
        return { kind: "refused", message: this.tooLargeMessage(request.what, "went") };
      case "UND_ERR_HEADERS_OVERFLOW":
      case "HPE_HEADER_OVERFLOW":
        return { kind: "refused", message: `${request.what}: the response headers were too large` };
      case "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH":
        return {
          kind: "refused",
          message: `${request.what}: a message over ${formatBytes(this.limits.maxMessageBytes)}`,
        };
      default:
        if (/handshake has timed out/i.test(text))
          return { kind: "timeout", message: `${request.what}: the WebSocket did not open in time` };
        return {
          kind: "unreachable",
          message: `${request.what}: ${typeof code === "string" ? `${code}: ` : ""}${text}`,
        };
    }
  }
}

// Stops reading a body for good: undici then closes the socket. Destroying emits an abort error nobody needs.
function discard(body: NodeJS.ReadableStream & { destroy(): void }): void {
  body.on("error", () => undefined);
  body.destroy();
}

function refused(message: string): { ok: false; failure: ClusterFailure } {
  return { ok: false, failure: { kind: "refused", message } };
}
