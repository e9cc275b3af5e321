import { randomBytes } from "node:crypto";
import { z } from "zod";
import { checkAccessReview } from "./checks/access-review";
import { checkCertificate } from "./checks/certificate";
import { checkDryRunAdmitted, checkDryRunRejected } from "./checks/dry-run";
import { checkEphemeralContainerDryRun } from "./checks/ephemeral-dry-run";
import { checkExecProbe } from "./checks/exec-probe";
import { checkField } from "./checks/field";
import { checkLogsContain } from "./checks/logs-contain";
import { checkObjectExists } from "./checks/object-exists";
import { checkPodCondition } from "./checks/pod-condition";
import { checkReachability } from "./checks/reachability";
import { failureVerdict, namespaceMissingMessage, type CheckContext, type Verdict } from "./checks/verdict";
import { AppError } from "@/lib/errors/app-error";
import { boundClusterData, clusterText } from "./cluster-text";
import type { TCheck, Lab } from "./lab/schema";
import { ZPodSchema, withSignal, type CallResult, type ClusterPort, type KubeObject, type TPod } from "./port";
import type { CheckResult, GradeReport, RunProblem } from "./report";
import { errorMessage } from "@/lib/errors/error-message";

export const ZGradeTimeoutsSchema = z.strictObject({
  /** Longest a single check may take (its cluster calls included). */
  checkMs: z.number().int().positive().max(300_000).default(10_000),
  /** Longest an exec'd command may run before it counts as hung. */
  execMs: z.number().int().positive().max(300_000).default(8_000),
  /** Longest the whole run may take; unfinished checks then end as run-timeout. */
  runMs: z.number().int().positive().max(600_000).default(20_000),
});
export type TGradeTimeouts = z.input<typeof ZGradeTimeoutsSchema>;

const ZGradeOptionsSchema = z.object({
  namespace: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "namespace must be a DNS label")
    .max(63)
    .optional(),
  timeouts: ZGradeTimeoutsSchema.default({ checkMs: 10_000, execMs: 8_000, runMs: 20_000 }),
});

export type GradeLabOptions = {
  lab: Lab;
  cluster: ClusterPort;
  /** Grades this namespace instead of the lab's own (labs:verify uses fresh ones). */
  namespace?: string;
  /** Called once per check, as soon as that check has a result (for streaming to a browser). */
  onResult?: (result: CheckResult) => void;
  timeouts?: TGradeTimeouts;
};

const MESSAGE_LIMIT = 199;
const OBSERVED_LIMIT = 300;
/** Longest run-level problem message kept (it quotes a cluster's words). */
const PROBLEM_LIMIT = 1000;

/** Grades a lab against a cluster: runs every check concurrently and returns the report as data. */
export async function gradeLab(options: GradeLabOptions): Promise<GradeReport> {
  const parsed = ZGradeOptionsSchema.safeParse({ namespace: options.namespace, timeouts: options.timeouts });
  if (!parsed.success) {
    throw new AppError(
      "INVALID_ARGUMENT",
      `gradeLab: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  const { lab, cluster, onResult } = options;
  const namespace = parsed.data.namespace ?? lab.namespace;
  const timeouts = parsed.data.timeouts;
  const startedAt = new Date();
  const t0 = performance.now();
  const runId = randomBytes(4).toString("hex");

  // Ends every request of this run when the run ends, however it ends: nothing keeps reading from the
  // cluster after the report is made. Each check also has its own controller, aborted at its timeout.
  const run = new AbortController();
  const runCluster = withSignal(cluster, run.signal);
  const podReads = new Map<string, Promise<CallResult<TPod>>>();
  const namespaceRead = settle(runCluster.readNamespace(namespace));
  const sharedLoads = new Map<string, Promise<unknown>>();
  const baseContext: Omit<CheckContext, "probeFile" | "cluster"> = {
    namespace,
    execTimeoutMs: timeouts.execMs,
    shared<T>(key: string, load: () => Promise<T>): Promise<T> {
      let loading = sharedLoads.get(key) as Promise<T> | undefined;
      if (!loading) {
        loading = load();
        sharedLoads.set(key, loading);
      }
      return loading;
    },
    readNamespace: () => namespaceRead,
    readPod(name) {
      let read = podReads.get(name);
      if (!read) {
        read = settle(runCluster.readPod(namespace, name)).then(validatePod);
        podReads.set(name, read);
      }
      return read;
    },
  };

  const entries = lab.tasks.flatMap((task) => task.checks.map((check) => ({ task, check })));
  const results = new Map<string, CheckResult>();
  const emit = (result: CheckResult) => {
    if (results.has(result.checkId)) return;
    results.set(result.checkId, result);
    try {
      onResult?.(result);
    } catch {
      // A listener that throws (a closed stream) must not change the grade or abort the run.
    }
  };

  let runTimer: NodeJS.Timeout | undefined;
  const runDeadline = new Promise<"run-timeout">((resolve) => {
    runTimer = setTimeout(() => resolve("run-timeout"), timeouts.runMs);
  });

  const verdicts = new Map<string, Promise<Verdict>>();
  const titles = new Map(entries.map(({ check }) => [check.id, check.title]));
  const runs = entries.map(async ({ task, check }) => {
    const own = new AbortController();
    const ctx: CheckContext = {
      ...baseContext,
      cluster: withSignal(runCluster, own.signal),
      probeFile: `cks-probe-${runId}-${check.id}`,
    };
    const started = performance.now();
    const evaluated = withTimeout(evaluate(check, ctx), timeouts.checkMs, () => {
      own.abort();
      return {
        status: "error" as const,
        outcome: "timeout" as const,
        observed: `no result after ${timeouts.checkMs} ms`,
        message: `Check gave no result within ${timeouts.checkMs} ms: the cluster may be slow or unreachable; press Check again.`,
        evidence: [],
      };
    });
    // Required checks come earlier in the file (the schema enforces it), so their promises exist already.
    const verdict = withRequirements(
      evaluated,
      (check.requires ?? []).map((id) => ({ id, title: titles.get(id) ?? id, verdict: verdicts.get(id) })),
    );
    verdicts.set(check.id, verdict);
    emit(toResult(lab, task.id, check, await verdict, performance.now() - started));
  });
  const finished = await Promise.race([Promise.all(runs).then(() => "done" as const), runDeadline]);
  clearTimeout(runTimer);
  // Every check waited for the namespace read, so it has normally settled; after a run timeout it may
  // still hang, and then the checks' own outcomes say whether the cluster was the problem.
  const namespaceProblem = await withTimeout(
    namespaceRead.then((read) => runProblem(read, namespace, cluster)),
    1,
    () => null,
  );
  if (finished === "run-timeout") {
    for (const { task, check } of entries) {
      if (results.has(check.id)) continue;
      const verdict: Verdict = {
        status: "error",
        outcome: "run-timeout",
        observed: "not finished when the run timed out",
        message: `The grading run hit its ${timeouts.runMs} ms limit before this check finished; press Check again.`,
        evidence: [],
      };
      emit(toResult(lab, task.id, check, verdict, performance.now() - t0));
    }
  }
  run.abort();

  const ordered = entries.map(({ check }) => results.get(check.id)).filter((r): r is CheckResult => r !== undefined);
  const counts = { pass: 0, fail: 0, error: 0, unsupported: 0 };
  for (const r of ordered) counts[r.status] += 1;
  const score = ordered.reduce((sum, r) => sum + r.awarded, 0);
  const unsupportedPoints = pointsOf(ordered.filter((r) => r.status === "unsupported"));
  // Checks this cluster cannot evaluate count neither for nor against the learner.
  const maxScore = pointsOf(ordered) - unsupportedPoints;
  const found = namespaceProblem ?? problemFromResults(ordered);
  const problem = found && { ...found, message: clusterText(found.message, PROBLEM_LIMIT) };

  return {
    labId: lab.id,
    contentVersion: lab.contentVersion,
    namespace,
    server: cluster.server,
    context: cluster.context,
    status: counts.error > 0 ? "error" : counts.fail > 0 ? "failed" : "passed",
    score,
    maxScore,
    unsupportedPoints,
    counts,
    problem,
    tasks: lab.tasks.map((task) => {
      const own = ordered.filter((r) => r.taskId === task.id);
      const unsupported = pointsOf(own.filter((r) => r.status === "unsupported"));
      return {
        taskId: task.id,
        title: task.title,
        score: own.reduce((s, r) => s + r.awarded, 0),
        maxScore: task.points - unsupported,
        unsupportedPoints: unsupported,
      };
    }),
    results: ordered,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - t0),
  };
}

async function evaluate(check: TCheck, ctx: CheckContext): Promise<Verdict> {
  try {
    switch (check.type) {
      case "objectExists":
        return await checkObjectExists(check, ctx);
      case "podCondition":
        return await checkPodCondition(check, ctx);
      case "field":
        return await checkField(check, ctx);
      case "exec":
        return await checkExecProbe(check, ctx);
      case "logs":
        return await checkLogsContain(check, ctx);
      case "dryRunRejected":
        return await checkDryRunRejected(check, ctx);
      case "reachability":
        return await checkReachability(check, ctx);
      case "certificate":
        return await checkCertificate(check, ctx);
      case "dryRunAdmitted":
        return await checkDryRunAdmitted(check, ctx);
      case "ephemeralContainerDryRun":
        return await checkEphemeralContainerDryRun(check, ctx);
      case "accessReview":
        return await checkAccessReview(check, ctx);
    }
  } catch (error) {
    // A bug in a check must surface as an error result for that check, never as a crash or a pass.
    const text = errorMessage(error);
    return {
      status: "error",
      outcome: "unexpected",
      observed: "internal error",
      message: `Grader error: ${text}`.slice(0, MESSAGE_LIMIT),
      evidence: [],
    };
  }
}

async function withRequirements(
  own: Promise<Verdict>,
  required: { id: string; title: string; verdict: Promise<Verdict> | undefined }[],
): Promise<Verdict> {
  const verdict = await own;
  if (verdict.status !== "pass") return verdict;
  for (const requirement of required) {
    const other = await requirement.verdict;
    // A step that builds on one this cluster cannot evaluate cannot be evaluated either.
    if (other?.status === "unsupported") {
      return { ...other, observed: `${requirement.id}: ${other.observed}`, evidence: verdict.evidence };
    }
    // When the grader could not evaluate the prerequisite, say so; "do that step first" would blame the learner.
    if (other?.status === "error") {
      return { ...other, observed: `${requirement.id}: ${other.observed}`, evidence: verdict.evidence };
    }
    if (other?.status !== "pass") {
      return {
        status: "fail",
        outcome: "requires-unmet",
        observed: `${requirement.id} not passed`,
        message: `This counts once "${requirement.title}" passes; do that step first.`,
        evidence: verdict.evidence,
      };
    }
  }
  return verdict;
}

// The port promises never to reject; a port that does anyway must still yield a result, not a crash.
function settle<T>(call: Promise<CallResult<T>>): Promise<CallResult<T>> {
  return call.catch((error: unknown) => ({
    ok: false,
    failure: { kind: "unexpected", message: errorMessage(error) },
  }));
}

function validatePod(read: CallResult<KubeObject>): CallResult<TPod> {
  if (!read.ok) return read;
  const pod = ZPodSchema.safeParse(read.value);
  if (pod.success) return { ok: true, value: pod.data };
  return {
    ok: false,
    failure: {
      kind: "unexpected",
      message: `pod object has an unexpected shape: ${pod.error.issues[0]?.message ?? ""}`,
    },
  };
}

function toResult(lab: Lab, taskId: string, check: TCheck, verdict: Verdict, durationMs: number): CheckResult {
  const passed = verdict.status === "pass";
  // Observed values, messages and evidence carry cluster text: bounded and stripped of control characters
  // here, before anything streams, is stored or is shown.
  const observed = clusterText(verdict.observed, OBSERVED_LIMIT);
  const message = passed
    ? cap(`OK: ${observed}`)
    : verdict.message !== undefined
      ? cap(verdict.message)
      : fillTemplate(check.failureMessage, observed);
  return {
    checkId: check.id,
    taskId,
    type: check.type,
    title: check.title,
    status: verdict.status,
    outcome: verdict.outcome,
    points: check.points,
    awarded: passed ? check.points : 0,
    message: clusterText(message, MESSAGE_LIMIT),
    observed,
    hint: check.hint,
    lessonAnchor: check.lesson,
    lessonHref: `/lessons/${lab.id}${check.lesson}`,
    evidence: boundClusterData(verdict.evidence),
    durationMs: Math.round(durationMs),
  };
}

/** Fills `{observed}` so that the whole message stays under 200 characters. */
export function fillTemplate(template: string, observed: string): string {
  if (!template.includes("{observed}")) return cap(template);
  const room = MESSAGE_LIMIT - (template.length - "{observed}".length);
  const value = observed.length <= room ? observed : `${observed.slice(0, Math.max(0, room - 3))}...`;
  return cap(template.replaceAll("{observed}", value));
}

function cap(text: string): string {
  return text.length <= MESSAGE_LIMIT ? text : `${text.slice(0, MESSAGE_LIMIT - 3)}...`;
}

function runProblem(read: CallResult<KubeObject>, namespace: string, cluster: ClusterPort): RunProblem | null {
  if (read.ok) return null;
  const kind = read.failure.kind;
  if (kind === "not-found") return { outcome: "namespace-missing", message: namespaceMissingMessage(namespace) };
  if (kind === "timeout") {
    return {
      outcome: "cluster-unreachable",
      message: `The cluster at ${cluster.server} did not answer in time: is it running and reachable from here?`,
    };
  }
  if (kind === "refused") {
    return {
      outcome: "refused",
      message: `The cluster at ${cluster.server} answered in a way the grader refuses: ${read.failure.message}`,
    };
  }
  if (kind === "disconnected") {
    return {
      outcome: "agent-disconnected",
      message: failureVerdict(read.failure, "get namespace", cluster).message ?? "",
    };
  }
  if (kind === "unreachable" || kind === "unauthorized") {
    const verdict = failureVerdict(read.failure, "get namespace", cluster);
    return { outcome: kind === "unreachable" ? "cluster-unreachable" : "unauthorized", message: verdict.message ?? "" };
  }
  return null;
}

function pointsOf(results: CheckResult[]): number {
  return results.reduce((sum, r) => sum + r.points, 0);
}

function problemFromResults(results: CheckResult[]): RunProblem | null {
  const first = results.find(
    (r) =>
      r.outcome === "cluster-unreachable" ||
      r.outcome === "unauthorized" ||
      r.outcome === "refused" ||
      r.outcome === "agent-disconnected",
  );
  return first ? { outcome: first.outcome as RunProblem["outcome"], message: first.message } : null;
}

async function withTimeout<T, F>(work: Promise<T>, ms: number, onTimeout: () => F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<F>((resolve) => {
    timer = setTimeout(() => resolve(onTimeout()), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
