import type { TExecCheck } from "../lab/schema";
import type { ExecEvidence } from "../report";
import { podEvidence, summarizePod } from "./pod-state";
import { missingNodeFeature } from "./node-support";
import {
  fail,
  failureVerdict,
  pass,
  pickContainer,
  podReadFailure,
  unsupported,
  type CheckContext,
  type Verdict,
} from "./verdict";

const PROBE_FILE = "{{probeFile}}";

/** Runs the lab's argv in the container and compares exit code and output with the expectation. */
export async function checkExecProbe(check: TExecCheck, ctx: CheckContext): Promise<Verdict> {
  // Only the token is substituted, with a name the grader generated: no learner input reaches argv.
  const argv = check.command.map((arg) => arg.replaceAll(PROBE_FILE, ctx.probeFile));
  const execIn = (container: string) =>
    ctx.cluster.exec({
      namespace: ctx.namespace,
      pod: check.pod,
      container,
      command: argv,
      timeoutMs: ctx.execTimeoutMs,
    });
  // A named container: the pod read and the exec go out together (the pod state only matters to explain
  // a failed exec). No name: the pod read says which container is the only one, then the exec follows.
  const [podRead, early] = await Promise.all([
    ctx.readPod(check.pod),
    check.container === undefined ? null : execIn(check.container),
  ]);
  if (!podRead.ok) return podReadFailure(podRead.failure, check.pod, ctx);
  // A node that cannot show the behaviour says so on the pod; probing it would blame the learner.
  const missing = check.nodeFeature ? missingNodeFeature(podRead.value, check.nodeFeature) : null;
  if (missing) return unsupported(missing);
  const picked = pickContainer(podRead.value, check.container);
  if (!picked.ok) return picked.verdict;
  const container = picked.container;
  const target = { namespace: ctx.namespace, pod: check.pod, container: container.name };
  const exec = early ?? (await execIn(container.name));
  // A probe that exited non-zero wrote nothing (touch on a read-only root), so only a success is cleaned up;
  // that also spares the busy container an exec on the common path.
  const cleanup =
    check.cleanup && exec.ok && exec.value.exitCode === 0 ? await runCleanup(check.cleanup, target, ctx) : null;
  const evidence: ExecEvidence = {
    type: "exec",
    pod: check.pod,
    container: container.name,
    argv,
    exitCode: null,
    stdout: "",
    stderr: "",
    cleanup,
  };

  if (!exec.ok) {
    if (container.status?.state?.running === undefined) {
      const pod = podEvidence(podRead.value, container.name);
      return fail(
        `container not running (${summarizePod(pod)})`,
        [pod, evidence],
        "container-not-running",
        `Container ${container.name} in pod ${check.pod} is not running (${pod.state ?? pod.phase ?? "no state"}), so the probe could not run.`,
      );
    }
    if (exec.failure.kind === "timeout") {
      return {
        status: "error",
        outcome: "exec-timeout",
        observed: `no exit after ${ctx.execTimeoutMs} ms`,
        message: `The command ${argv.join(" ").slice(0, 60)} did not finish within ${ctx.execTimeoutMs} ms in pod ${check.pod}; press Check again.`,
        evidence: [evidence],
      };
    }
    if (exec.failure.kind === "exec-not-started") {
      // The container runs but the command could not start (not in the image, say): the learner's pod
      // is not what the lab expects, which is a fail with the runtime's words. Any other failure (a 500
      // from the kubelet, a dropped stream) is the cluster's, and becomes an error below.
      return fail(`${argv[0]} could not run: ${exec.failure.message.slice(0, 120)}`, [
        { ...evidence, stderr: exec.failure.message.slice(0, 4000) },
      ]);
    }
    const verdict = failureVerdict(exec.failure, `exec in pod ${check.pod}`, ctx.cluster);
    return { ...verdict, evidence: [...verdict.evidence, evidence] };
  }

  const { exitCode, stdout, stderr } = exec.value;
  Object.assign(evidence, { exitCode, stdout: stdout.slice(0, 4000), stderr: stderr.slice(0, 4000) });
  const { exit, outputMatches } = check.expect;
  const exitMet = exit === "zero" ? exitCode === 0 : exit === "nonzero" ? exitCode !== 0 : exitCode === exit;
  const output = `${stdout}\n${stderr}`;
  const outputMet = outputMatches === undefined || new RegExp(outputMatches).test(output);
  const observed = `exit ${exitCode}${describeOutput(stdout, stderr, outputMatches)}`;
  return exitMet && outputMet ? pass(observed, [evidence]) : fail(observed, [evidence]);
}

async function runCleanup(
  command: string[],
  target: { namespace: string; pod: string; container: string },
  ctx: CheckContext,
): Promise<ExecEvidence["cleanup"]> {
  const argv = command.map((arg) => arg.replaceAll(PROBE_FILE, ctx.probeFile));
  const result = await ctx.cluster.exec({ ...target, command: argv, timeoutMs: ctx.execTimeoutMs });
  return result.ok ? { argv, exitCode: result.value.exitCode } : { argv, exitCode: null, note: result.failure.kind };
}

// The line that matched the expected pattern says the most; otherwise the first line of stderr, then stdout.
function describeOutput(stdout: string, stderr: string, pattern: string | undefined): string {
  const lines = [...stderr.split("\n"), ...stdout.split("\n")].map((l) => l.trim()).filter(Boolean);
  const regex = pattern === undefined ? null : new RegExp(pattern);
  const line = (regex ? lines.find((l) => regex.test(l)) : undefined) ?? lines[0];
  return line ? `: ${line.slice(0, 100)}` : ", no output";
}
