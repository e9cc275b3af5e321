import { z } from "zod";
import { ZLabelSelectorSchema, type TLabelSelector } from "./label-selector";

export type Protocol = "TCP" | "UDP" | "SCTP";
export const PROTOCOLS = ["TCP", "UDP", "SCTP"] as const;

const ZPortSchema = z.looseObject({
  protocol: z.string().nullish(),
  port: z.union([z.number().int(), z.string()]).nullish(),
  endPort: z.number().int().nullish(),
});

const ZPeerSchema = z.looseObject({
  podSelector: ZLabelSelectorSchema.nullish(),
  namespaceSelector: ZLabelSelectorSchema.nullish(),
  ipBlock: z.looseObject({ cidr: z.string(), except: z.array(z.string()).nullish() }).nullish(),
});

const ZRuleSchema = z.looseObject({
  ports: z.array(ZPortSchema).nullish(),
  from: z.array(ZPeerSchema).nullish(),
  to: z.array(ZPeerSchema).nullish(),
});

/** A networking.k8s.io/v1 NetworkPolicy as read from a cluster (or written in a test table). */
export const ZNetworkPolicySchema = z.looseObject({
  metadata: z.looseObject({ name: z.string(), namespace: z.string().optional() }),
  spec: z
    .looseObject({
      podSelector: ZLabelSelectorSchema.nullish(),
      policyTypes: z.array(z.string()).nullish(),
      ingress: z.array(ZRuleSchema).nullish(),
      egress: z.array(ZRuleSchema).nullish(),
    })
    .nullish(),
});

export type PolicyPort = { protocol: Protocol; port: number | string | null; endPort: number | null };
export type PolicyPeer = {
  podSelector: TLabelSelector | null;
  namespaceSelector: TLabelSelector | null;
  ipBlock: { cidr: string; except: string[] } | null;
};
export type PolicyRule = { ports: PolicyPort[]; peers: PolicyPeer[] };

/** A policy with the API server's defaults applied, so evaluation never guesses. */
export type NetworkPolicy = {
  name: string;
  namespace: string;
  podSelector: TLabelSelector;
  /** Which directions this policy isolates the pods it selects in. */
  affectsIngress: boolean;
  affectsEgress: boolean;
  ingress: PolicyRule[];
  egress: PolicyRule[];
};

/**
 * Applies the defaults a real API server stores: protocol TCP on every port, and without policyTypes,
 * Ingress always plus Egress when the policy has egress rules (pkg/apis/networking/v1/defaults.go).
 * `namespace` is used when the object does not carry its own (a manifest before it is applied).
 */
export function normalizePolicy(raw: z.infer<typeof ZNetworkPolicySchema>, namespace: string): NetworkPolicy {
  const spec = raw.spec ?? {};
  const egress = (spec.egress ?? []).map((rule) => normalizeRule(rule, "to"));
  const ingress = (spec.ingress ?? []).map((rule) => normalizeRule(rule, "from"));
  const types = spec.policyTypes && spec.policyTypes.length > 0 ? spec.policyTypes : null;
  return {
    name: raw.metadata.name,
    namespace: raw.metadata.namespace ?? namespace,
    podSelector: spec.podSelector ?? {},
    affectsIngress: types ? types.includes("Ingress") : true,
    affectsEgress: types ? types.includes("Egress") : egress.length > 0,
    ingress,
    egress,
  };
}

function normalizeRule(rule: z.infer<typeof ZRuleSchema>, peersKey: "from" | "to"): PolicyRule {
  return {
    ports: (rule.ports ?? []).map((p) => ({
      protocol: (p.protocol ?? "TCP") as Protocol,
      port: p.port ?? null,
      endPort: p.endPort ?? null,
    })),
    peers: (rule[peersKey] ?? []).map((peer) => ({
      podSelector: peer.podSelector ?? null,
      namespaceSelector: peer.namespaceSelector ?? null,
      ipBlock: peer.ipBlock ? { cidr: peer.ipBlock.cidr, except: peer.ipBlock.except ?? [] } : null,
    })),
  };
}
