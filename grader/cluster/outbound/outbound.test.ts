import http from "node:http";
import https from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { testCertificate } from "../../testing/tls-certificate";
import { ConnectionBudget } from "./connection-budget";
import { Outbound, type OutboundOptions } from "./outbound";

// A real HTTP server on loopback that behaves as each test needs, and that records what it saw: every
// connection it accepted, how many were open and how many requests were in flight at once.
type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
let handler: Handler = (_req, res) => res.end("{}");
let upgradeHandler: (req: http.IncomingMessage, socket: Socket, head: Buffer) => void = (_req, socket) =>
  socket.destroy();
const sockets = new Set<Socket>();
let accepted = 0;
let mostOpen = 0;
let inFlight = 0;
let mostInFlight = 0;
let server: http.Server;
let origin: string;
const wss = new WebSocketServer({ noServer: true });

// A second server that must never be contacted: the target of every redirect.
let canaryHits = 0;
let canary: http.Server;
let canaryUrl: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    inFlight += 1;
    mostInFlight = Math.max(mostInFlight, inFlight);
    res.on("close", () => (inFlight -= 1));
    handler(req, res);
  });
  server.on("connection", (socket) => {
    accepted += 1;
    sockets.add(socket);
    mostOpen = Math.max(mostOpen, sockets.size);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("upgrade", (req, socket: Socket, head) => upgradeHandler(req, socket, head));
  canary = http.createServer((_req, res) => res.end("secret from the canary"));
  canary.on("connection", () => (canaryHits += 1));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  await new Promise<void>((resolve) => canary.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  canaryUrl = `http://127.0.0.1:${(canary.address() as AddressInfo).port}/latest/meta-data/`;
});

afterEach(() => {
  handler = (_req, res) => res.end("{}");
  accepted = 0;
  mostOpen = sockets.size;
  mostInFlight = 0;
  canaryHits = 0;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await new Promise<void>((resolve) => canary.close(() => resolve()));
});

const opened: Outbound[] = [];
function outbound(options: Partial<OutboundOptions> = {}): Outbound {
  const made = new Outbound({ server: origin, tls: {}, budget: new ConnectionBudget(), ...options });
  opened.push(made);
  return made;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.close()));
});

/** Resolves once every socket the test server has open is closed. */
async function serverSocketsClosed(): Promise<void> {
  await expect.poll(() => sockets.size, { timeout: 3000, interval: 20 }).toBe(0);
}

const get = (o: Outbound, path: string, signal?: AbortSignal) =>
  o.request({ method: "GET", path, what: `get ${path}`, ...(signal ? { signal } : {}) });

describe("Outbound requests", () => {
  it("sends the request under the server's path prefix and returns the answer", async () => {
    handler = (req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ url: req.url, auth: req.headers.authorization }));
    };
    const o = outbound({ server: `${origin}/k8s/clusters/c1` });
    const answer = await o.request({
      method: "GET",
      path: "/api/v1/namespaces/lab?x=1",
      headers: { authorization: "Bearer t" },
      what: "get namespace",
    });
    expect(answer).toMatchObject({ ok: true, value: { status: 200, contentType: "application/json" } });
    if (!answer.ok) return;
    expect(JSON.parse(answer.value.body.toString())).toEqual({
      url: "/k8s/clusters/c1/api/v1/namespaces/lab?x=1",
      auth: "Bearer t",
    });
  });

  it.each([301, 302, 303, 307, 308])("refuses a %i redirect, names its target and never contacts it", async (code) => {
    handler = (_req, res) => {
      res.writeHead(code, { location: canaryUrl });
      res.end();
    };
    const answer = await get(outbound(), "/version");
    expect(answer).toEqual({
      ok: false,
      failure: {
        kind: "refused",
        message: `get /version: the API server answered ${code} with a redirect to ${canaryUrl}; the grader never follows redirects`,
      },
    });
    expect(canaryHits).toBe(0);
  });

  it("refuses a body that keeps going past the limit, while reading, and closes the socket", async () => {
    let sent = 0;
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(64 * 1024, "a");
      const pump = () => {
        while (res.write(chunk)) sent += chunk.length;
        sent += chunk.length;
      };
      res.on("drain", pump);
      pump();
    };
    const answer = await get(outbound({ limits: { maxResponseBytes: 256 * 1024 } }), "/endless");
    expect(answer).toEqual({
      ok: false,
      failure: {
        kind: "refused",
        message: "get /endless: the answer went over the 256 KiB limit, so the grader stopped reading it",
      },
    });
    await serverSocketsClosed();
    // Only what sat in socket buffers went beyond the limit: the server was stopped, not drained.
    expect(sent).toBeLessThan(16 * 1024 * 1024);
  });

  it("refuses an answer whose declared length is over the limit without reading it", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-length": String(10 * 1024 * 1024) });
      res.write("x");
    };
    const answer = await get(outbound({ limits: { maxResponseBytes: 1024 * 1024 } }), "/big");
    expect(answer).toMatchObject({
      ok: false,
      failure: { kind: "refused", message: expect.stringContaining("declared 10 MiB, over the 1 MiB limit") },
    });
    await serverSocketsClosed();
  });

  it("gives up on a server that never sends headers, and closes the socket", async () => {
    handler = () => undefined;
    const answer = await get(outbound({ limits: { headersTimeoutMs: 300 } }), "/slow-headers");
    expect(answer).toEqual({
      ok: false,
      failure: { kind: "timeout", message: "get /slow-headers: no response headers within 300 ms" },
    });
    await serverSocketsClosed();
  });

  it("gives up on a body that stalls, and on one that drips forever", async () => {
    handler = (_req, res) => {
      res.writeHead(200);
      res.write("{");
    };
    expect(await get(outbound({ limits: { bodyIdleTimeoutMs: 300 } }), "/stall")).toEqual({
      ok: false,
      failure: { kind: "timeout", message: "get /stall: the answer stalled for 300 ms" },
    });
    await serverSocketsClosed();

    handler = (_req, res) => {
      res.writeHead(200);
      const timer = setInterval(() => res.write(" "), 20);
      res.on("close", () => clearInterval(timer));
    };
    expect(await get(outbound({ limits: { callTimeoutMs: 500 } }), "/drip")).toEqual({
      ok: false,
      failure: { kind: "timeout", message: "get /drip: no complete answer within 500 ms" },
    });
    await serverSocketsClosed();
  });

  it("stops reading at once when the caller's signal aborts", async () => {
    handler = (_req, res) => {
      res.writeHead(200);
      const timer = setInterval(() => res.write(" "), 20);
      res.on("close", () => clearInterval(timer));
    };
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    expect(await get(outbound(), "/drip", controller.signal)).toEqual({
      ok: false,
      failure: { kind: "timeout", message: "get /drip: stopped (its check or run ended)" },
    });
    await serverSocketsClosed();
  });
});

describe("Outbound addresses", () => {
  it("resolves the name once and dials that address for every connection", async () => {
    handler = (_req, res) => setTimeout(() => res.end("{}"), 50);
    const asked: string[] = [];
    const o = outbound({
      server: origin.replace("127.0.0.1", "cluster.test"),
      lookup: async (name) => {
        asked.push(name);
        return ["127.0.0.1"];
      },
    });
    const answers = await Promise.all(Array.from({ length: 6 }, () => get(o, "/version")));
    expect(answers.every((a) => a.ok)).toBe(true);
    expect(accepted).toBeGreaterThan(1);
    expect(asked).toEqual(["cluster.test"]);
  });

  it("dials a pinned address without looking the name up", async () => {
    const o = outbound({
      server: origin.replace("127.0.0.1", "cluster.test"),
      pinnedAddress: "127.0.0.1",
      lookup: () => Promise.reject(new Error("must not be called")),
    });
    expect(await get(o, "/version")).toMatchObject({ ok: true });
  });

  it("refuses an address the policy forbids before any connection is made", async () => {
    const answer = await get(outbound({ policy: { allowPrivate: false } }), "/version");
    expect(answer).toEqual({
      ok: false,
      failure: {
        kind: "refused",
        message: expect.stringMatching(/^the cluster's address 127\.0\.0\.1 is a loopback address/),
      },
    });
    expect(accepted).toBe(0);
  });

  it("reports a name that does not resolve as unreachable", async () => {
    const o = outbound({
      server: "https://nowhere.test:6443",
      lookup: () => Promise.reject(Object.assign(new Error("no"), { code: "ENOTFOUND" })),
    });
    expect(await get(o, "/version")).toEqual({
      ok: false,
      failure: { kind: "unreachable", message: "nowhere.test could not be resolved (ENOTFOUND)" },
    });
  });
});

describe("Outbound connection budget", () => {
  it("keeps at most the learner's limit of requests in flight, across connections of the same owner", async () => {
    handler = (_req, res) => setTimeout(() => res.end("{}"), 100);
    const budget = new ConnectionBudget();
    const limits = { maxConnectionsPerLearner: 3, maxHttpConnections: 3 };
    const a = outbound({ owner: "learner-1", budget, limits });
    const b = outbound({ owner: "learner-1", budget, limits });
    const answers = await Promise.all(Array.from({ length: 12 }, (_v, i) => get(i % 2 ? a : b, "/version")));
    expect(answers.every((answer) => answer.ok)).toBe(true);
    expect(mostInFlight).toBe(3);
    await a.close();
    await b.close();
    await expect.poll(() => budget.open("learner-1")).toBe(0);
  });

  it("does not let one learner's sockets hold up another's", async () => {
    handler = (_req, res) => setTimeout(() => res.end("{}"), 100);
    const budget = new ConnectionBudget();
    const limits = { maxConnectionsPerLearner: 1, maxHttpConnections: 1 };
    const first = outbound({ owner: "learner-1", budget, limits });
    const second = outbound({ owner: "learner-2", budget, limits });
    const answers = await Promise.all([get(first, "/a"), get(first, "/a"), get(second, "/b")]);
    expect(answers.every((answer) => answer.ok)).toBe(true);
    // learner-1's second request waited for its first; learner-2's went out beside it.
    expect(mostInFlight).toBe(2);
  });
});

describe("Outbound WebSockets", () => {
  const open = (o: Outbound, onMessage: (data: Buffer) => void = () => undefined) =>
    o.openWebSocket({ path: "/exec?command=id", protocols: ["v5.channel.k8s.io"], what: "exec", onMessage });

  it("opens through the same dialler and receives frames sent with the upgrade", async () => {
    upgradeHandler = (req, socket, head) =>
      wss.handleUpgrade(req, socket, head, (ws) => ws.send(Buffer.from([1, ...Buffer.from("hi")])));
    const frames: Buffer[] = [];
    const opening = await open(outbound(), (data) => frames.push(data));
    expect(opening.kind).toBe("open");
    await expect.poll(() => frames.map((f) => f.toString("latin1"))).toEqual(["\u0001hi"]);
    if (opening.kind === "open") opening.socket.terminate();
  });

  it("refuses a redirected upgrade, names its target and never contacts it", async () => {
    upgradeHandler = (_req, socket) => socket.end(`HTTP/1.1 302 Found\r\nLocation: ${canaryUrl}\r\n\r\n`);
    expect(await open(outbound())).toEqual({
      kind: "failed",
      failure: {
        kind: "refused",
        message: `exec: the API server answered 302 with a redirect to ${canaryUrl}; the grader never follows redirects`,
      },
    });
    expect(canaryHits).toBe(0);
  });

  it("hands back a refused upgrade's Status, reading at most 64 KiB of it", async () => {
    let written = 0;
    upgradeHandler = (_req, socket) => {
      socket.write("HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\n\r\n");
      socket.write('{"kind":"Status","message":"');
      const chunk = "x".repeat(64 * 1024);
      const pump = () => {
        while (!socket.destroyed && socket.write(chunk)) written += chunk.length;
      };
      socket.on("drain", pump);
      socket.on("error", () => undefined);
      pump();
    };
    const opening = await open(outbound());
    expect(opening.kind).toBe("http");
    if (opening.kind !== "http") return;
    expect(opening.answer.status).toBe(403);
    expect(opening.answer.body.length).toBeLessThanOrEqual(64 * 1024);
    await serverSocketsClosed();
    expect(written).toBeLessThan(16 * 1024 * 1024);
  });

  it("gives up when the signal aborts before the socket opens", async () => {
    // The server takes the upgrade and says nothing; it reads on, and hangs up when the client does
    // (an http.Server's sockets allow half-open connections).
    upgradeHandler = (_req, socket) => {
      socket.resume();
      socket.on("end", () => socket.end());
    };
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const opening = await outbound().openWebSocket({
      path: "/exec",
      protocols: ["v5.channel.k8s.io"],
      what: "exec",
      signal: controller.signal,
      onMessage: () => undefined,
    });
    expect(opening).toEqual({
      kind: "failed",
      failure: { kind: "timeout", message: "exec: stopped before it opened" },
    });
    await serverSocketsClosed();
  });
});

describe("Outbound TLS", () => {
  let tlsServer: https.Server;
  let tlsPort = 0;
  beforeAll(async () => {
    const { cert, key } = testCertificate("DNS:wrong.example");
    tlsServer = https.createServer({ cert, key }, (_req, res) => res.end('{"gitVersion":"v1.35.0"}'));
    await new Promise<void>((resolve) => tlsServer.listen(0, "127.0.0.1", resolve));
    tlsPort = (tlsServer.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => tlsServer.close(() => resolve())));

  it("refuses a valid certificate that names another host", async () => {
    const { cert } = testCertificate("DNS:wrong.example");
    const answer = await get(outbound({ server: `https://127.0.0.1:${tlsPort}`, tls: { ca: cert } }), "/version");
    expect(answer).toEqual({
      ok: false,
      failure: {
        kind: "refused",
        message: expect.stringMatching(
          /^TLS: the server at 127\.0\.0\.1:\d+ did not prove it is 127\.0\.0\.1 \(ERR_TLS_CERT_ALTNAME_INVALID: IP: 127\.0\.0\.1 is not in the cert's list/,
        ),
      },
    });
  });

  it("accepts the same certificate when the kubeconfig's tls-server-name is the name it carries", async () => {
    const { cert } = testCertificate("DNS:wrong.example");
    const o = outbound({ server: `https://127.0.0.1:${tlsPort}`, tls: { ca: cert, servername: "wrong.example" } });
    expect(await get(o, "/version")).toMatchObject({ ok: true, value: { status: 200 } });
  });
});
