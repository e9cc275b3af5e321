// A second CKS Lab server beside Playwright's, on 127.0.0.1 with an environment of its own (another
// kubeconfig, say), serving the build Playwright's server made and sharing its database and sign-in secret:
// a session from one works on the other (cookies for 127.0.0.1 ignore the port).
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..", "..");

/** A running second server and how to stop it. */
export type SecondServer = { url: string; port: number; stop(): Promise<void> };

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Starts scripts/server.ts with `env` added to the e2e database's settings; resolves once it listens. */
export async function startSecondServer(env: Record<string, string>): Promise<SecondServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "scripts/server.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: "file:./e2e/.artifacts/e2e.db",
      BETTER_AUTH_URL: url,
      HOST: "127.0.0.1",
      PORT: String(port),
      NEXT_TELEMETRY_DISABLED: "1",
      CKS_SETUP_CODE_FILE: path.join(ROOT, "e2e", ".artifacts", "second-setup-code"),
      ...env,
    },
  });
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
  return {
    url,
    port,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
