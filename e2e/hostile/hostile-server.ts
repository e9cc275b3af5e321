// A Kubernetes API server that attacks its client: test infrastructure for the grader's outbound bounds.
// It answers enough of the API (version, discovery, namespaces, pods, logs, exec, access reviews, dry-run
// creates) for a whole grading run to reach the attack, and behaves as the scenario in the URL's path says:
// the kubeconfig's server is https://127.0.0.1:<port>/s/<scenario>, and client paths come after that prefix.
// It listens on 127.0.0.1 only, with a canary beside it that must never be contacted.
import { randomUUID } from "node:crypto";
import http from "node:http";
import https from "node:https";
import type { AddressInfo, Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import { WebSocketServer, type WebSocket } from "ws";
import { testCertificate } from "@/grader/testing/tls-certificate";

/** Every way the server misbehaves; `healthy` is the baseline a run must pass through untouched. */
export const SCENARIOS = [
  "healthy",
  "redirect",
  "endless-body",
  "slow-headers",
  "slow-body",
  "endless-logs",
  "exec-never-closes",
  "huge-status",
  "html-control",
  "wrong-name",
] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** Text with markup, terminal escapes, a carriage return that would overwrite a line and a bidi override. */
export const HOSTILE_TEXT =
  '<script>alert("cks")</script><img src=x onerror=alert(1)>\u001b[2J\u001b[31mFAKE\r all checks passed \u202egnissap\u0000';

/** What the server has seen, for assertions: sockets now open, requests, bytes sent, canary connections. */
export type HostileStats = {
  openSockets: number;
  accepted: number;
  requests: number;
  bytesSent: number;
  canaryConnections: number;
};

export type HostileServer = {
  /** The kubeconfig server URL for a scenario (wrong-name has its own listener). */
  serverUrl(scenario: Scenario): string;
  /** PEM of the CA that signs the scenario's certificate (base64 it for certificate-authority-data). */
  caPem(scenario: Scenario): string;
  canaryUrl: string;
  stats(): HostileStats;
  stop(): Promise<void>;
};

const TEN_MB = 10 * 1024 * 1024;

/** Starts the hostile API server, its wrong-name twin and the canary, all on 127.0.0.1. */
export async function startHostileServer(): Promise<HostileServer> {
  const good = testCertificate("IP:127.0.0.1");
  const wrong = testCertificate("DNS:wrong.example");
  const sockets = new Set<Socket>();
  const secured = new Set<TLSSocket>();
  let closedBytes = 0;
  const stats = { accepted: 0, requests: 0, canaryConnections: 0 };

  const canary = http.createServer((_req, res) => res.end("instance metadata: secret-token-from-the-canary"));
  canary.on("connection", () => (stats.canaryConnections += 1));
  await listen(canary);
  const canaryUrl = `http://127.0.0.1:${(canary.address() as AddressInfo).port}/latest/meta-data/iam/`;

  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => (offered.has("v5.channel.k8s.io") ? "v5.channel.k8s.io" : false),
  });
  const track = (server: https.Server) => {
    server.on("connection", (socket: Socket) => {
      stats.accepted += 1;
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    // What the server managed to hand to TLS, counted per connection: a client that stopped reading
    // stops this growing, because every writer here waits for the socket to drain.
    server.on("secureConnection", (socket: TLSSocket) => {
      secured.add(socket);
      socket.on("close", () => {
        secured.delete(socket);
        closedBytes += socket.bytesWritten;
      });
    });
    server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
      stats.requests += 1;
      handle(req, res, { canaryUrl, sockets, stats });
    });
    server.on("upgrade", (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
      stats.requests += 1;
      upgrade(req, socket, head, wss, canaryUrl);
    });
    // Slow-headers clients must be dropped by the client, not by Node's own request timeouts.
    server.requestTimeout = 0;
    server.headersTimeout = 0;
    server.keepAliveTimeout = 5_000;
  };
  const main = https.createServer({ cert: good.cert, key: good.key });
  const wrongName = https.createServer({ cert: wrong.cert, key: wrong.key });
  track(main);
  track(wrongName);
  await listen(main);
  await listen(wrongName);
  const mainUrl = `https://127.0.0.1:${(main.address() as AddressInfo).port}`;
  const wrongUrl = `https://127.0.0.1:${(wrongName.address() as AddressInfo).port}`;

  return {
    serverUrl: (scenario) => `${scenario === "wrong-name" ? wrongUrl : mainUrl}/s/${scenario}`,
    caPem: (scenario) => (scenario === "wrong-name" ? wrong.cert : good.cert),
    canaryUrl,
    stats: () => ({
      ...stats,
      openSockets: sockets.size,
      bytesSent: [...secured].reduce((sum, socket) => sum + socket.bytesWritten, closedBytes),
    }),
    async stop() {
      for (const socket of sockets) socket.destroy();
      for (const client of wss.clients) client.terminate();
      await Promise.all([close(main), close(wrongName), close(canary)]);
    },
  };
}

function listen(server: http.Server | https.Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
}

function close(server: http.Server | https.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

type Context = { canaryUrl: string; sockets: Set<Socket>; stats: { requests: number } };

function route(url: string): { scenario: Scenario | null; path: string } {
  const match = /^\/s\/([a-z-]+)(\/.*)?$/.exec(url);
  const scenario = match && (SCENARIOS as readonly string[]).includes(match[1]!) ? (match[1] as Scenario) : null;
  return { scenario, path: match?.[2] ?? "/" };
}

function handle(req: http.IncomingMessage, res: http.ServerResponse, ctx: Context): void {
  req.resume();
  const { scenario, path } = route(req.url ?? "/");
  if (!scenario) return json(res, 404, status(404, "NotFound", "no such scenario"));
  switch (scenario) {
    case "redirect":
      res.writeHead(302, { location: `${ctx.canaryUrl}?from=${encodeURIComponent(path)}` });
      return void res.end();
    case "endless-body":
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"kind":"Pod","apiVersion":"v1","metadata":{"name":"');
      return pump(res, Buffer.alloc(64 * 1024, "a"));
    case "slow-headers":
      return; // Never answers; the socket stays open until the client gives up.
    case "slow-body":
      res.writeHead(200, { "content-type": "application/json" });
      return drip(res, " ", 200);
    case "huge-status": {
      res.writeHead(403, { "content-type": "application/json" });
      res.write('{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Forbidden","code":403,"message":"');
      return pump(res, Buffer.alloc(64 * 1024, "x"), TEN_MB, '"}');
    }
    case "html-control":
      if (path === "/version") return json(res, 200, { gitVersion: `v1.35.0${HOSTILE_TEXT}`, platform: HOSTILE_TEXT });
      if (path.startsWith("/api/v1/namespaces/") && !path.includes("/pods")) return healthy(req, res, path);
      if (path.startsWith("/apis/authorization.k8s.io/"))
        return json(res, 201, {
          kind: "SelfSubjectAccessReview",
          apiVersion: "authorization.k8s.io/v1",
          status: { allowed: false, reason: HOSTILE_TEXT },
        });
      if (path.includes("/log")) {
        res.writeHead(200, { "content-type": "text/plain" });
        return void res.end(`${HOSTILE_TEXT}\n`.repeat(50));
      }
      return json(res, 403, status(403, "Forbidden", `${HOSTILE_TEXT} ${"<b>x</b>".repeat(2000)}`));
    case "endless-logs":
      if (/\/pods\/[^/]+\/log/.test(path)) {
        res.writeHead(200, { "content-type": "text/plain" });
        return pump(res, Buffer.from("nginx: [emerg] still going ".repeat(2000)));
      }
      return healthy(req, res, path);
    default:
      return healthy(req, res, path);
  }
}

/** Writes `chunk` as fast as the client reads, until `limit` bytes (then `tail`) or until the client hangs up. */
function pump(res: http.ServerResponse, chunk: Buffer, limit = Infinity, tail = ""): void {
  let sent = 0;
  const next = () => {
    while (!res.destroyed && sent < limit) {
      sent += chunk.length;
      if (!res.write(chunk)) return;
    }
    if (!res.destroyed && sent >= limit) res.end(tail);
  };
  res.on("drain", next);
  res.on("error", () => undefined);
  next();
}

function drip(res: http.ServerResponse, text: string, everyMs: number): void {
  const timer = setInterval(() => res.write(text), everyMs);
  res.on("close", () => clearInterval(timer));
  res.on("error", () => undefined);
}

function json(res: http.ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function status(code: number, reason: string, message: string) {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code };
}

// Enough of a real API server for a run to get going: every pod exists and runs one container, "nginx", so
// checks (which may leave the container out) reach the call a scenario attacks.
function healthy(req: http.IncomingMessage, res: http.ServerResponse, path: string): void {
  const [pathname] = path.split("?");
  const parts = (pathname ?? "").split("/").filter(Boolean);
  if (pathname === "/version") return json(res, 200, { major: "1", minor: "35", gitVersion: "v1.35.0" });
  if (pathname === "/api/v1")
    return json(res, 200, {
      kind: "APIResourceList",
      groupVersion: "v1",
      resources: [
        { name: "namespaces", namespaced: false, kind: "Namespace", verbs: ["get"] },
        { name: "pods", namespaced: true, kind: "Pod", verbs: ["get", "list", "create"] },
        { name: "pods/log", namespaced: true, kind: "Pod", verbs: ["get"] },
        { name: "secrets", namespaced: true, kind: "Secret", verbs: ["get"] },
        { name: "services", namespaced: true, kind: "Service", verbs: ["get"] },
      ],
    });
  if (parts[0] === "apis" && parts.length === 3) {
    const groupVersion = `${parts[1]}/${parts[2]}`;
    if (groupVersion === "authorization.k8s.io/v1" && req.method === "GET")
      return json(res, 200, { kind: "APIResourceList", groupVersion, resources: [] });
    return json(res, 200, {
      kind: "APIResourceList",
      groupVersion,
      resources: [
        { name: "validatingadmissionpolicies", namespaced: false, kind: "ValidatingAdmissionPolicy", verbs: ["get"] },
        {
          name: "validatingadmissionpolicybindings",
          namespaced: false,
          kind: "ValidatingAdmissionPolicyBinding",
          verbs: ["get"],
        },
        { name: "networkpolicies", namespaced: true, kind: "NetworkPolicy", verbs: ["get", "list"] },
        { name: "ingresses", namespaced: true, kind: "Ingress", verbs: ["get", "list"] },
        { name: "selfsubjectaccessreviews", namespaced: false, kind: "SelfSubjectAccessReview", verbs: ["create"] },
      ],
    });
  }
  if (pathname === "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")
    return json(res, 201, {
      kind: "SelfSubjectAccessReview",
      apiVersion: "authorization.k8s.io/v1",
      status: { allowed: true, reason: "hostile test server: allowed" },
    });
  // /api/v1/namespaces/<ns>[/pods[/<name>[/log]]]
  if (parts[0] === "api" && parts[2] === "namespaces" && parts[3]) {
    const namespace = parts[3];
    if (parts.length === 4)
      return json(res, 200, { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } });
    if (parts[4] === "pods" && req.method === "POST")
      return json(res, 201, { apiVersion: "v1", kind: "Pod", metadata: { name: "dry-run", namespace } });
    if (parts[4] === "pods" && parts.length === 5)
      return json(res, 200, { apiVersion: "v1", kind: "PodList", metadata: {}, items: [pod(namespace, "nginx")] });
    if (parts[4] === "pods" && parts[5] && parts.length === 6) return json(res, 200, pod(namespace, parts[5]));
    if (parts[4] === "pods" && parts[6] === "log") {
      res.writeHead(200, { "content-type": "text/plain" });
      return void res.end("hostile test server log line\n");
    }
  }
  json(res, 404, status(404, "NotFound", `${pathname} not found`));
}

function pod(namespace: string, name: string) {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace, uid: randomUUID() },
    spec: { containers: [{ name: "nginx", image: "nginx" }], volumes: [] },
    status: {
      phase: "Running",
      containerStatuses: [
        { name: "nginx", ready: true, restartCount: 0, state: { running: { startedAt: "2026-11-28T00:00:00Z" } } },
      ],
    },
  };
}

function upgrade(req: http.IncomingMessage, socket: Socket, head: Buffer, wss: WebSocketServer, canaryUrl: string) {
  socket.on("error", () => undefined);
  const { scenario } = route(req.url ?? "/");
  const refuse = (text: string) => socket.end(text);
  switch (scenario) {
    case "redirect":
      return refuse(`HTTP/1.1 302 Found\r\nLocation: ${canaryUrl}\r\nContent-Length: 0\r\n\r\n`);
    case "slow-headers":
      // Reads on (so it notices the client hanging up) and never answers.
      socket.resume();
      socket.on("end", () => socket.end());
      return;
    case "huge-status": {
      socket.write("HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\n\r\n");
      socket.write('{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Forbidden","code":403,"message":"');
      const chunk = Buffer.alloc(64 * 1024, "x");
      let sent = 0;
      const next = () => {
        while (!socket.destroyed && sent < TEN_MB) {
          sent += chunk.length;
          if (!socket.write(chunk)) return;
        }
        if (!socket.destroyed) socket.end('"}');
      };
      socket.on("drain", next);
      return next();
    }
    case "html-control":
      return wss.handleUpgrade(req, socket, head, (ws) => {
        ws.send(frame(2, HOSTILE_TEXT));
        ws.send(
          frame(3, JSON.stringify({ metadata: {}, status: "Failure", reason: "InternalError", message: HOSTILE_TEXT })),
        );
      });
    default:
      return wss.handleUpgrade(req, socket, head, (ws) => execSession(ws, scenario));
  }
}

function execSession(ws: WebSocket, scenario: Scenario | null): void {
  ws.on("error", () => undefined);
  if (scenario === "exec-never-closes" || scenario === "slow-body") {
    // Output that trickles forever, never a status, never a close.
    ws.send(frame(1, "started\n"));
    const timer = setInterval(() => ws.send(frame(1, ".")), 200);
    ws.on("close", () => clearInterval(timer));
    return;
  }
  if (scenario === "endless-body") {
    const chunk = frame(1, "y".repeat(32 * 1024));
    const next = () => {
      while (ws.readyState === ws.OPEN && ws.bufferedAmount < 1024 * 1024) ws.send(chunk);
      if (ws.readyState === ws.OPEN) setImmediate(next);
    };
    return next();
  }
  ws.send(frame(1, "ok\n"));
  ws.send(frame(3, JSON.stringify({ metadata: {}, status: "Success" })));
  ws.close(1000);
}

function frame(channel: number, text: string): Buffer {
  return Buffer.concat([Buffer.from([channel]), Buffer.from(text)]);
}
