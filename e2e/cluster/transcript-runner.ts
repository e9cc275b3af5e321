import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse, stringify } from "yaml";
import { normaliseOutput, outputMatches, type TranscriptCommand, type TranscriptStep } from "@/lib/content/transcript";
import { kubectlPath, runKubectl } from "./kubectl";
import { randomNamespace } from "./test-support";

/** One command whose output differs from the lesson's. */
export type TTranscriptMismatch = {
  /** Line of the console block in lesson.md's body. */
  line: number;
  command: string;
  expected: string[];
  actual: string[];
};

/** How a replay went: every command run, and the first mismatch if any. */
export type TTranscriptResult = { commandsRun: number; mismatch?: TTranscriptMismatch };

type Options = {
  kubeconfigPath: string;
  /** Per command; a command that runs longer is a mismatch with its partial output. */
  commandTimeoutMs?: number;
  /** How long an `eventually` block may take to show its output. */
  eventuallyTimeoutMs?: number;
  log?: (line: string) => void;
};

/**
 * Replays a lesson's console blocks against a cluster with the pinned kubectl, in a fresh namespace
 * that plays the part of `default` (the kubeconfig's context points at it, and its name reads as
 * `default` in the output). Files named in the lesson are written to a scratch folder that commands
 * run in. Objects the commands report as created outside that namespace (other namespaces, policies)
 * are deleted afterwards, as is the namespace.
 */
export async function replayTranscript(steps: TranscriptStep[], options: Options): Promise<TTranscriptResult> {
  const namespace = randomNamespace("tx");
  const workDir = mkdtempSync(path.join(tmpdir(), "cks-transcript-"));
  const kubeconfig = path.join(workDir, ".kubeconfig");
  writeFileSync(kubeconfig, withNamespace(readFileSync(options.kubeconfigPath, "utf8"), namespace), { mode: 0o600 });
  const created: string[] = [];
  let commandsRun = 0;
  try {
    const made = await runKubectl(kubeconfig, ["create", "namespace", namespace]);
    if (made.code !== 0) throw new Error(`could not create namespace ${namespace}: ${made.stderr}`);
    for (const step of steps) {
      if (step.kind === "file") {
        writeFileSync(path.join(workDir, step.name), step.content);
        continue;
      }
      for (const command of step.commands) {
        const outcome = await runStep(command, step.eventually, { ...options, workDir, kubeconfig, namespace });
        commandsRun++;
        created.push(...createdObjects(outcome.raw));
        options.log?.(`$ ${command.command}`);
        if (!outcome.ok)
          return {
            commandsRun,
            mismatch: { line: step.line, command: command.command, expected: command.expected, actual: outcome.actual },
          };
      }
    }
    return { commandsRun };
  } finally {
    for (const ref of created.reverse()) {
      await runKubectl(kubeconfig, ["delete", ref, "--ignore-not-found", "--wait=false"]);
    }
    await runKubectl(kubeconfig, ["delete", "namespace", namespace, "--ignore-not-found", "--wait=false"]);
    rmSync(workDir, { recursive: true, force: true });
  }
}

type StepContext = Options & { workDir: string; kubeconfig: string; namespace: string };

async function runStep(
  command: TranscriptCommand,
  eventually: boolean,
  context: StepContext,
): Promise<{ ok: boolean; actual: string[]; raw: string }> {
  const deadline = Date.now() + (eventually ? (context.eventuallyTimeoutMs ?? 90_000) : 0);
  for (;;) {
    const raw = await runShell(command.command, context);
    const actual = normaliseOutput(raw, { namespace: context.namespace });
    const ok = outputMatches(command.expected, actual);
    if (ok || Date.now() >= deadline) return { ok, actual, raw };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Runs one command line with bash, stdout and stderr into one pipe as a terminal shows them, the
 * pinned kubectl first on PATH and KUBECONFIG set to the run's own file.
 */
function runShell(command: string, context: StepContext): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn("bash", ["-c", `exec 2>&1; ${command}`], {
      cwd: context.workDir,
      env: {
        ...process.env,
        PATH: `${path.dirname(kubectlPath())}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
        HOME: context.workDir,
        KUBECONFIG: context.kubeconfig,
        LANG: "C.UTF-8",
      },
      stdio: ["ignore", "pipe", "ignore"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      if (output.length < 1_000_000) output += chunk.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), context.commandTimeoutMs ?? 60_000);
    child.on("close", () => {
      clearTimeout(timer);
      resolve(output);
    });
  });
}

/** `kind/name created` lines, as kubectl apply/create/run print them. */
function createdObjects(output: string): string[] {
  return [...output.matchAll(/^([a-z0-9.-]+\/[a-z0-9.-]+) created$/gm)].map((match) => match[1]!);
}

/** The kubeconfig with its current context's namespace set. */
function withNamespace(kubeconfigYaml: string, namespace: string): string {
  const config = parse(kubeconfigYaml) as {
    "current-context"?: string;
    contexts?: Array<{ name: string; context: { namespace?: string } }>;
  };
  const current = config.contexts?.find((entry) => entry.name === config["current-context"]);
  if (!current) throw new Error("kubeconfig has no current context");
  current.context.namespace = namespace;
  return stringify(config);
}
