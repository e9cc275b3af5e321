import { addressRange, coverage, formatRange, parseCidr, subtract, type IpRange } from "./ip-range";
import { selectorMatches, type Labels } from "./label-selector";
import type { NetworkPolicy, PolicyPeer, PolicyPort, Protocol } from "./network-policy";

export type ContainerPort = { name?: string; containerPort: number; protocol: Protocol };

/** A pod as policies see it: where it lives, its labels, its IPs (for ipBlock) and named ports. */
export type PodEndpoint = {
  kind: "pod";
  namespace: string;
  name: string;
  labels: Labels;
  ips: string[];
  ports: ContainerPort[];
};

/** Addresses outside the cluster's pods (a metadata service, the internet). */
export type CidrEndpoint = { kind: "cidr"; cidr: string };

export type Endpoint = PodEndpoint | CidrEndpoint;

/** What the evaluator knows about the cluster. */
export type NetworkView = {
  /** Every NetworkPolicy of the namespaces listed in `policyNamespaces`. */
  policies: NetworkPolicy[];
  /** Namespaces whose policies are all in `policies`; a pod elsewhere has its side reported as not evaluated. */
  policyNamespaces: string[];
  /** Labels of the namespaces selectors may ask about (kubernetes.io/metadata.name included). */
  namespaceLabels: Record<string, Labels>;
};

export type Connection = { from: Endpoint; to: Endpoint; port: number; protocol: Protocol };

export type Outcome = "allowed" | "denied" | "partly";

/** One end's verdict: the source's egress or the destination's ingress. */
export type SideVerdict = {
  direction: "egress" | "ingress";
  /** "namespace/pod". */
  pod: string;
  /** False when the grader has not read that namespace's policies. */
  evaluated: boolean;
  /** Names of the policies that select the pod for this direction (isolated when non-empty). */
  selectedBy: string[];
  /** "policy egress rule 2" for every rule that allows the connection. */
  allowedBy: string[];
  outcome: Outcome;
  /** Set when only part of a CIDR is allowed: the part that is. */
  allowedPart?: string[];
};

export type Reachability = {
  outcome: Outcome;
  egress: SideVerdict | null;
  ingress: SideVerdict | null;
  /** Sentences a learner can act on, e.g. why a side was not evaluated. */
  notes: string[];
};

/**
 * Decides whether NetworkPolicies allow one connection, as Kubernetes defines them: a pod selected by no
 * policy for a direction is not isolated; an isolated pod accepts what the union of the selecting
 * policies' rules allows; a connection between pods needs the source's egress and the destination's
 * ingress. Pod IPs count for ipBlock peers; named ports resolve against the destination pod.
 */
export function evaluateReachability(view: NetworkView, connection: Connection): Reachability {
  const { from, to } = connection;
  if (from.kind !== "pod" && to.kind !== "pod") throw new Error("a connection needs a pod at one end at least");
  const notes: string[] = [];
  const egress = from.kind === "pod" ? side(view, "egress", from, to, connection) : null;
  const ingress = to.kind === "pod" ? side(view, "ingress", to, from, connection) : null;
  for (const verdict of [egress, ingress]) {
    if (verdict && !verdict.evaluated) {
      notes.push(
        `${verdict.direction} of ${verdict.pod} not evaluated: the grader does not read policies in that namespace`,
      );
    }
  }
  const outcomes = [egress, ingress].filter((v): v is SideVerdict => v !== null && v.evaluated).map((v) => v.outcome);
  const outcome: Outcome = outcomes.includes("denied") ? "denied" : outcomes.includes("partly") ? "partly" : "allowed";
  return { outcome, egress, ingress, notes };
}

function side(
  view: NetworkView,
  direction: "egress" | "ingress",
  self: PodEndpoint,
  peer: Endpoint,
  connection: Connection,
): SideVerdict {
  const base = { direction, pod: `${self.namespace}/${self.name}` };
  if (!view.policyNamespaces.includes(self.namespace)) {
    return { ...base, evaluated: false, selectedBy: [], allowedBy: [], outcome: "allowed" };
  }
  const selecting = view.policies.filter(
    (policy) =>
      policy.namespace === self.namespace &&
      (direction === "egress" ? policy.affectsEgress : policy.affectsIngress) &&
      selectorMatches(policy.podSelector, self.labels),
  );
  const selectedBy = selecting.map((p) => p.name);
  if (selecting.length === 0) {
    return { ...base, evaluated: true, selectedBy, allowedBy: [], outcome: "allowed" };
  }
  // The destination decides what a named port means, whichever side's rule names it.
  const destination = connection.to;
  const allowedBy: string[] = [];
  const admitted: IpRange[] = [];
  const target = peer.kind === "cidr" ? parseCidr(peer.cidr) : null;
  for (const policy of selecting) {
    const rules = direction === "egress" ? policy.egress : policy.ingress;
    rules.forEach((rule, index) => {
      if (rule.ports.length > 0 && !rule.ports.some((p) => portMatches(p, connection, destination))) return;
      const label = `${policy.name} ${direction} rule ${index + 1}`;
      if (peer.kind === "pod") {
        if (
          rule.peers.length === 0 ||
          rule.peers.some((candidate) => peerAdmitsPod(candidate, peer, policy.namespace, view))
        )
          allowedBy.push(label);
      } else if (target) {
        const ranges =
          rule.peers.length === 0 ? [target] : rule.peers.flatMap((c) => (c.ipBlock ? ipBlockRanges(c.ipBlock) : []));
        if (coverage(target, ranges) !== "none") {
          admitted.push(...ranges);
          allowedBy.push(label);
        }
      }
    });
  }
  if (target) {
    const covered = coverage(target, admitted);
    if (covered === "some") {
      const part = subtract([target], subtract([target], admitted)).map(formatRange);
      return { ...base, evaluated: true, selectedBy, allowedBy, outcome: "partly", allowedPart: part };
    }
    return { ...base, evaluated: true, selectedBy, allowedBy, outcome: covered === "all" ? "allowed" : "denied" };
  }
  return { ...base, evaluated: true, selectedBy, allowedBy, outcome: allowedBy.length > 0 ? "allowed" : "denied" };
}

/** True when the rule's port entry admits the connection's protocol and destination port. */
function portMatches(entry: PolicyPort, connection: Connection, destination: Endpoint): boolean {
  if (entry.protocol !== connection.protocol) return false;
  if (entry.port === null) return true;
  if (typeof entry.port === "number") {
    const end = entry.endPort ?? entry.port;
    return connection.port >= entry.port && connection.port <= end;
  }
  // A named port exists only on pods: it is the container port of that name and protocol there.
  if (destination.kind !== "pod") return false;
  return destination.ports.some(
    (p) => p.name === entry.port && p.protocol === entry.protocol && p.containerPort === connection.port,
  );
}

/** Whether one `from`/`to` entry admits the pod: by its IPs for an ipBlock, else by namespace and labels. */
function peerAdmitsPod(peer: PolicyPeer, pod: PodEndpoint, policyNamespace: string, view: NetworkView): boolean {
  if (peer.ipBlock) {
    const allowed = ipBlockRanges(peer.ipBlock);
    return pod.ips.some((ip) => {
      const address = addressRange(ip);
      return address !== null && coverage(address, allowed) === "all";
    });
  }
  return selectsPod(peer, pod, policyNamespace, view);
}

function selectsPod(peer: PolicyPeer, pod: PodEndpoint, policyNamespace: string, view: NetworkView): boolean {
  // A peer with neither selector is rejected by validation ("must specify a peer"); it matches nothing here.
  if (!peer.podSelector && !peer.namespaceSelector) return false;
  if (peer.namespaceSelector) {
    const labels = view.namespaceLabels[pod.namespace] ?? { "kubernetes.io/metadata.name": pod.namespace };
    if (!selectorMatches(peer.namespaceSelector, labels)) return false;
  } else if (pod.namespace !== policyNamespace) {
    return false;
  }
  return peer.podSelector ? selectorMatches(peer.podSelector, pod.labels) : true;
}

function ipBlockRanges(block: { cidr: string; except: string[] }): IpRange[] {
  const cidr = parseCidr(block.cidr);
  if (!cidr) return [];
  const holes = block.except.map(parseCidr).filter((r): r is IpRange => r !== null);
  return subtract([cidr], holes);
}
