import { evaluateReachability, type Endpoint, type Reachability } from "./evaluate-reachability";
import { normalizePolicy, ZNetworkPolicySchema } from "./network-policy";
import type { CaseEnd, CaseProbe, PolicyCase } from "./policy-cases";

/** Replaces `{{ip:<pod>}}` everywhere in a manifest with that pod's IP; throws on a pod without one. */
export function fillPodIps<T>(value: T, ips: Record<string, string>): T {
  const text = JSON.stringify(value).replace(/\{\{ip:([a-z0-9-]+)\}\}/g, (_, pod: string) => {
    const ip = ips[pod];
    if (!ip) throw new Error(`no IP known for pod ${pod}`);
    return ip;
  });
  return JSON.parse(text) as T;
}

/** The policies of a case with pod IPs filled in, as the cluster would store them. */
export function casePolicies(policyCase: PolicyCase, ips: Record<string, string>): Record<string, unknown>[] {
  return policyCase.policies.map((p) => fillPodIps(p, ips));
}

/** What the evaluator says about one probe of a case, given the IPs the pods got. */
export function evaluateCaseProbe(policyCase: PolicyCase, probe: CaseProbe, ips: Record<string, string>): Reachability {
  const policies = casePolicies(policyCase, ips).map((manifest) => {
    const parsed = ZNetworkPolicySchema.parse(manifest);
    return normalizePolicy(parsed, parsed.metadata.namespace ?? "");
  });
  const namespaceLabels = Object.fromEntries(
    policyCase.namespaces.map((ns) => [ns.name, { ...ns.labels, "kubernetes.io/metadata.name": ns.name }]),
  );
  const endpoint = (end: CaseEnd): Endpoint => {
    if ("cidr" in end) return { kind: "cidr", cidr: end.cidr };
    const pod = policyCase.pods.find((p) => p.name === end.pod);
    if (!pod) throw new Error(`case ${policyCase.id}: no pod ${end.pod}`);
    const ip = ips[pod.name];
    return { kind: "pod", ...pod, ips: ip ? [ip] : [] };
  };
  return evaluateReachability(
    { policies, policyNamespaces: policyCase.namespaces.map((ns) => ns.name), namespaceLabels },
    { from: endpoint(probe.from), to: endpoint(probe.to), port: probe.port, protocol: probe.protocol },
  );
}

/** "client -> server TCP/80" for test names and messages. */
export function describeProbe(probe: CaseProbe): string {
  const end = (e: CaseEnd) => ("pod" in e ? e.pod : e.cidr);
  return `${end(probe.from)} -> ${end(probe.to)} ${probe.protocol}/${probe.port}`;
}
