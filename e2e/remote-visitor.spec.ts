// A remote visitor, for real: a client in a network namespace this test creates (ip netns + a veth
// pair; its own two addresses in 198.18.0.0/15, the benchmarking range, and nothing else), talking to a
// second CKS Lab server started from the same build and database, listening only on the host end of
// the veth. The client sends Host: localhost, no Origin, and forged copies of every header it might
// think we trust. It must be refused the server's kubeconfig, and forging X-Forwarded-For must not
// buy it more sign-in attempts.
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomInt } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test } from "@playwright/test";
import { INSTRUCTOR_STATE, newAccountDetails, signUpViaApi } from "./support/accounts";
import { testKubeconfig } from "./support/test-cluster";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "..");
const LAB = "runtime-security/immutable-containers";
const canUseNetns = process.getuid?.() === 0 && ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip"].some((p) => existsSync(p));

test.describe.configure({ mode: "serial" });
test.skip(!canUseNetns, "needs root and iproute2 to create a network namespace (CI runs as root)");

const tag = `${process.pid % 10000}${randomInt(100)}`;
const NS = `cks-remote-${tag}`;
const HOST_END = `ckr${tag}h`;
const NS_END = `ckr${tag}n`;
const subnet = `198.18.${randomInt(256)}.${randomInt(64) * 4}`;
const [a, b, c, d] = subnet.split(".").map(Number) as [number, number, number, number];
const HOST_IP = `${a}.${b}.${c}.${d + 1}`;
const NS_IP = `${a}.${b}.${c}.${d + 2}`;

type Reply = { status: number; headers: Record<string, string | string[]>; body: string };

/** One request from inside the namespace: a peer that is not this machine. */
async function fromOutside(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<Reply> {
  const spec = JSON.stringify({
    url,
    method: init.method ?? "GET",
    headers: { ...(init.body !== undefined ? { "content-type": "application/json" } : {}), ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const { stdout } = await run(
    "ip",
    ["netns", "exec", NS, process.execPath, "--import", "tsx", "e2e/support/raw-request.ts", spec],
    { cwd: ROOT, timeout: 60_000 },
  );
  return JSON.parse(stdout) as Reply;
}

const cookieOf = (reply: Reply) =>
  ([] as string[])
    .concat(reply.headers["set-cookie"] ?? [])
    .map((line) => line.split(";")[0])
    .join("; ");

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

let server: ChildProcess | undefined;
let base = "";

/** A second CKS Lab server on the veth's host end, from the same build and database as the suite's. */
async function startServer(extra: Record<string, string>): Promise<void> {
  await stopServer();
  const port = await freePort();
  base = `http://${HOST_IP}:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: "file:./e2e/.artifacts/e2e.db",
    KUBECONFIG: testKubeconfig(),
    BETTER_AUTH_URL: base,
    HOST: HOST_IP,
    PORT: String(port),
    NEXT_TELEMETRY_DISABLED: "1",
    CKS_SETUP_CODE_FILE: path.join(ROOT, "e2e", ".artifacts", "remote-setup-code"),
    ...extra,
  };
  // This server trusts no proxy and allows no remote grading unless a test says so.
  if (!("CKS_TRUSTED_PROXIES" in extra)) delete env.CKS_TRUSTED_PROXIES;
  if (!("CKS_ALLOW_REMOTE_GRADING" in extra)) delete env.CKS_ALLOW_REMOTE_GRADING;
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/server.ts"], { cwd: ROOT, env });
  server = child;
  let log = "";
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes("listening on")) resolve();
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`the second server exited with ${code}:\n${log}`)));
    setTimeout(() => reject(new Error(`the second server did not listen within 60 s:\n${log}`)), 60_000);
  });
}

async function stopServer(): Promise<void> {
  const child = server;
  server = undefined;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

test.beforeAll(() => {
  const ip = (...args: string[]) => execFileSync("ip", args, { stdio: "pipe" });
  ip("netns", "add", NS);
  ip("link", "add", HOST_END, "type", "veth", "peer", "name", NS_END);
  ip("link", "set", NS_END, "netns", NS);
  ip("addr", "add", `${HOST_IP}/30`, "dev", HOST_END);
  ip("link", "set", HOST_END, "up");
  ip("netns", "exec", NS, "ip", "addr", "add", `${NS_IP}/30`, "dev", NS_END);
  ip("netns", "exec", NS, "ip", "link", "set", NS_END, "up");
  ip("netns", "exec", NS, "ip", "link", "set", "lo", "up");
});

test.afterAll(async () => {
  await stopServer();
  // Deleting the namespace deletes its veth end, and with it the host end.
  execFileSync("ip", ["netns", "del", NS], { stdio: "pipe" });
});

/** Signs in from outside; the session cookie for the second server. */
async function signInFromOutside(email: string, password: string): Promise<string> {
  const reply = await fromOutside(`${base}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { host: "localhost:3000" },
    body: { email, password },
  });
  expect(reply.status, reply.body).toBe(200);
  return cookieOf(reply);
}

function instructorCookie(): string {
  const state = JSON.parse(readFileSync(INSTRUCTOR_STATE, "utf8")) as { cookies: { name: string; value: string }[] };
  return state.cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join("; ");
}

// Everything a remote client might forge to look local.
const FORGED = {
  host: "localhost:3000",
  "x-cks-remote-address": "127.0.0.1",
  "x-cks-client-ip": "127.0.0.1",
  "x-forwarded-for": "127.0.0.1",
  "x-real-ip": "127.0.0.1",
};

test("a remote visitor sending Host: localhost and no Origin is refused the server's kubeconfig", async ({
  playwright,
  baseURL,
}) => {
  await startServer({});
  const local = await playwright.request.newContext({ baseURL });
  try {
    const student = await signUpViaApi(local, newAccountDetails());
    // Control: from this machine the same account lists the server's contexts.
    const control = await local.get("/api/cluster/contexts");
    expect(control.status()).toBe(200);
    expect(JSON.stringify(await control.json())).toContain('"ok":true');

    const cookie = await signInFromOutside(student.email, student.password);
    const contexts = await fromOutside(`${base}/api/cluster/contexts`, { headers: { ...FORGED, cookie } });
    expect(contexts.status, contexts.body).toBe(403);
    expect(contexts.body).toContain("only available at http://localhost on the machine running CKS Lab");
    expect(contexts.body).not.toContain('"contexts"');

    const grade = await fromOutside(`${base}/api/labs/${LAB}/grade`, {
      method: "POST",
      headers: { ...FORGED, cookie },
      body: {},
    });
    expect(grade.status, grade.body).toBe(403);

    // An instructor from outside is refused too while CKS_ALLOW_REMOTE_GRADING is unset.
    const asInstructor = await fromOutside(`${base}/api/cluster/contexts`, {
      headers: { ...FORGED, cookie: instructorCookie() },
    });
    expect(asInstructor.status, asInstructor.body).toBe(403);

    // The lesson page offers no local contexts to the remote visitor either.
    const lesson = await fromOutside(`${base}/lessons/${LAB}`, { headers: { ...FORGED, cookie } });
    expect(lesson.status).toBe(200);
    // It says what a learner on a classroom server can do instead, and shows none of the server's paths.
    expect(lesson.body).toContain("This CKS Lab runs on a classroom server");
    expect(lesson.body).not.toMatch(/\/root\/|\.kube\/config/);
  } finally {
    await local.dispose();
  }
});

test("with CKS_ALLOW_REMOTE_GRADING=1, only instructors use the server's kubeconfig from another machine", async ({
  playwright,
  baseURL,
}) => {
  await startServer({ CKS_ALLOW_REMOTE_GRADING: "1" });
  const local = await playwright.request.newContext({ baseURL });
  try {
    const student = await signUpViaApi(local, newAccountDetails());
    const cookie = await signInFromOutside(student.email, student.password);
    const asStudent = await fromOutside(`${base}/api/cluster/contexts`, { headers: { ...FORGED, cookie } });
    expect(asStudent.status, asStudent.body).toBe(403);
    expect(asStudent.body).toContain("instructors only");

    const asInstructor = await fromOutside(`${base}/api/cluster/contexts`, {
      headers: { host: `${HOST_IP}`, cookie: instructorCookie() },
    });
    expect(asInstructor.status, asInstructor.body).toBe(200);
    expect(asInstructor.body).toContain('"ok":true');
  } finally {
    await local.dispose();
  }
});

test("sign-in throttling holds when the client forges a new X-Forwarded-For on every attempt", async () => {
  await startServer({});
  const statuses: number[] = [];
  for (let i = 0; i < 7; i++) {
    const reply = await fromOutside(`${base}/api/auth/sign-in/email`, {
      method: "POST",
      headers: {
        host: "localhost:3000",
        "x-forwarded-for": `203.0.113.${i + 1}`,
        "x-cks-client-ip": `203.0.113.${i + 1}`,
      },
      body: { email: `guess-${tag}-${i}@example.test`, password: `wrong-guess-number-${i}` },
    });
    statuses.push(reply.status);
    if (reply.status === 429) expect(Number(reply.headers["x-retry-after"])).toBeGreaterThan(0);
  }
  expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
});
