import type { CallResult, ClusterFailure, ClusterPort, KubeObject, TPod } from "../port";
import type { CheckOutcome, CheckStatus, Evidence, NodeSupportEvidence } from "../report";
import { FEATURE_NAMES } from "./node-support";
import { findContainer, type FoundContainer } from "./pod-state";

/** What evaluating one check concluded, before the engine adds ids, points and timing. */
export type Verdict = {
  status: CheckStatus;
  outcome: CheckOutcome;
  /** One short line of what was seen; fills `{observed}` in the lab's failure message. */
  observed: string;
  /** Set for outcomes whose message does not come from the lab (missing pod, 403, timeouts...). */
  message?: string;
  evidence: Evidence[];
};

/** Shared, per-run view of the cluster handed to every check. */
export type CheckContext = {
  cluster: ClusterPort;
  namespace: string;
  /** One read per pod per run, shared by every check that looks at that pod. */
  readPod(name: string): Promise<CallResult<TPod>>;
  readNamespace(): Promise<CallResult<KubeObject>>;
  /** Runs `load` once per grading run for `key` and shares the promise (e.g. the namespace's NetworkPolicies). */
  shared<T>(key: string, load: () => Promise<T>): Promise<T>;
  /** A name no earlier run used, for files an exec probe creates. */
  probeFile: string;
  execTimeoutMs: number;
};

/** A passing verdict with what was seen. */
export function pass(observed: string, evidence: Evidence[]): Verdict {
  return { status: "pass", outcome: "passed", observed, evidence };
}

/** A failing verdict; `message` replaces the lab's failure message for outcomes the lab does not describe. */
export function fail(
  observed: string,
  evidence: Evidence[],
  outcome: CheckOutcome = "failed",
  message?: string,
): Verdict {
  return { status: "fail", outcome, observed, evidence, ...(message ? { message } : {}) };
}

/**
 * A verdict for a behaviour this cluster cannot show (a node without AppArmor): neither pass nor fail,
 * and its points leave the maximum score.
 */
export function unsupported(evidence: NodeSupportEvidence): Verdict {
  const feature = FEATURE_NAMES[evidence.feature];
  const who = evidence.source === "kubelet" ? "the kubelet refused" : "the container runtime could not start";
  return {
    status: "unsupported",
    outcome: "unsupported",
    observed: `${feature} not available on the node (${evidence.reason})`,
    message: `Not gradable on this cluster: its node cannot enforce ${feature} (${who} pod ${evidence.pod}). Left out of your score.`,
    evidence: [evidence],
  };
}

/** Turns a failed cluster call into a verdict that says what to do; not-found is left to the caller. */
export function failureVerdict(
  failure: ClusterFailure,
  call: string,
  cluster: Pick<ClusterPort, "server" | "context">,
): Verdict {
  const evidence: Evidence[] = [{ type: "call", call, failure: failure.kind, detail: failure.message.slice(0, 500) }];
  const error = (outcome: CheckOutcome, observed: string, message: string): Verdict => ({
    status: "error",
    outcome,
    observed,
    message,
    evidence,
  });
  switch (failure.kind) {
    case "unreachable":
      return error(
        "cluster-unreachable",
        "cluster unreachable",
        `Cannot reach the cluster at ${cluster.server}: is it running? (kind create cluster --name cks)`,
      );
    case "unauthorized":
      return error(
        "unauthorized",
        "401 Unauthorized",
        `The cluster rejected the credentials (401)${cluster.context ? ` of context ${cluster.context}` : ""}: refresh your kubeconfig.`,
      );
    case "forbidden": {
      const where = failure.namespace ? ` in namespace ${failure.namespace}` : " (cluster-wide)";
      return error(
        "forbidden",
        `403 Forbidden: ${failure.verb} ${failure.resource}`,
        `Permission denied: your user needs RBAC "${failure.verb} ${failure.resource}"${where}.`,
      );
    }
    case "timeout":
      return error(
        "timeout",
        "no answer in time",
        `${call} got no answer in time: the API server may be busy; press Check again.`,
      );
    case "refused":
      return error(
        "refused",
        "answer refused",
        `The grader refused the cluster's answer: ${failure.message}`.slice(0, 199),
      );
    case "disconnected":
      return error(
        "agent-disconnected",
        "agent disconnected",
        `agent disconnected: ${failure.message} Start the agent again, then press Check.`.slice(0, 199),
      );
    case "not-found":
      return error("unexpected", "404 Not Found", `${call}: not found (${failure.message.slice(0, 120)})`);
    default:
      return error("unexpected", failure.kind, `${call} failed: ${failure.message.slice(0, 150)}`);
  }
}

/** Verdict for a pod read that failed: tells a missing namespace from a missing pod. */
export async function podReadFailure(failure: ClusterFailure, pod: string, ctx: CheckContext): Promise<Verdict> {
  if (failure.kind !== "not-found") return failureVerdict(failure, `get pod ${pod}`, ctx.cluster);
  // The evidence shows the call a learner can repeat with kubectl to see the same answer.
  const ns = await ctx.readNamespace();
  if (!ns.ok && ns.failure.kind === "not-found") {
    const evidence: Evidence[] = [
      {
        type: "call",
        call: `kubectl get namespace ${ctx.namespace}`,
        failure: "not-found",
        detail: `namespaces "${ctx.namespace}" not found`,
      },
    ];
    return fail(
      `namespace ${ctx.namespace} not found`,
      evidence,
      "namespace-missing",
      namespaceMissingMessage(ctx.namespace),
    );
  }
  const evidence: Evidence[] = [
    {
      type: "call",
      call: `kubectl get pod ${pod} -n ${ctx.namespace}`,
      failure: "not-found",
      detail: `pods "${pod}" not found`,
    },
  ];
  return fail(
    `pod ${pod} not found`,
    evidence,
    "pod-missing",
    `Pod ${pod} not found in namespace ${ctx.namespace}: create it first.`,
  );
}

/** What to tell a learner whose lab namespace does not exist. */
export function namespaceMissingMessage(namespace: string): string {
  return `Namespace ${namespace} does not exist: kubectl create namespace ${namespace}`;
}

/**
 * The container a check addresses: the named one, or, when the check names none, the pod's only
 * container whatever it is called. A pod with several containers and no name given is a fail that says so.
 */
export function pickContainer(
  pod: TPod,
  name: string | undefined,
): { ok: true; container: FoundContainer } | { ok: false; verdict: Verdict } {
  const podName = pod.metadata.name;
  const names = pod.spec.containers.map((c) => c.name);
  if (name !== undefined) {
    const container = findContainer(pod, name);
    if (container) return { ok: true, container };
    return {
      ok: false,
      verdict: fail(
        `pod ${podName} has no container ${name} (containers: ${names.join(", ") || "none"})`,
        [],
        "container-missing",
        `Pod ${podName} has no container named ${name}; its containers: ${names.join(", ") || "none"}.`,
      ),
    };
  }
  const only = names.length === 1 ? findContainer(pod, names[0] ?? "") : null;
  if (only) return { ok: true, container: only };
  return {
    ok: false,
    verdict: fail(
      `pod ${podName} has ${names.length} containers (${names.join(", ")})`,
      [],
      "container-ambiguous",
      `Pod ${podName} has ${names.length} containers (${names.join(", ").slice(0, 80)}); this task expects a pod with one container.`,
    ),
  };
}
