import { z } from "zod";
import type { TEndpoint, TReachabilityCheck } from "../lab/schema";
import {
  evaluateReachability,
  type ContainerPort,
  type Endpoint,
  type NetworkView,
  type Outcome,
  type SideVerdict,
} from "../network/evaluate-reachability";
import type { Labels } from "../network/label-selector";
import { normalizePolicy, PROTOCOLS, ZNetworkPolicySchema, type NetworkPolicy } from "../network/network-policy";
import type { CallResult, ClusterFailure, ExecOutput, KubeObject, TPod } from "../port";
import type { Evidence, ExecEvidence, ReachabilityEvidence } from "../report";
import { findContainer } from "./pod-state";
import {
  fail,
  failureVerdict,
  namespaceMissingMessage,
  pass,
  podReadFailure,
  type CheckContext,
  type Verdict,
} from "./verdict";
import { isRecord } from "@/lib/json/is-record";

/** More policies or DNS pods than this in one namespace is not a lab; the check refuses to judge a partial list. */
const POLICY_LIMIT = 200;
const PEER_POD_LIMIT = 20;

const ZPodNetworkSchema = z.looseObject({
  metadata: z.looseObject({ name: z.string(), labels: z.record(z.string(), z.string()).nullish() }),
  spec: z
    .looseObject({
      containers: z
        .array(
          z.looseObject({
            ports: z
              .array(
                z.looseObject({
                  name: z.string().nullish(),
                  containerPort: z.number().int(),
                  protocol: z.enum(PROTOCOLS).nullish(),
                }),
              )
              .nullish(),
          }),
        )
        .nullish(),
    })
    .nullish(),
  status: z
    .looseObject({
      podIP: z.string().nullish(),
      podIPs: z.array(z.looseObject({ ip: z.string() })).nullish(),
    })
    .nullish(),
});

type Resolved<T> = { ok: true; value: T } | { ok: false; verdict: Verdict };

/**
 * Judges whether the lab namespace's NetworkPolicies allow a connection, and, when the check has a probe,
 * runs it from inside the source pod. The policies decide, so the lab grades the same on a cluster whose
 * network plugin ignores NetworkPolicy; a probe that fails where the policies allow fails the check
 * (the connection must really work), and one that connects where they deny is reported as non-enforcement.
 */
export async function checkReachability(check: TReachabilityCheck, ctx: CheckContext): Promise<Verdict> {
  const probe = check.probe && "pod" in check.from ? runProbe(check, check.from.pod, ctx) : null;
  const [from, to, policies, labNamespace] = await Promise.all([
    resolveEndpoint(check.from, ctx),
    resolveEndpoint(check.to, ctx),
    namespacePolicies(ctx),
    ctx.readNamespace(),
  ]);
  if (!labNamespace.ok) {
    if (labNamespace.failure.kind === "not-found") {
      return fail(
        `namespace ${ctx.namespace} not found`,
        [],
        "namespace-missing",
        namespaceMissingMessage(ctx.namespace),
      );
    }
    return failureVerdict(labNamespace.failure, `get namespace ${ctx.namespace}`, ctx.cluster);
  }
  if (!from.ok) return from.verdict;
  if (!to.ok) return to.verdict;
  if (!policies.ok) return policies.verdict;

  const namespaceLabels: Record<string, Labels> = {
    [ctx.namespace]: labelsOf(labNamespace.value, ctx.namespace),
    ...from.value.namespaceLabels,
    ...to.value.namespaceLabels,
  };
  const view: NetworkView = {
    policies: policies.value,
    policyNamespaces: [ctx.namespace, ...from.value.emptyNamespaces, ...to.value.emptyNamespaces],
    namespaceLabels,
  };
  const verdicts = from.value.endpoints.flatMap((source) =>
    to.value.endpoints.map((destination) =>
      evaluateReachability(view, { from: source, to: destination, port: check.port, protocol: check.protocol }),
    ),
  );
  const outcome = combine(verdicts.map((v) => v.outcome));
  const connection = `${endpointText(check.from)} -> ${endpointText(check.to)} ${check.protocol}/${check.port}`;
  const sides = verdicts.flatMap((v) => [v.egress, v.ingress]).filter((s): s is SideVerdict => s !== null);
  const notes = [...new Set(verdicts.flatMap((v) => v.notes))];
  const policyText = explain(outcome, sides);
  const evidence: ReachabilityEvidence = {
    type: "reachability",
    connection,
    expected: check.expect,
    policies: outcome,
    sides: sides.map(({ direction, pod, evaluated, selectedBy, allowedBy, outcome: o }) => ({
      direction,
      pod,
      evaluated,
      selectedBy,
      allowedBy,
      outcome: o,
    })),
    probe: "not run",
    decidedBy: "policies",
    notes,
  };
  const probed = probe ? await probe : null;
  const all: Evidence[] = [evidence, ...(probed?.evidence ? [probed.evidence] : [])];
  if (probed) {
    if (probed.kind === "error") return { ...probed.verdict, evidence: [...all, ...probed.verdict.evidence] };
    evidence.probe = probed.kind;
  }

  if (outcome !== check.expect) {
    const probeText = probed ? `; probe ${probed.kind}` : "";
    return fail(`policies: ${policyText}${probeText}`, all);
  }
  if (!probed || probed.kind === "could not run") {
    if (probed) evidence.notes.push(`the probe could not run (${probed.detail}), so the policies alone decided`);
    return pass(`policies: ${policyText}`, all);
  }
  const probeAgrees = (probed.kind === "connected") === (check.expect === "allowed");
  if (probeAgrees) {
    evidence.decidedBy = "policies and probe";
    return pass(`policies and probe: ${check.expect}`, all);
  }
  if (check.expect === "allowed") {
    // The policies allow it, yet nothing got through: the learner's cluster is what counts.
    evidence.decidedBy = "probe";
    return fail(`the policies allow it, but the probe from ${endpointText(check.from)} failed: ${probed.detail}`, all);
  }
  evidence.notes.push(
    "the probe connected although the policies deny it: this cluster's network plugin does not enforce NetworkPolicy, so the policies decided",
  );
  return pass(`policies: ${policyText} (not enforced by this cluster's network plugin)`, all);
}

type ResolvedEnd = {
  endpoints: Endpoint[];
  namespaceLabels: Record<string, Labels>;
  /** Namespaces that exist only in the check's imagination: known to hold no policies. */
  emptyNamespaces: string[];
};

async function resolveEndpoint(end: TEndpoint, ctx: CheckContext): Promise<Resolved<ResolvedEnd>> {
  if ("cidr" in end)
    return {
      ok: true,
      value: { endpoints: [{ kind: "cidr", cidr: end.cidr }], namespaceLabels: {}, emptyNamespaces: [] },
    };
  if ("hypotheticalPod" in end) {
    const { namespace = ctx.namespace, labels, namespaceLabels } = end.hypotheticalPod;
    const elsewhere = namespace !== ctx.namespace;
    return {
      ok: true,
      value: {
        endpoints: [
          { kind: "pod", namespace, name: `(a pod labelled ${labelText(labels)})`, labels, ips: [], ports: [] },
        ],
        namespaceLabels: elsewhere
          ? { [namespace]: { ...namespaceLabels, "kubernetes.io/metadata.name": namespace } }
          : {},
        emptyNamespaces: elsewhere ? [namespace] : [],
      },
    };
  }
  if ("pod" in end) {
    const read = await ctx.readPod(end.pod);
    if (!read.ok) return { ok: false, verdict: await podReadFailure(read.failure, end.pod, ctx) };
    const endpoint = podEndpoint(read.value, ctx.namespace);
    if (!endpoint) return { ok: false, verdict: shapeError(`pod ${end.pod}`) };
    return { ok: true, value: { endpoints: [endpoint], namespaceLabels: {}, emptyNamespaces: [] } };
  }
  const { namespace, matchLabels } = end.pods;
  const selector = Object.entries(matchLabels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  const [list, ns] = await Promise.all([
    ctx.shared(`pods ${namespace} ${selector}`, () =>
      ctx.cluster.listObjects({
        apiVersion: "v1",
        kind: "Pod",
        namespace,
        labelSelector: selector,
        limit: PEER_POD_LIMIT,
      }),
    ),
    ctx.shared(`namespace ${namespace}`, () => ctx.cluster.readNamespace(namespace)),
  ]);
  if (!list.ok)
    return {
      ok: false,
      verdict: failureVerdict(list.failure, `list pods -n ${namespace} -l ${selector}`, ctx.cluster),
    };
  // A namespace that does not exist holds no pods: the empty list below says so more usefully.
  if (!ns.ok && ns.failure.kind !== "not-found") {
    return { ok: false, verdict: failureVerdict(ns.failure, `get namespace ${namespace}`, ctx.cluster) };
  }
  if (list.value.truncated)
    return { ok: false, verdict: tooMany(`pods labelled ${selector} in ${namespace}`, PEER_POD_LIMIT) };
  const endpoints = list.value.items.map((pod) => podEndpoint(pod, namespace));
  if (endpoints.some((e) => e === null)) return { ok: false, verdict: shapeError(`a pod in ${namespace}`) };
  if (endpoints.length === 0) {
    const evidence: Evidence[] = [
      {
        type: "call",
        call: `kubectl get pods -n ${namespace} -l ${selector}`,
        failure: "empty",
        detail: "No resources found",
      },
    ];
    return {
      ok: false,
      verdict: fail(
        `no pod labelled ${selector} in ${namespace}`,
        evidence,
        "pod-missing",
        `No pod labelled ${selector} runs in namespace ${namespace}, so there is nothing to reach.`,
      ),
    };
  }
  return {
    ok: true,
    value: {
      endpoints: endpoints.filter((e): e is Endpoint => e !== null),
      namespaceLabels: { [namespace]: labelsOf(ns.ok ? ns.value : {}, namespace) },
      emptyNamespaces: [],
    },
  };
}

function podEndpoint(object: KubeObject | TPod, namespace: string): Endpoint | null {
  const parsed = ZPodNetworkSchema.safeParse(object);
  if (!parsed.success) return null;
  const pod = parsed.data;
  const ips = [
    ...new Set([...(pod.status?.podIPs ?? []).map((p) => p.ip), ...(pod.status?.podIP ? [pod.status.podIP] : [])]),
  ];
  const ports: ContainerPort[] = (pod.spec?.containers ?? []).flatMap((c) =>
    (c.ports ?? []).map((p) => ({
      ...(p.name ? { name: p.name } : {}),
      containerPort: p.containerPort,
      protocol: p.protocol ?? "TCP",
    })),
  );
  return { kind: "pod", namespace, name: pod.metadata.name, labels: pod.metadata.labels ?? {}, ips, ports };
}

async function namespacePolicies(ctx: CheckContext): Promise<Resolved<NetworkPolicy[]>> {
  return ctx.shared("networkpolicies", async () => {
    const list = await ctx.cluster.listObjects({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      namespace: ctx.namespace,
      limit: POLICY_LIMIT,
    });
    if (!list.ok) {
      return {
        ok: false,
        verdict: failureVerdict(list.failure, `list networkpolicies -n ${ctx.namespace}`, ctx.cluster),
      };
    }
    if (list.value.truncated)
      return { ok: false, verdict: tooMany(`NetworkPolicies in ${ctx.namespace}`, POLICY_LIMIT) };
    const policies: NetworkPolicy[] = [];
    for (const item of list.value.items) {
      const parsed = ZNetworkPolicySchema.safeParse(item);
      if (!parsed.success)
        return { ok: false, verdict: shapeError(`NetworkPolicy ${String(item.metadata?.name ?? "?")}`) };
      policies.push(normalizePolicy(parsed.data, ctx.namespace));
    }
    return { ok: true, value: policies };
  });
}

type ProbeResult =
  | { kind: "connected" | "failed" | "could not run"; detail: string; evidence: ExecEvidence | null }
  | { kind: "error"; verdict: Verdict; evidence: ExecEvidence | null };

async function runProbe(check: TReachabilityCheck, podName: string, ctx: CheckContext): Promise<ProbeResult> {
  const probe = check.probe!;
  // Only the namespace (a validated DNS label) is substituted; the argv comes from the lab file.
  const argv = probe.command.map((arg) => arg.replaceAll("{{namespace}}", ctx.namespace));
  const read = await ctx.readPod(podName);
  if (!read.ok) return { kind: "could not run", detail: `pod ${podName} could not be read`, evidence: null };
  const containers = read.value.spec.containers;
  const name = probe.container ?? (containers.length === 1 ? containers[0]!.name : undefined);
  if (name === undefined) {
    return {
      kind: "could not run",
      detail: `pod ${podName} has several containers and the check names none`,
      evidence: null,
    };
  }
  const container = findContainer(read.value, name);
  if (!container) return { kind: "could not run", detail: `pod ${podName} has no container ${name}`, evidence: null };
  const evidence: ExecEvidence = {
    type: "exec",
    pod: podName,
    container: name,
    argv,
    exitCode: null,
    stdout: "",
    stderr: "",
    cleanup: null,
  };
  if (container.status?.state?.running === undefined) {
    return { kind: "could not run", detail: `container ${name} of pod ${podName} is not running`, evidence };
  }
  const exec: CallResult<ExecOutput> = await ctx.cluster.exec({
    namespace: ctx.namespace,
    pod: podName,
    container: name,
    command: argv,
    timeoutMs: ctx.execTimeoutMs,
  });
  if (!exec.ok) return probeFailure(exec.failure, evidence, ctx);
  const { exitCode, stdout, stderr } = exec.value;
  Object.assign(evidence, { exitCode, stdout: stdout.slice(0, 4000), stderr: stderr.slice(0, 4000) });
  const line = [...stderr.split("\n"), ...stdout.split("\n")].map((l) => l.trim()).find(Boolean) ?? "";
  return exitCode === 0
    ? { kind: "connected", detail: "exit 0", evidence }
    : { kind: "failed", detail: `exit ${exitCode}${line ? `: ${line.slice(0, 100)}` : ""}`, evidence };
}

function probeFailure(failure: ClusterFailure, evidence: ExecEvidence, ctx: CheckContext): ProbeResult {
  // A command that never ended behaves like a connection that never answered.
  if (failure.kind === "timeout") return { kind: "failed", detail: `no exit within ${ctx.execTimeoutMs} ms`, evidence };
  if (failure.kind === "exec-not-started") {
    return {
      kind: "could not run",
      detail: failure.message.slice(0, 120),
      evidence: { ...evidence, stderr: failure.message.slice(0, 4000) },
    };
  }
  const verdict = failureVerdict(failure, `exec in pod ${evidence.pod}`, ctx.cluster);
  return { kind: "error", verdict, evidence };
}

function combine(outcomes: Outcome[]): Outcome {
  if (outcomes.every((o) => o === "allowed")) return "allowed";
  if (outcomes.every((o) => o === "denied")) return "denied";
  return "partly";
}

/** One line on why the policies decided as they did. */
function explain(outcome: Outcome, sides: SideVerdict[]): string {
  if (outcome === "allowed") {
    const rules = [...new Set(sides.flatMap((s) => s.allowedBy))];
    return rules.length > 0 ? `allowed by ${rules.join(", ")}` : "allowed (no policy isolates either end)";
  }
  const blocking = sides.filter((s) => s.evaluated && s.outcome !== "allowed");
  const why = blocking.map((s) => `${s.direction} of ${s.pod} isolated by ${s.selectedBy.join(", ")}`).join("; ");
  return outcome === "denied" ? `denied (${why}; no rule allows it)` : `partly allowed (${why})`;
}

function labelsOf(namespace: KubeObject, name: string): Labels {
  const labels = namespace.metadata?.labels;
  const own = isRecord(labels) ? (labels as Labels) : {};
  // The API server sets this label on every namespace (Kubernetes 1.22+); older objects may lack it.
  return { ...own, "kubernetes.io/metadata.name": name };
}

function endpointText(end: TEndpoint): string {
  if ("pod" in end) return end.pod;
  if ("cidr" in end) return end.cidr;
  if ("pods" in end) return `pods ${labelText(end.pods.matchLabels)} in ${end.pods.namespace}`;
  const ns = end.hypotheticalPod.namespace;
  return `a pod labelled ${labelText(end.hypotheticalPod.labels)}${ns ? ` in ${ns}` : ""}`;
}

function labelText(labels: Labels): string {
  const text = Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  return text || "(no labels)";
}

function shapeError(what: string): Verdict {
  return {
    status: "error",
    outcome: "unexpected",
    observed: `${what}: unexpected shape`,
    message: `The cluster returned ${what} in a shape the grader does not understand.`,
    evidence: [],
  };
}

function tooMany(what: string, limit: number): Verdict {
  return {
    status: "error",
    outcome: "unexpected",
    observed: `more than ${limit} ${what}`,
    message: `There are more than ${limit} ${what}; the grader does not judge a partial list.`,
    evidence: [],
  };
}
