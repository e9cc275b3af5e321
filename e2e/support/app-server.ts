// How tests and benchmarks run CKS Lab: the steps `npm start` takes (prepare, build, then CKS Lab's own
// server, scripts/server.ts), on 127.0.0.1 with an environment of their own. e2e/serve.ts (Playwright's
// web server) and the load test (scripts/load-grade-run.ts) both start the app through here.
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { errorMessage } from "@/lib/errors/error-message";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const TSX = path.join(ROOT, "node_modules/tsx/dist/cli.mjs");
// node runs the CLIs directly, so the PID we hold is the server's (npx would leave a child behind).
const NEXT = path.join(ROOT, "node_modules/next/dist/bin/next");
const SERVER = path.join(ROOT, "scripts/server.ts");

/** A running app: its base URL and PID, a promise for its exit code, and how to stop it. */
export type AppServer = { url: string; pid: number; exited: Promise<number | null>; stop(): Promise<void> };

export type StartAppOptions = {
  port: number;
  /** Added to this process's environment (DATABASE_URL, KUBECONFIG, secrets...). */
  env: Record<string, string>;
  /** "always" builds afresh; "if-stale" reuses .next when its BUILD_ID is newer than every source file. */
  build: "always" | "if-stale";
  /** Appends every step's output to this file; without it, output goes to this process's own. */
  log?: string;
  /** Aborting kills whichever step or server is running. */
  signal?: AbortSignal;
  /** How long the server may take to answer `/` (default 60 s). */
  readyTimeoutMs?: number;
};

/** Prepares the database and content, builds when asked, and starts the server; resolves once `/` answers. */
export async function startApp(options: StartAppOptions): Promise<AppServer> {
  const url = `http://127.0.0.1:${options.port}`;
  // better-auth refuses cookie-carrying POSTs whose Origin is not its base URL: it must be this address.
  const env = {
    ...process.env,
    ...options.env,
    BETTER_AUTH_URL: url,
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(options.port),
  };
  await runStep("prepare", [TSX, "scripts/prepare.ts"], env, options, 120_000);
  await build(env, options);
  return serve(url, env, options);
}

async function build(env: NodeJS.ProcessEnv, options: StartAppOptions): Promise<void> {
  // .next is shared with whoever else builds in this checkout: while another `next build` holds its lock,
  // wait for it and look again, at most 5 minutes.
  let force = options.build === "always";
  for (let round = 0; round < 20; round += 1) {
    const stale = force ? "a fresh build was asked for" : buildIsStale();
    if (!stale) {
      console.log("build: reusing .next (its BUILD_ID is newer than every source file)");
      return;
    }
    console.log(`build: running next build (${stale})`);
    try {
      await runStep("next build", [NEXT, "build"], env, options, 600_000);
      return;
    } catch (error) {
      if (!errorMessage(error).includes("Another next build process is already running")) throw error;
      console.log("build: another next build is running in this checkout; waiting 15 s, then looking again");
      force = false;
      await sleep(15_000);
    }
  }
  throw new Error("another next build kept .next locked for 5 minutes");
}

/** Why .next must be rebuilt, or null when its BUILD_ID is newer than every source. */
function buildIsStale(): string | null {
  const buildId = path.join(ROOT, ".next", "BUILD_ID");
  if (!existsSync(buildId)) return "no .next/BUILD_ID";
  const built = statSync(buildId).mtimeMs;
  const sources = [
    "app",
    "components",
    "lib",
    "grader",
    "lessons",
    "prisma",
    "next.config.ts",
    "package.json",
    "package-lock.json",
    "tsconfig.json",
  ];
  for (const source of sources) {
    const newer = newestFile(path.join(ROOT, source), built);
    if (newer) return `${path.relative(ROOT, newer)} is newer than .next/BUILD_ID`;
  }
  return null;
}

function newestFile(target: string, than: number): string | null {
  if (!existsSync(target)) return null;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs > than ? target : null;
  for (const entry of readdirSync(target)) {
    if (entry === "generated" || entry === "node_modules") continue; // lib/db/generated comes from postinstall
    const found = newestFile(path.join(target, entry), than);
    if (found) return found;
  }
  return null;
}

/** Runs one set-up step with node; throws with the log's tail when it fails, hangs or is aborted. */
async function runStep(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  options: StartAppOptions,
  timeoutMs: number,
): Promise<void> {
  options.signal?.throwIfAborted();
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env,
    stdio: ["ignore", options.log ? "pipe" : "inherit", options.log ? "pipe" : "inherit"],
  });
  const out = options.log ? createWriteStream(options.log, { flags: "a" }) : null;
  if (out) {
    child.stdout?.pipe(out, { end: false });
    child.stderr?.pipe(out, { end: false });
  }
  const kill = () => child.kill("SIGKILL");
  options.signal?.addEventListener("abort", kill, { once: true });
  const timer = setTimeout(kill, timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.on("exit", (exitCode) => resolve(exitCode)));
  clearTimeout(timer);
  options.signal?.removeEventListener("abort", kill);
  if (out) await new Promise((resolve) => out.end(resolve));
  options.signal?.throwIfAborted();
  if (code !== 0) {
    const why = code === null ? `was stopped after ${timeoutMs / 1000} s` : `exited with ${code}`;
    throw new Error(`${name} ${why}${options.log ? `:\n${tail(options.log)}` : ""}`);
  }
  console.log(`${name}: done in ${Math.round(performance.now() - started)} ms`);
}

async function serve(url: string, env: NodeJS.ProcessEnv, options: StartAppOptions): Promise<AppServer> {
  options.signal?.throwIfAborted();
  const server = spawn(process.execPath, ["--import", "tsx", SERVER], {
    cwd: ROOT,
    env: { ...env, HOST: "127.0.0.1" },
    stdio: ["ignore", options.log ? "pipe" : "inherit", options.log ? "pipe" : "inherit"],
  });
  if (options.log) {
    const out = createWriteStream(options.log, { flags: "a" });
    server.stdout?.pipe(out);
    server.stderr?.pipe(out);
  }
  const exited = new Promise<number | null>((resolve) => server.on("exit", (code) => resolve(code)));
  const stop = async () => {
    if (server.exitCode !== null || server.signalCode !== null) return;
    server.kill("SIGTERM");
    if ((await Promise.race([exited.then(() => "exited"), sleep(5_000)])) !== "exited") server.kill("SIGKILL");
    await exited;
  };
  options.signal?.addEventListener("abort", () => void stop(), { once: true });
  const deadline = performance.now() + (options.readyTimeoutMs ?? 60_000);
  while (performance.now() < deadline) {
    if (server.exitCode !== null || server.signalCode !== null)
      throw new Error(`the CKS Lab server exited with ${server.exitCode ?? server.signalCode}${logTail(options)}`);
    const response = await fetch(`${url}/`, { signal: AbortSignal.timeout(5_000) }).catch(() => null);
    if (response?.ok) return { url, pid: server.pid!, exited, stop };
    await sleep(500);
  }
  await stop();
  throw new Error(
    `the CKS Lab server did not answer at ${url} within ${(options.readyTimeoutMs ?? 60_000) / 1000} s${logTail(options)}`,
  );
}

function logTail(options: StartAppOptions): string {
  return options.log ? `:\n${tail(options.log)}` : "";
}

function tail(file: string): string {
  return existsSync(file) ? readFileSync(file, "utf8").split("\n").slice(-30).join("\n") : "";
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
