import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** A cks-lab-agent process started as a learner starts it (plain node on the package's bin), its output kept. */
export type AgentProcess = {
  readonly child: ChildProcess;
  /** Everything it printed so far, stdout and stderr, line by line. */
  readonly lines: string[];
  /** Resolves with its exit code (or the signal's name). */
  readonly exited: Promise<number | string>;
  /** The first line matching `pattern` (polls what was printed). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
};

/** Starts the agent against `server` with `kubeconfig`, keeping its credential in a fresh directory. */
export function startAgent(server: string, kubeconfig: string): AgentProcess {
  const config = path.join(mkdtempSync(path.join(os.tmpdir(), "cks-agent-e2e-")), "agent.json");
  const child = spawn(process.execPath, ["bin/cks-lab-agent.mjs", "--server", server, "--kubeconfig", kubeconfig], {
    env: { ...process.env, CKS_AGENT_CONFIG: config, KUBECONFIG: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const collect = (chunk: Buffer) => lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const exited = new Promise<number | string>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown")),
  );
  return {
    child,
    lines,
    exited,
    async waitFor(pattern, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const line = lines.find((l) => pattern.test(l));
        if (line) return line;
        if (Date.now() > deadline || child.exitCode !== null) {
          throw new Error(`the agent never printed ${pattern}; it printed:\n${lines.join("\n")}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
  };
}
