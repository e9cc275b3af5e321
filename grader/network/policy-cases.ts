import type { Labels } from "./label-selector";
import type { Protocol } from "./network-policy";

/**
 * The NetworkPolicy semantics table: small worlds (namespaces, pods, policies) and the connections
 * Kubernetes allows or denies in each. It is data shared by two suites: the grader's evaluator must
 * give every `expect` (grader/network/evaluate-reachability.test.ts), and the test cluster's
 * enforcement must too, by creating each world and probing from inside the pods (e2e/cluster).
 *
 * Conventions, so that a cluster test can build each world for real:
 * - Namespace names are short placeholders; a cluster test may give them a unique prefix. Policies
 *   select namespaces by their own labels (never by `kubernetes.io/metadata.name`), so renaming is safe.
 * - Every pod listens on every port it declares (TCP ports answer HTTP or accept the connection,
 *   UDP port 53 answers DNS queries), so "allowed" means a connection completes and "denied" means it
 *   does not, never "refused because nothing listens".
 * - `{{ip:<pod>}}` in a policy stands for that pod's IP, known once it runs.
 * - The only address outside the pods is 169.254.169.254, the cloud metadata address, which a cluster
 *   test must make reachable (a listener on TCP 80) for its own network only.
 */
export type CasePod = {
  name: string;
  namespace: string;
  labels: Labels;
  ports: { name?: string; containerPort: number; protocol: Protocol }[];
};

export type CaseEnd = { pod: string } | { cidr: string };

export type CaseProbe = {
  from: CaseEnd;
  to: CaseEnd;
  port: number;
  protocol: Protocol;
  expect: "allowed" | "denied";
  /** Why, in one line: the rule of the semantics this probe pins down. */
  why: string;
};

export type PolicyCase = {
  id: string;
  title: string;
  namespaces: { name: string; labels: Labels }[];
  pods: CasePod[];
  /** networking.k8s.io/v1 NetworkPolicy manifests, each with metadata.namespace. */
  policies: Record<string, unknown>[];
  probes: CaseProbe[];
};

/** The cloud metadata address labs ask learners to block. */
export const METADATA_CIDR = "169.254.169.254/32";

const web = [
  { name: "http", containerPort: 80, protocol: "TCP" as const },
  { name: "alt", containerPort: 8080, protocol: "TCP" as const },
];

function pod(name: string, namespace: string, labels: Labels): CasePod {
  return { name, namespace, labels, ports: web };
}

function policy(name: string, namespace: string, spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, namespace }, spec };
}

function probe(
  from: string | CaseEnd,
  to: string | CaseEnd,
  port: number,
  expect: "allowed" | "denied",
  why: string,
  protocol: Protocol = "TCP",
): CaseProbe {
  const end = (e: string | CaseEnd): CaseEnd => (typeof e === "string" ? { pod: e } : e);
  return { from: end(from), to: end(to), port, protocol, expect, why };
}

const metadata = { cidr: METADATA_CIDR };
const denyAllIngress = (namespace: string) =>
  policy("default-deny-ingress", namespace, { podSelector: {}, policyTypes: ["Ingress"] });
const denyAllEgress = (namespace: string) =>
  policy("default-deny-egress", namespace, { podSelector: {}, policyTypes: ["Egress"] });

export const POLICY_CASES: PolicyCase[] = [
  {
    id: "no-policy",
    title: "Without any policy every pod accepts and sends everything",
    namespaces: [{ name: "alpha", labels: {} }],
    pods: [pod("client", "alpha", { app: "client" }), pod("server", "alpha", { app: "server" })],
    policies: [],
    probes: [
      probe("client", "server", 80, "allowed", "pods are non-isolated until a policy selects them"),
      probe("server", "client", 8080, "allowed", "non-isolated in both directions"),
      probe("client", metadata, 80, "allowed", "egress to addresses outside the cluster is open too"),
    ],
  },
  {
    id: "default-deny-ingress",
    title: "An empty podSelector isolates every pod of its namespace for ingress, and only for ingress",
    namespaces: [
      { name: "alpha", labels: {} },
      { name: "beta", labels: {} },
    ],
    pods: [
      pod("client", "alpha", { app: "client" }),
      pod("server", "alpha", { app: "server" }),
      pod("outsider", "beta", { app: "client" }),
    ],
    policies: [denyAllIngress("alpha")],
    probes: [
      probe("client", "server", 80, "denied", "podSelector {} selects every pod in the namespace"),
      probe("server", "client", 80, "denied", "the client is isolated as well"),
      probe("outsider", "server", 80, "denied", "other namespaces are denied too"),
      probe("client", "outsider", 80, "allowed", "egress is not restricted by an Ingress-only policy"),
      probe("client", metadata, 80, "allowed", "egress to the outside is still open"),
    ],
  },
  {
    id: "default-deny-egress",
    title: "An Egress-only default deny blocks sending, not receiving",
    namespaces: [
      { name: "alpha", labels: {} },
      { name: "beta", labels: {} },
    ],
    pods: [
      pod("client", "alpha", { app: "client" }),
      pod("server", "alpha", { app: "server" }),
      pod("outsider", "beta", { app: "client" }),
    ],
    policies: [denyAllEgress("alpha")],
    probes: [
      probe("client", "server", 80, "denied", "the client may not send"),
      probe("client", "outsider", 80, "denied", "not to other namespaces either"),
      probe("client", metadata, 80, "denied", "nor outside the cluster"),
      probe("outsider", "client", 80, "allowed", "ingress is not restricted by an Egress-only policy"),
    ],
  },
  {
    id: "allow-list",
    title: "A default deny plus an allow rule opens exactly the named source, port and namespace",
    namespaces: [
      { name: "alpha", labels: {} },
      { name: "beta", labels: {} },
    ],
    pods: [
      pod("client", "alpha", { app: "client" }),
      pod("intruder", "alpha", { app: "intruder" }),
      pod("server", "alpha", { app: "server" }),
      pod("lookalike", "beta", { app: "client" }),
    ],
    policies: [
      denyAllIngress("alpha"),
      policy("server-from-client", "alpha", {
        podSelector: { matchLabels: { app: "server" } },
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ podSelector: { matchLabels: { app: "client" } } }], ports: [{ port: 80 }] }],
      }),
    ],
    probes: [
      probe("client", "server", 80, "allowed", "the allow rule matches source label and port"),
      probe("intruder", "server", 80, "denied", "another label is not in the allow list"),
      probe("client", "server", 8080, "denied", "only the listed port is opened"),
      probe("lookalike", "server", 80, "denied", "a podSelector alone means pods of the policy's own namespace"),
    ],
  },
  {
    id: "union",
    title: "Several policies selecting one pod add up: the union of their rules",
    namespaces: [{ name: "alpha", labels: {} }],
    pods: [
      pod("client-a", "alpha", { app: "client-a" }),
      pod("client-b", "alpha", { app: "client-b" }),
      pod("client-c", "alpha", { app: "client-c" }),
      pod("server", "alpha", { app: "server" }),
    ],
    policies: [
      policy("from-a", "alpha", {
        podSelector: { matchLabels: { app: "server" } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: "client-a" } } }] }],
      }),
      policy("from-b", "alpha", {
        podSelector: { matchLabels: { app: "server" } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: "client-b" } } }] }],
      }),
    ],
    probes: [
      probe("client-a", "server", 80, "allowed", "allowed by the first policy"),
      probe("client-b", "server", 80, "allowed", "allowed by the second; policies never cancel each other"),
      probe("client-c", "server", 80, "denied", "allowed by neither"),
      probe("server", "client-c", 80, "allowed", "pods no policy selects stay open"),
    ],
  },
  {
    id: "both-ends",
    title: "Ingress and egress are judged separately, and a connection needs both",
    namespaces: [{ name: "alpha", labels: {} }],
    pods: [pod("client", "alpha", { app: "client" }), pod("server", "alpha", { app: "server" })],
    policies: [
      policy("server-from-client", "alpha", {
        podSelector: { matchLabels: { app: "server" } },
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ podSelector: { matchLabels: { app: "client" } } }] }],
      }),
      policy("client-sends-nothing", "alpha", {
        podSelector: { matchLabels: { app: "client" } },
        policyTypes: ["Egress"],
      }),
    ],
    probes: [
      probe("client", "server", 80, "denied", "the server admits it, but the client's egress is closed"),
      probe("server", "client", 80, "allowed", "the client's egress policy does not touch its ingress"),
    ],
  },
  {
    id: "named-ports",
    title: "A named port means the destination pod's container port of that name",
    namespaces: [{ name: "alpha", labels: {} }],
    pods: [
      pod("client", "alpha", { app: "client" }),
      pod("server", "alpha", { app: "server" }),
      pod("checker", "alpha", { app: "checker" }),
    ],
    policies: [
      policy("server-alt-only", "alpha", {
        podSelector: { matchLabels: { app: "server" } },
        policyTypes: ["Ingress"],
        ingress: [{ ports: [{ port: "alt" }] }],
      }),
      policy("checker-sends-http", "alpha", {
        podSelector: { matchLabels: { app: "checker" } },
        policyTypes: ["Egress"],
        egress: [{ ports: [{ port: "http", protocol: "TCP" }] }],
      }),
    ],
    probes: [
      probe("client", "server", 8080, "allowed", "alt is 8080 on the server"),
      probe("client", "server", 80, "denied", "80 is not named alt"),
      probe("checker", "client", 80, "allowed", "in egress the name resolves on the destination: http is 80"),
      probe("checker", "client", 8080, "denied", "8080 is not named http"),
      probe("checker", metadata, 80, "denied", "an address outside the pods has no named ports"),
    ],
  },
  {
    id: "port-range-and-protocol",
    title: "endPort opens a range; a port entry matches only its protocol (TCP by default)",
    namespaces: [{ name: "alpha", labels: {} }],
    pods: [
      pod("client", "alpha", { app: "client" }),
      pod("server", "alpha", { app: "server" }),
      pod("udp-only", "alpha", { app: "udp-only" }),
    ],
    policies: [
      policy("server-range", "alpha", {
        podSelector: { matchLabels: { app: "server" } },
        policyTypes: ["Ingress"],
        ingress: [{ ports: [{ port: 8000, endPort: 8100 }] }],
      }),
      policy("udp-only", "alpha", {
        podSelector: { matchLabels: { app: "udp-only" } },
        policyTypes: ["Ingress"],
        ingress: [{ ports: [{ port: 80, protocol: "UDP" }] }],
      }),
    ],
    probes: [
      probe("client", "server", 8080, "allowed", "8080 lies between port and endPort"),
      probe("client", "server", 80, "denied", "80 lies outside the range"),
      probe("client", "udp-only", 80, "denied", "a UDP port entry does not open TCP"),
    ],
  },
  {
    id: "ipblock-except",
    title: "ipBlock matches addresses, pod IPs included, minus its except list",
    namespaces: [{ name: "alpha", labels: {} }],
    pods: [
      pod("client", "alpha", { app: "client" }),
      pod("server-a", "alpha", { app: "server-a" }),
      pod("server-b", "alpha", { app: "server-b" }),
      pod("blocked", "alpha", { app: "blocked" }),
    ],
    policies: [
      policy("client-egress", "alpha", {
        podSelector: { matchLabels: { app: "client" } },
        policyTypes: ["Egress"],
        egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["{{ip:server-b}}/32"] } }] }],
      }),
      policy("server-a-ingress", "alpha", {
        podSelector: { matchLabels: { app: "server-a" } },
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["{{ip:blocked}}/32"] } }] }],
      }),
    ],
    probes: [
      probe("client", "server-a", 80, "allowed", "server-a's IP is inside 0.0.0.0/0"),
      probe("client", "server-b", 80, "denied", "server-b's IP is in the except list"),
      probe("client", metadata, 80, "allowed", "the metadata address is inside 0.0.0.0/0"),
      probe("blocked", "server-a", 80, "denied", "an except applies to ingress sources too"),
      probe("server-b", "server-a", 80, "allowed", "any other source address is inside the block"),
    ],
  },
  {
    id: "block-metadata",
    title: "Egress to everything except the metadata address",
    namespaces: [{ name: "alpha", labels: {} }],
    pods: [pod("client", "alpha", { app: "client" }), pod("server", "alpha", { app: "server" })],
    policies: [
      policy("no-metadata", "alpha", {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: [METADATA_CIDR] } }] }],
      }),
    ],
    probes: [
      probe("client", metadata, 80, "denied", "169.254.169.254 is excepted"),
      probe("client", "server", 80, "allowed", "pod IPs are still inside the allowed block"),
      probe("server", metadata, 80, "denied", "podSelector {} applies it to every pod"),
    ],
  },
  {
    id: "namespace-selector",
    title: "namespaceSelector picks namespaces by their labels; alone it means every pod there",
    namespaces: [
      { name: "alpha", labels: {} },
      { name: "beta", labels: { team: "blue" } },
      { name: "gamma", labels: { team: "red" } },
    ],
    pods: [
      pod("server", "alpha", { app: "server" }),
      pod("neighbour", "alpha", { app: "client" }),
      pod("blue-client", "beta", { app: "client" }),
      pod("red-client", "gamma", { app: "client" }),
    ],
    policies: [
      policy("from-blue", "alpha", {
        podSelector: { matchLabels: { app: "server" } },
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: "blue" } } }] }],
      }),
    ],
    probes: [
      probe("blue-client", "server", 80, "allowed", "beta carries team=blue"),
      probe("red-client", "server", 80, "denied", "gamma carries team=red"),
      probe("neighbour", "server", 80, "denied", "the policy's own namespace is not labelled team=blue"),
      probe("server", "red-client", 80, "allowed", "no policyTypes and no egress rules: egress stays open"),
    ],
  },
  {
    id: "namespace-and-pod-selector",
    title: "namespaceSelector and podSelector in one entry must both match",
    namespaces: [
      { name: "alpha", labels: {} },
      { name: "beta", labels: { team: "blue" } },
    ],
    pods: [
      pod("server", "alpha", { app: "server" }),
      pod("neighbour", "alpha", { app: "client" }),
      pod("blue-client", "beta", { app: "client" }),
      pod("blue-other", "beta", { app: "other" }),
    ],
    policies: [
      policy("blue-clients", "alpha", {
        podSelector: { matchLabels: { app: "server" } },
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchLabels: { team: "blue" } },
                podSelector: { matchLabels: { app: "client" } },
              },
            ],
          },
        ],
      }),
    ],
    probes: [
      probe("blue-client", "server", 80, "allowed", "blue namespace and client label"),
      probe("blue-other", "server", 80, "denied", "blue namespace, wrong label"),
      probe("neighbour", "server", 80, "denied", "right label, wrong namespace"),
    ],
  },
  {
    id: "namespace-or-pod-selector",
    title: "Two entries in from are alternatives: any pod of the namespace, or the label at home",
    namespaces: [
      { name: "alpha", labels: {} },
      { name: "beta", labels: { team: "blue" } },
      { name: "gamma", labels: {} },
    ],
    pods: [
      pod("server", "alpha", { app: "server" }),
      pod("neighbour", "alpha", { app: "client" }),
      pod("blue-other", "beta", { app: "other" }),
      pod("far-client", "gamma", { app: "client" }),
    ],
    policies: [
      policy("blue-or-clients", "alpha", {
        podSelector: { matchLabels: { app: "server" } },
        ingress: [
          {
            from: [
              { namespaceSelector: { matchLabels: { team: "blue" } } },
              { podSelector: { matchLabels: { app: "client" } } },
            ],
          },
        ],
      }),
    ],
    probes: [
      probe("blue-other", "server", 80, "allowed", "any pod of a blue namespace"),
      probe("neighbour", "server", 80, "allowed", "a client in the policy's namespace"),
      probe("far-client", "server", 80, "denied", "a client elsewhere matches neither entry"),
    ],
  },
  {
    id: "policy-types-defaults",
    title: "Without policyTypes a policy isolates ingress always, and egress only if it has egress rules",
    namespaces: [{ name: "alpha", labels: {} }],
    pods: [
      pod("client", "alpha", { app: "client" }),
      pod("server", "alpha", { app: "server" }),
      pod("other", "alpha", { app: "other" }),
    ],
    policies: [
      policy("client-to-server", "alpha", {
        podSelector: { matchLabels: { app: "client" } },
        egress: [{ to: [{ podSelector: { matchLabels: { app: "server" } } }] }],
      }),
    ],
    probes: [
      probe("client", "server", 80, "allowed", "the egress rule allows the server"),
      probe("client", "other", 80, "denied", "egress rules present: Egress is defaulted in"),
      probe("other", "client", 80, "denied", "Ingress is always defaulted in, and there are no ingress rules"),
      probe("other", "server", 80, "allowed", "the server is not selected"),
    ],
  },
  {
    id: "policy-types-explicit",
    title: "policyTypes decides which rules count: rules of an unlisted direction are ignored",
    namespaces: [{ name: "alpha", labels: {} }],
    pods: [
      pod("client", "alpha", { app: "client" }),
      pod("server", "alpha", { app: "server" }),
      pod("other", "alpha", { app: "other" }),
    ],
    policies: [
      policy("egress-only", "alpha", {
        podSelector: { matchLabels: { app: "client" } },
        policyTypes: ["Egress"],
        ingress: [{ from: [{ podSelector: { matchLabels: { app: "nobody" } } }] }],
      }),
      policy("ingress-only", "alpha", {
        podSelector: { matchLabels: { app: "server" } },
        policyTypes: ["Ingress"],
        ingress: [{}],
        egress: [{ to: [{ podSelector: { matchLabels: { app: "nobody" } } }] }],
      }),
    ],
    probes: [
      probe("other", "client", 80, "allowed", "Ingress is not listed, so the ingress rules do nothing"),
      probe("client", "server", 80, "denied", "Egress is listed with no egress rules: nothing leaves"),
      probe("server", "other", 80, "allowed", "the server's egress rules are ignored without Egress"),
      probe("other", "server", 80, "allowed", "an empty ingress rule allows every source and port"),
    ],
  },
  {
    id: "dns-under-default-deny",
    title: "With egress denied by default, DNS needs its own rule to the DNS pods on port 53",
    namespaces: [
      { name: "alpha", labels: {} },
      { name: "system", labels: { role: "system" } },
    ],
    pods: [
      pod("client", "alpha", { app: "client" }),
      pod("server", "alpha", { app: "server" }),
      {
        name: "dns",
        namespace: "system",
        labels: { "k8s-app": "kube-dns" },
        ports: [
          { name: "dns", containerPort: 53, protocol: "UDP" },
          { name: "dns-tcp", containerPort: 53, protocol: "TCP" },
          { name: "metrics", containerPort: 9153, protocol: "TCP" },
        ],
      },
    ],
    policies: [
      denyAllEgress("alpha"),
      policy("allow-dns", "alpha", {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { role: "system" } },
                podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
              },
            ],
            ports: [
              { port: 53, protocol: "UDP" },
              { port: 53, protocol: "TCP" },
            ],
          },
        ],
      }),
    ],
    probes: [
      probe("client", "dns", 53, "allowed", "UDP 53 to the DNS pods is allowed", "UDP"),
      probe("client", "dns", 53, "allowed", "TCP 53 too, for large answers"),
      probe("client", "dns", 9153, "denied", "other ports of the DNS pods stay closed"),
      probe("client", "server", 80, "denied", "everything else is still denied"),
    ],
  },
];
