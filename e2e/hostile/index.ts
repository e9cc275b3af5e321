import { fork } from "node:child_process";
import path from "node:path";
import { stringify } from "yaml";
import type { HostileStats, Scenario } from "./hostile-server";

export { HOSTILE_TEXT, SCENARIOS, type HostileStats, type Scenario } from "./hostile-server";

/** The hostile API server running in a child process (see hostile-server.ts for the scenarios). */
export type HostileProcess = {
  serverUrl(scenario: Scenario): string;
  caPem(scenario: Scenario): string;
  canaryUrl: string;
  stats(): Promise<HostileStats>;
  stop(): Promise<void>;
};

/** Starts e2e/hostile/cli.ts in a child process and resolves once it listens. */
export async function spawnHostileServer(): Promise<HostileProcess> {
  const child = fork(path.join(import.meta.dirname, "cli.ts"), [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const ready = await new Promise<{
    servers: Record<Scenario, { url: string; ca: string }>;
    canaryUrl: string;
  }>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`the hostile server exited with ${code} before it was ready`)));
    child.on("message", (message: { type?: string }) => {
      if (message.type === "ready") resolve(message as never);
    });
  });
  let nextId = 0;
  return {
    serverUrl: (scenario) => ready.servers[scenario].url,
    caPem: (scenario) => ready.servers[scenario].ca,
    canaryUrl: ready.canaryUrl,
    stats: () =>
      new Promise((resolve) => {
        const id = (nextId += 1);
        const onMessage = (message: { type?: string; id?: number; stats?: HostileStats }) => {
          if (message.type !== "stats" || message.id !== id) return;
          child.off("message", onMessage);
          resolve(message.stats!);
        };
        child.on("message", onMessage);
        child.send({ type: "stats", id });
      }),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.send({ type: "stop" });
        setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
      }),
  };
}

/** A kubeconfig for one scenario, as a learner would paste it: inline CA, a bearer token, one context. */
export function hostileKubeconfig(hostile: HostileProcess, scenario: Scenario, token = "hostile-test-token"): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: `hostile-${scenario}`,
        cluster: {
          server: hostile.serverUrl(scenario),
          "certificate-authority-data": Buffer.from(hostile.caPem(scenario)).toString("base64"),
        },
      },
    ],
    users: [{ name: "learner", user: { token } }],
    contexts: [{ name: `hostile-${scenario}`, context: { cluster: `hostile-${scenario}`, user: "learner" } }],
    "current-context": `hostile-${scenario}`,
  });
}
