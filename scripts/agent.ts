// cks-lab-agent: runs next to a learner's cluster and lets a hosted CKS Lab grade it through one outbound
// WebSocket, so the server never dials the laptop and never sees its kubeconfig.
//
//   npx cks-lab-agent --server https://cks.example.org [--context kind-cks] [--kubeconfig ~/.kube/config]
//   npm run agent -- --server http://127.0.0.1:3000 ...        (in a clone)
//
// 1. Signs in with the device flow (RFC 8628): prints a code and a link; the learner approves in the browser.
//    The credential is kept in ~/.config/cks-lab/agent.json (0600; CKS_AGENT_CONFIG moves it), per server.
// 2. Holds one WebSocket to <server>/agent-tunnel: answers heartbeats, reconnects with back-off.
// 3. Performs only what its allow-list permits (the grader's permissions for the labs it ships) with the
//    local kubeconfig, and prints one line per request.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import WebSocket from "ws";
import { z } from "zod";
import {
  agentAllowList,
  checkConnection,
  connectCluster,
  createAgentEndpoint,
  loadAllLabs,
  parseFrame,
  TUNNEL_LIMITS,
  TUNNEL_PATH,
  TUNNEL_PROTOCOL,
  ZServerFrameSchema,
  type AgentEndpoint,
  type TAgentFrame,
} from "@/grader";
import { errorMessage } from "@/lib/errors/error-message";
import { runCli } from "./run-cli";

const AGENT_VERSION = "0.1.0";
const CLIENT_ID = "cks-lab-agent";
const USAGE = "usage: cks-lab-agent --server https://cks.example.org [--context NAME] [--kubeconfig FILE]";

type Args = { server: URL; context?: string; kubeconfig?: string };

function parseArgs(argv: string[]): Args {
  const values: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.split("=", 2) as [string, string | undefined];
    if (!["--server", "--context", "--kubeconfig"].includes(flag)) throw new Error(`unknown argument ${arg}\n${USAGE}`);
    const value = inline ?? argv[++i];
    if (!value) throw new Error(`${flag} needs a value\n${USAGE}`);
    values[flag.slice(2)] = value;
  }
  if (!values.server) throw new Error(`--server is required\n${USAGE}`);
  let server: URL;
  try {
    server = new URL(values.server);
  } catch {
    throw new Error(`--server: expected a URL like https://cks.example.org, got ${values.server}`);
  }
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(server.hostname);
  // The credential travels in every connection: only over TLS, unless the server is this machine.
  if (server.protocol !== "https:" && !(server.protocol === "http:" && loopback)) {
    throw new Error(`--server must be https:// (plain http only for a server on this machine), got ${server.origin}`);
  }
  return { server, context: values.context, kubeconfig: values.kubeconfig };
}

const ZStoreSchema = z.record(z.string(), z.strictObject({ token: z.string() }));

function configFile(): string {
  return process.env.CKS_AGENT_CONFIG ?? path.join(os.homedir(), ".config", "cks-lab", "agent.json");
}

function readStore(): z.infer<typeof ZStoreSchema> {
  try {
    const parsed = ZStoreSchema.safeParse(JSON.parse(readFileSync(configFile(), "utf8")));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

function writeStore(store: z.infer<typeof ZStoreSchema>): void {
  const file = configFile();
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(store, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const stamp = () => new Date().toISOString().slice(11, 19);
const say = (line: string) => console.log(`${stamp()} ${line}`);

async function postJson(url: URL, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    redirect: "error",
    signal: AbortSignal.timeout(15_000),
  });
  const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  return { status: response.status, json };
}

/** The device flow: prints the code and link, polls until the learner approves, denies or the code expires. */
async function signIn(server: URL): Promise<string> {
  const started = await postJson(new URL("/api/auth/device/code", server), { client_id: CLIENT_ID });
  const code = z
    .object({
      device_code: z.string(),
      user_code: z.string(),
      verification_uri: z.string(),
      verification_uri_complete: z.string(),
      interval: z.number(),
      expires_in: z.number(),
    })
    .safeParse(started.json);
  if (!code.success) throw new Error(`${server.origin} did not start a device sign-in (HTTP ${started.status}).`);
  const { device_code, user_code, verification_uri_complete, expires_in } = code.data;
  console.log(
    [
      "",
      `To connect this cluster to CKS Lab, open`,
      "",
      `    ${verification_uri_complete}`,
      "",
      `and approve the code  ${user_code.slice(0, 4)}-${user_code.slice(4)}  (valid ${Math.round(expires_in / 60)} minutes).`,
      "",
    ].join("\n"),
  );
  let interval = Math.max(1, code.data.interval) * 1000;
  const deadline = Date.now() + expires_in * 1000;
  while (Date.now() < deadline) {
    await sleep(interval);
    const answer = await postJson(new URL("/api/auth/agent/token", server), {
      grant_type: "urn:ietf:params:oauth:grant-type:device_code",
      device_code,
      client_id: CLIENT_ID,
      hostname: os.hostname(),
    });
    if (answer.status === 200 && typeof answer.json.access_token === "string") return answer.json.access_token;
    const error = answer.json.error;
    if (error === "authorization_pending") continue;
    if (error === "slow_down") {
      interval += 1000;
      continue;
    }
    if (error === "access_denied") throw new Error("The sign-in was denied in the browser.");
    if (error === "expired_token") break;
    const description = answer.json.error_description;
    throw new Error(
      `Sign-in failed: ${typeof description === "string" ? description : typeof error === "string" ? error : `HTTP ${answer.status}`}`,
    );
  }
  throw new Error("The code expired before it was approved; run the agent again for a new one.");
}

type Ending = { retry: boolean; message: string; forget?: boolean };

/** One tunnel connection, from open to close; resolves with whether to reconnect. */
function connectOnce(
  args: Args,
  token: string,
  hello: Extract<TAgentFrame, { type: "hello" }>,
  makeEndpoint: (send: (frame: TAgentFrame) => void) => AgentEndpoint,
  onWelcome: () => void,
): Promise<Ending> {
  return new Promise((resolve) => {
    const url = new URL(TUNNEL_PATH, args.server);
    url.protocol = args.server.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(url, {
      headers: { authorization: `Bearer ${token}` },
      maxPayload: TUNNEL_LIMITS.maxFrameBytes,
      handshakeTimeout: 15_000,
      followRedirects: false,
    });
    let ending: Ending = { retry: true, message: "connection lost" };
    let watchdog: NodeJS.Timeout | undefined;
    let heartbeatMs: number = TUNNEL_LIMITS.heartbeatMs;
    const send = (frame: TAgentFrame) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
    };
    const endpoint = makeEndpoint(send);
    // No ping for a few heartbeats: the server (or the network) is gone; reconnect.
    const armWatchdog = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(
        () => {
          ending = { retry: true, message: "the server stopped sending heartbeats" };
          ws.terminate();
        },
        heartbeatMs * (TUNNEL_LIMITS.missedHeartbeats + 1),
      );
    };
    ws.on("unexpected-response", (_request, response) => {
      const status = response.statusCode ?? 0;
      ending =
        status === 401
          ? { retry: false, forget: true, message: "the server no longer accepts this agent's sign-in" }
          : { retry: true, message: `the server answered HTTP ${status}` };
      response.resume();
      ws.terminate();
    });
    ws.on("open", () => {
      send(hello);
      armWatchdog();
    });
    ws.on("message", (data, isBinary) => {
      if (isBinary) return;
      const text = Buffer.isBuffer(data)
        ? data.toString("utf8")
        : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString("utf8");
      const frame = parseFrame(ZServerFrameSchema, text);
      if (!frame) {
        say("ignored a frame this agent does not understand");
        return;
      }
      armWatchdog();
      if (frame.type === "welcome") {
        heartbeatMs = frame.heartbeatMs;
        onWelcome();
        say(`connected to ${args.server.origin} as the agent of ${hello.hostname}; waiting for Check`);
        return;
      }
      if (frame.type === "goodbye") {
        ending = {
          retry: frame.reason === "disconnected" || frame.reason === "shutdown",
          forget: frame.reason === "revoked",
          message: frame.message,
        };
        return;
      }
      endpoint.handle(frame);
    });
    ws.on("error", (error) => {
      ending = { ...ending, message: errorMessage(error) };
    });
    ws.on("close", () => {
      clearTimeout(watchdog);
      endpoint.abortAll();
      resolve(ending);
    });
  });
}

await runCli(async () => {
  const args = parseArgs(process.argv.slice(2));
  const connected = connectCluster({
    ...(args.kubeconfig ? { kubeconfigPath: args.kubeconfig } : {}),
    ...(args.context ? { context: args.context } : {}),
  });
  if (!connected.ok) throw new Error(connected.failure.message);
  const { cluster } = connected;
  const status = await checkConnection(cluster);
  if (!status.ok) throw new Error(`Cannot use context ${connected.context} (${connected.server}): ${status.failure}`);
  // The labs this package ships decide what the server may ask for; the server cannot add to them.
  const labs = await loadAllLabs(path.join(import.meta.dirname, "..", "lessons"));
  const allowList = agentAllowList(labs);
  say(`cluster ${connected.context} (${connected.server}), Kubernetes ${status.version}`);
  say(`allow-list: ${labs.length} labs (${labs.map((lab) => lab.namespace).join(", ")}); everything else is refused`);

  const key = args.server.origin;
  let token = readStore()[key]?.token;
  if (!token) {
    token = await signIn(args.server);
    writeStore({ ...readStore(), [key]: { token } });
    say(`signed in; credential saved in ${configFile()}`);
  }
  const hello: Extract<TAgentFrame, { type: "hello" }> = {
    type: "hello",
    protocol: TUNNEL_PROTOCOL,
    hostname: os.hostname(),
    context: connected.context,
    kubernetesVersion: status.version,
    agentVersion: AGENT_VERSION,
  };
  const makeEndpoint = (send: (frame: TAgentFrame) => void) =>
    createAgentEndpoint({ cluster, allowList, send, log: (line) => say(line) });

  let stopping = false;
  const stop = () => {
    stopping = true;
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);

  // Back-off: 1 s doubling to 30 s, with jitter so a classroom's agents do not reconnect in step.
  let attempt = 0;
  while (!stopping) {
    const ending = await connectOnce(args, token, hello, makeEndpoint, () => {
      attempt = 0;
    });
    if (!ending.retry) {
      if (ending.forget) {
        const store = readStore();
        delete store[key];
        writeStore(store);
      }
      throw new Error(`${ending.message} Run the agent again to sign in anew.`);
    }
    const delay = Math.min(30_000, 1000 * 2 ** attempt) * (0.75 + Math.random() * 0.5);
    attempt = Math.min(attempt + 1, 5);
    say(`disconnected (${ending.message}); reconnecting in ${(delay / 1000).toFixed(1)} s`);
    await sleep(delay);
  }
});
