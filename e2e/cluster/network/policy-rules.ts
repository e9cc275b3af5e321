import { createHash } from "node:crypto";
import { matchesLabels, requirementsFromSelector, type TLabelSelector } from "../label-selector";
import type { TKubeObject } from "../types";
import { ipv4InCidr } from "./addresses";
import type { TFirewallPart } from "./firewall";
import type { TNetworkPod, TProtocol } from "./service-view";

type TPort = { protocol: TProtocol; port: number | string | null; endPort: number | null };
type TPeer = {
  podSelector?: TLabelSelector;
  namespaceSelector?: TLabelSelector;
  ipBlock?: { cidr: string; except: string[] };
};
type TRule = { ports: TPort[]; peers: TPeer[] };
/** A stored NetworkPolicy as the enforcer reads it (policyTypes already defaulted by the API server). */
type TPolicy = {
  label: string;
  namespace: string;
  podSelector: TLabelSelector;
  ingress: TRule[] | null;
  egress: TRule[] | null;
};

type TRawRule = {
  ports?: Array<{ protocol?: string; port?: number | string; endPort?: number }>;
  from?: TRawPeer[];
  to?: TRawPeer[];
};
type TRawPeer = {
  podSelector?: TLabelSelector;
  namespaceSelector?: TLabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
};

const allowedMark = "0x10000/0x10000";

function readPolicy(object: TKubeObject): TPolicy {
  const spec = (object.spec ?? {}) as {
    podSelector?: TLabelSelector;
    policyTypes?: string[];
    ingress?: TRawRule[];
    egress?: TRawRule[];
  };
  const types = spec.policyTypes ?? ((spec.egress ?? []).length > 0 ? ["Ingress", "Egress"] : ["Ingress"]);
  const rules = (raw: TRawRule[] | undefined, key: "from" | "to"): TRule[] =>
    (raw ?? []).map((rule) => ({
      ports: (rule.ports ?? []).map((port) => ({
        protocol: (port.protocol ?? "TCP") as TProtocol,
        port: port.port ?? null,
        endPort: port.endPort ?? null,
      })),
      peers: (rule[key] ?? []).map((peer) => ({
        ...(peer.podSelector ? { podSelector: peer.podSelector } : {}),
        ...(peer.namespaceSelector ? { namespaceSelector: peer.namespaceSelector } : {}),
        ...(peer.ipBlock ? { ipBlock: { cidr: peer.ipBlock.cidr, except: peer.ipBlock.except ?? [] } } : {}),
      })),
    }));
  return {
    label: `${object.metadata.namespace ?? ""}/${object.metadata.name ?? ""}`,
    namespace: object.metadata.namespace ?? "",
    podSelector: spec.podSelector ?? {},
    ingress: types.includes("Ingress") ? rules(spec.ingress, "from") : null,
    egress: types.includes("Egress") ? rules(spec.egress, "to") : null,
  };
}

const selects = (selector: TLabelSelector, labels: Record<string, string>) =>
  matchesLabels(requirementsFromSelector(selector), labels);

function chain(prefix: string, text: string): string {
  return `${prefix}-${createHash("sha256").update(text).digest("hex").slice(0, 16).toUpperCase()}`;
}

/**
 * The NetworkPolicy enforcer's filter rules on the node, with the API's semantics: a pod selected by a
 * policy of a direction is isolated in that direction and accepts only what the union of those policies'
 * rules allows; a rule's peers are a union (namespaceSelector and podSelector in one peer both must
 * match, podSelector alone means the policy's namespace, ipBlock minus its excepts counts pod addresses
 * too), its ports a union (a number, a range with endPort, a name resolved on the destination pod, the
 * protocol TCP by default), and an empty list matches everything. Pod-to-pod traffic needs the source's
 * egress and the destination's ingress; replies of allowed connections pass (conntrack); traffic of
 * hostNetwork pods and from the node itself is not policed, as on a real node.
 */
export function renderPolicyRules(
  objects: TKubeObject[],
  pods: TNetworkPod[],
  namespaceLabels: Record<string, Record<string, string>>,
): TFirewallPart {
  const policies = objects.map(readPolicy);
  const policed = pods.filter((pod) => !pod.hostNetwork && pod.ip);
  const chains = ["CKS-NETPOL", "CKS-NETPOL-EGRESS", "CKS-NETPOL-INGRESS"];
  const rules = [
    "-A FORWARD -j CKS-NETPOL",
    "-A CKS-NETPOL -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
    "-A CKS-NETPOL -j CKS-NETPOL-EGRESS",
    "-A CKS-NETPOL -j CKS-NETPOL-INGRESS",
  ];
  const peerPods = (peer: TPeer, policyNamespace: string): TNetworkPod[] =>
    policed.filter((pod) => {
      if (peer.namespaceSelector) {
        const labels = namespaceLabels[pod.namespace] ?? { "kubernetes.io/metadata.name": pod.namespace };
        if (!selects(peer.namespaceSelector, labels)) return false;
      } else if (pod.namespace !== policyNamespace) return false;
      return peer.podSelector ? selects(peer.podSelector, pod.labels) : true;
    });

  for (const self of policed) {
    for (const direction of ["egress", "ingress"] as const) {
      const selecting = policies.filter(
        (policy) =>
          policy.namespace === self.namespace && policy[direction] !== null && selects(policy.podSelector, self.labels),
      );
      if (selecting.length === 0) continue;
      const own = chain(direction === "egress" ? "CKS-E" : "CKS-I", `${self.namespace}/${self.name}/${self.ip}`);
      const address = direction === "egress" ? "-d" : "-s";
      chains.push(own);
      rules.push(
        `-A CKS-NETPOL-${direction.toUpperCase()} ${direction === "egress" ? "-s" : "-d"} ${self.ip}/32 -m comment --comment "${self.namespace}/${self.name} ${direction}" -j ${own}`,
        `-A ${own} -j MARK --set-xmark 0x0/0x10000`,
      );
      const allow = (match: string, comment: string) =>
        rules.push(`-A ${own}${match} -m comment --comment "${comment}" -j MARK --set-xmark ${allowedMark}`);
      for (const policy of selecting) {
        (policy[direction] ?? []).forEach((rule, index) => {
          const comment = `${policy.label} ${direction} rule ${index + 1}`;
          const ports = rule.ports.length > 0 ? rule.ports : [null];
          // Where a named port is looked up: the destination pod (the peer for egress, this pod for ingress).
          const portMatches = (port: TPort | null, destination: TNetworkPod | null): string[] => {
            if (!port) return [""];
            if (port.protocol === "SCTP") return [];
            const proto = port.protocol.toLowerCase();
            if (port.port === null) return [` -p ${proto}`];
            if (typeof port.port === "string") {
              const named = destination?.ports.find(
                (candidate) => candidate.name === port.port && candidate.protocol === port.protocol,
              );
              return named ? [` -p ${proto} -m ${proto} --dport ${named.containerPort}`] : [];
            }
            const range =
              port.endPort !== null && port.endPort > port.port ? `${port.port}:${port.endPort}` : `${port.port}`;
            return [` -p ${proto} -m ${proto} --dport ${range}`];
          };
          const targets: Array<{ cidr: string; except: string[]; pod: TNetworkPod | null }> = [];
          // No peers: every address, which for a named egress port means every pod that has that port.
          const peers: TPeer[] = rule.peers.length > 0 ? rule.peers : [{ ipBlock: { cidr: "0.0.0.0/0", except: [] } }];
          for (const peer of peers) {
            if (peer.ipBlock) {
              const block = peer.ipBlock;
              const namedPorts = rule.ports.some((port) => typeof port.port === "string");
              if (direction === "egress" && namedPorts) {
                // A named port means something only on a pod: the pods inside the block stand for it.
                for (const pod of policed.filter(
                  (candidate) =>
                    ipv4InCidr(candidate.ip, block.cidr) &&
                    !block.except.some((hole) => ipv4InCidr(candidate.ip, hole)),
                ))
                  targets.push({ cidr: `${pod.ip}/32`, except: [], pod });
                if (rule.ports.some((port) => typeof port.port !== "string"))
                  targets.push({ cidr: block.cidr, except: block.except, pod: null });
              } else targets.push({ cidr: block.cidr, except: block.except, pod: null });
            } else if (peer.podSelector || peer.namespaceSelector) {
              for (const pod of peerPods(peer, policy.namespace))
                targets.push({ cidr: `${pod.ip}/32`, except: [], pod });
            }
          }
          for (const target of targets) {
            const destination = direction === "egress" ? target.pod : self;
            const matches = ports.flatMap((port) =>
              // An egress named port towards a whole block was expanded into its pods above.
              direction === "egress" && !target.pod && typeof port?.port === "string"
                ? []
                : portMatches(port, destination),
            );
            if (matches.length === 0) continue;
            const where = target.cidr === "0.0.0.0/0" ? "" : ` ${address} ${target.cidr}`;
            if (target.except.length === 0) {
              for (const match of matches) allow(`${where}${match}`, comment);
              continue;
            }
            const sub = chain("CKS-B", `${own}/${comment}/${target.cidr}/${target.except.join(",")}`);
            chains.push(sub);
            rules.push(`-A ${own}${where} -j ${sub}`);
            for (const hole of target.except) rules.push(`-A ${sub} ${address} ${hole} -j RETURN`);
            for (const match of matches)
              rules.push(`-A ${sub}${match} -m comment --comment "${comment}" -j MARK --set-xmark ${allowedMark}`);
          }
        });
      }
      rules.push(
        `-A ${own} -m mark --mark ${allowedMark} -j RETURN`,
        `-A ${own} -m comment --comment "${self.namespace}/${self.name}: no ${direction} rule allows it" -j DROP`,
      );
    }
  }
  return { filter: { chains: [...new Set(chains)], rules } };
}
