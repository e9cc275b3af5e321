import { describe, expect, it } from "vitest";
import { describeProbe, evaluateCaseProbe, fillPodIps } from "./case-world";
import { evaluateReachability, type NetworkView, type PodEndpoint } from "./evaluate-reachability";
import { normalizePolicy, ZNetworkPolicySchema } from "./network-policy";
import { POLICY_CASES } from "./policy-cases";

// Pods get addresses the way a kind node hands them out: one /24 per node out of 10.244.0.0/16.
function ipsFor(pods: { name: string }[]): Record<string, string> {
  return Object.fromEntries(pods.map((p, i) => [p.name, `10.244.0.${10 + i}`]));
}

describe("the NetworkPolicy semantics table", () => {
  for (const policyCase of POLICY_CASES) {
    describe(`${policyCase.id}: ${policyCase.title}`, () => {
      it.each(policyCase.probes.map((probe) => ({ name: describeProbe(probe), probe })))(
        "$name is $probe.expect ($probe.why)",
        ({ probe }) => {
          const verdict = evaluateCaseProbe(policyCase, probe, ipsFor(policyCase.pods));
          expect(verdict.outcome).toBe(probe.expect);
          expect(verdict.notes).toEqual([]);
        },
      );
    });
  }

  it("has unique case ids, pods that exist and both outcomes in every case with a policy", () => {
    const ids = POLICY_CASES.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of POLICY_CASES) {
      const pods = new Set(c.pods.map((p) => p.name));
      for (const probe of c.probes) {
        for (const end of [probe.from, probe.to]) if ("pod" in end) expect(pods, c.id).toContain(end.pod);
      }
      const outcomes = new Set(c.probes.map((p) => p.expect));
      if (c.policies.length > 0) expect([...outcomes].sort(), c.id).toEqual(["allowed", "denied"]);
    }
  });

  it("covers the semantics the issue lists", () => {
    const ids = POLICY_CASES.map((c) => c.id);
    for (const required of [
      "no-policy",
      "default-deny-ingress",
      "union",
      "both-ends",
      "named-ports",
      "ipblock-except",
      "namespace-selector",
      "policy-types-defaults",
    ]) {
      expect(ids).toContain(required);
    }
  });

  it("fills pod IPs into policies and refuses a pod without one", () => {
    const block = { cidr: "0.0.0.0/0", except: ["{{ip:server-b}}/32"] };
    expect(fillPodIps(block, { "server-b": "10.244.0.7" })).toEqual({ cidr: "0.0.0.0/0", except: ["10.244.0.7/32"] });
    expect(() => fillPodIps(block, {})).toThrow(/no IP known for pod server-b/);
  });
});

function pod(name: string, labels: Record<string, string>, ip: string, namespace = "lab"): PodEndpoint {
  return {
    kind: "pod",
    namespace,
    name,
    labels,
    ips: [ip],
    ports: [{ name: "http", containerPort: 80, protocol: "TCP" }],
  };
}

function view(policies: Record<string, unknown>[], policyNamespaces = ["lab"]): NetworkView {
  return {
    policies: policies.map((p) => normalizePolicy(ZNetworkPolicySchema.parse(p), "lab")),
    policyNamespaces,
    namespaceLabels: { lab: { "kubernetes.io/metadata.name": "lab" } },
  };
}

const frontend = pod("frontend", { app: "frontend" }, "10.244.0.5");
const backend = pod("backend", { app: "backend" }, "10.244.0.6");

describe("evaluateReachability", () => {
  it("reports which policies isolate each end and which rule allows the connection", () => {
    const policies = [
      { metadata: { name: "deny" }, spec: { podSelector: {}, policyTypes: ["Ingress"] } },
      {
        metadata: { name: "backend-from-frontend" },
        spec: {
          podSelector: { matchLabels: { app: "backend" } },
          ingress: [{ from: [{ podSelector: { matchLabels: { app: "frontend" } } }], ports: [{ port: 80 }] }],
        },
      },
    ];
    const verdict = evaluateReachability(view(policies), { from: frontend, to: backend, port: 80, protocol: "TCP" });
    expect(verdict).toMatchObject({
      outcome: "allowed",
      egress: { pod: "lab/frontend", selectedBy: [], outcome: "allowed" },
      ingress: {
        pod: "lab/backend",
        selectedBy: ["deny", "backend-from-frontend"],
        allowedBy: ["backend-from-frontend ingress rule 1"],
        outcome: "allowed",
      },
    });
  });

  it("says partly when an ipBlock covers only some of a destination CIDR, and which part", () => {
    const policies = [
      {
        metadata: { name: "some-link-local" },
        spec: {
          podSelector: {},
          policyTypes: ["Egress"],
          egress: [{ to: [{ ipBlock: { cidr: "169.254.0.0/16", except: ["169.254.169.254/32"] } }] }],
        },
      },
    ];
    const cidr = (c: string) => ({ kind: "cidr" as const, cidr: c });
    const net = view(policies);
    const partly = evaluateReachability(net, {
      from: frontend,
      to: cidr("169.254.169.252/30"),
      port: 80,
      protocol: "TCP",
    });
    expect(partly.outcome).toBe("partly");
    expect(partly.egress?.allowedPart).toEqual(["169.254.169.252/31", "169.254.169.255/32"]);
    expect(
      evaluateReachability(net, { from: frontend, to: cidr("169.254.169.254/32"), port: 80, protocol: "TCP" }).outcome,
    ).toBe("denied");
    expect(
      evaluateReachability(net, { from: frontend, to: cidr("169.254.1.0/24"), port: 80, protocol: "TCP" }).outcome,
    ).toBe("allowed");
  });

  it("adds up ipBlocks of several rules to cover a CIDR", () => {
    const policies = [
      {
        metadata: { name: "halves" },
        spec: {
          podSelector: {},
          policyTypes: ["Egress"],
          egress: [{ to: [{ ipBlock: { cidr: "192.0.2.0/25" } }] }, { to: [{ ipBlock: { cidr: "192.0.2.128/25" } }] }],
        },
      },
    ];
    const verdict = evaluateReachability(view(policies), {
      from: frontend,
      to: { kind: "cidr", cidr: "192.0.2.0/24" },
      port: 443,
      protocol: "TCP",
    });
    expect(verdict.outcome).toBe("allowed");
    expect(verdict.egress?.allowedBy).toEqual(["halves egress rule 1", "halves egress rule 2"]);
  });

  it("marks a side whose namespace's policies are unknown as not evaluated and judges the other", () => {
    const dns = pod("coredns-abc", { "k8s-app": "kube-dns" }, "10.244.0.2", "kube-system");
    const policies = [{ metadata: { name: "deny-egress" }, spec: { podSelector: {}, policyTypes: ["Egress"] } }];
    const verdict = evaluateReachability(view(policies), { from: frontend, to: dns, port: 53, protocol: "UDP" });
    expect(verdict.outcome).toBe("denied");
    expect(verdict.ingress).toMatchObject({ evaluated: false });
    expect(verdict.notes).toEqual([
      "ingress of kube-system/coredns-abc not evaluated: the grader does not read policies in that namespace",
    ]);
  });

  it("matches namespaces by kubernetes.io/metadata.name and selectors by matchExpressions", () => {
    const dns = pod("coredns-abc", { "k8s-app": "kube-dns" }, "10.244.0.2", "kube-system");
    const policies = [
      {
        metadata: { name: "dns" },
        spec: {
          podSelector: {},
          policyTypes: ["Egress"],
          egress: [
            {
              to: [
                {
                  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
                  podSelector: { matchExpressions: [{ key: "k8s-app", operator: "In", values: ["kube-dns"] }] },
                },
              ],
              ports: [{ port: 53, protocol: "UDP" }],
            },
          ],
        },
      },
    ];
    const net = {
      ...view(policies),
      namespaceLabels: { "kube-system": { "kubernetes.io/metadata.name": "kube-system" } },
    };
    expect(evaluateReachability(net, { from: frontend, to: dns, port: 53, protocol: "UDP" }).outcome).toBe("allowed");
    expect(evaluateReachability(net, { from: frontend, to: dns, port: 53, protocol: "TCP" }).outcome).toBe("denied");
    const impostor = { ...dns, namespace: "default" };
    expect(evaluateReachability(net, { from: frontend, to: impostor, port: 53, protocol: "UDP" }).outcome).toBe(
      "denied",
    );
  });

  it("never lets an ipBlock match a pod that has no IP yet", () => {
    const pending = { ...backend, ips: [] };
    const policies = [
      {
        metadata: { name: "cidr" },
        spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }] },
      },
    ];
    expect(
      evaluateReachability(view(policies), { from: frontend, to: pending, port: 80, protocol: "TCP" }).outcome,
    ).toBe("denied");
  });

  it("handles IPv6 blocks without letting them match IPv4 pods", () => {
    const v6 = { ...backend, ips: ["fd00:10:244::6"] };
    const policies = [
      {
        metadata: { name: "v6" },
        spec: {
          podSelector: {},
          policyTypes: ["Egress"],
          egress: [{ to: [{ ipBlock: { cidr: "fd00:10:244::/64", except: ["fd00:10:244::7/128"] } }] }],
        },
      },
    ];
    const net = view(policies);
    expect(evaluateReachability(net, { from: frontend, to: v6, port: 80, protocol: "TCP" }).outcome).toBe("allowed");
    expect(evaluateReachability(net, { from: frontend, to: backend, port: 80, protocol: "TCP" }).outcome).toBe(
      "denied",
    );
  });

  it("refuses a connection with no pod at either end", () => {
    const cidr = { kind: "cidr" as const, cidr: "10.0.0.0/8" };
    expect(() => evaluateReachability(view([]), { from: cidr, to: cidr, port: 80, protocol: "TCP" })).toThrow(
      /needs a pod/,
    );
  });
});
