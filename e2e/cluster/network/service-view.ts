import { createHash } from "node:crypto";
import { matchesLabels, requirementsFromSelector } from "../label-selector";
import type { TKubeObject, TPod } from "../types";
import { clusterDomain } from "./addresses";
import { dnsRcode, type TDnsAnswer } from "./dns-message";
import type { TFirewallPart } from "./firewall";

export type TProtocol = "TCP" | "UDP" | "SCTP";

/** A pod as the network sees it: where it lives, its labels, its address, its declared ports. */
export type TNetworkPod = {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  ip: string;
  ready: boolean;
  hostNetwork: boolean;
  ports: Array<{ name?: string; containerPort: number; protocol: TProtocol }>;
};

type TServicePort = { name?: string; protocol?: TProtocol; port: number; targetPort?: number | string };
type TServiceSpec = {
  type?: string;
  clusterIP?: string;
  ports?: TServicePort[];
  selector?: Record<string, string>;
};

/** One port of one Service with the endpoints it forwards to. */
export type TServicePortEndpoints = {
  namespace: string;
  service: string;
  portName: string;
  protocol: TProtocol;
  clusterIP: string;
  port: number;
  endpoints: Array<{ ip: string; port: number }>;
};

/** Stored pods that have an address (the kubelet set up their sandbox), as the network sees them. */
export function networkPods(pods: TKubeObject[]): TNetworkPod[] {
  return (pods as TPod[])
    .filter((pod) => pod.status?.podIP)
    .map((pod) => ({
      namespace: pod.metadata.namespace ?? "",
      name: pod.metadata.name ?? "",
      labels: pod.metadata.labels ?? {},
      ip: pod.status?.podIP ?? "",
      ready:
        !pod.metadata.deletionTimestamp &&
        pod.status?.phase === "Running" &&
        (pod.status.conditions ?? []).some((condition) => condition.type === "Ready" && condition.status === "True"),
      hostNetwork: pod.spec.hostNetwork === true,
      ports: pod.spec.containers.flatMap((container) =>
        (container.ports ?? []).map((port) => ({
          ...(port.name ? { name: port.name } : {}),
          containerPort: port.containerPort,
          protocol: (port.protocol ?? "TCP") as TProtocol,
        })),
      ),
    }));
}

/**
 * What the EndpointSlice controller and kube-proxy make of each Service port: the ready pods its selector
 * matches in its namespace, each at the target port (a number, or the container port of that name and
 * protocol; a pod without that named port is left out). Services without a selector or ClusterIP have none.
 */
export function serviceEndpoints(services: TKubeObject[], pods: TNetworkPod[]): TServicePortEndpoints[] {
  const result: TServicePortEndpoints[] = [];
  for (const service of services) {
    const spec = (service.spec ?? {}) as TServiceSpec;
    const namespace = service.metadata.namespace ?? "";
    if (!spec.clusterIP || spec.clusterIP === "None" || spec.type === "ExternalName") continue;
    const selector = spec.selector ?? {};
    const selected =
      Object.keys(selector).length === 0
        ? []
        : pods.filter(
            (pod) =>
              pod.namespace === namespace &&
              pod.ready &&
              matchesLabels(requirementsFromSelector({ matchLabels: selector }), pod.labels),
          );
    for (const port of spec.ports ?? []) {
      const protocol = port.protocol ?? "TCP";
      const target = port.targetPort ?? port.port;
      const endpoints = selected.flatMap((pod) => {
        const number =
          typeof target === "number"
            ? target
            : pod.ports.find((candidate) => candidate.name === target && candidate.protocol === protocol)
                ?.containerPort;
        return number === undefined ? [] : [{ ip: pod.ip, port: number }];
      });
      result.push({
        namespace,
        service: service.metadata.name ?? "",
        portName: port.name ?? "",
        protocol,
        clusterIP: spec.clusterIP,
        port: port.port,
        endpoints,
      });
    }
  }
  return result;
}

// kube-proxy's chain names: a prefix and the first 16 characters of a hash of what the chain stands for.
function chainName(prefix: string, text: string): string {
  return `${prefix}-${createHash("sha256")
    .update(text)
    .digest("base64")
    .replace(/[^A-Z0-9]/gi, "")
    .slice(0, 16)
    .toUpperCase()}`;
}

/**
 * kube-proxy's iptables mode, in brief: ClusterIP:port is DNATed to one ready endpoint, chosen at random
 * (`statistic` with kube-proxy's probabilities); a pod reaching itself through its Service is masqueraded
 * (hairpin); a Service port without endpoints rejects at once ("has no endpoints").
 */
export function renderServiceRules(ports: TServicePortEndpoints[]): TFirewallPart {
  const natChains = ["KUBE-SERVICES", "KUBE-MARK-MASQ", "KUBE-POSTROUTING"];
  const nat = [
    '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
    "-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000",
    "-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN",
    "-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0",
    "-A KUBE-POSTROUTING -j MASQUERADE",
  ];
  const filter = [
    "-A FORWARD -m conntrack --ctstate NEW -j KUBE-SERVICES",
    "-A OUTPUT -m conntrack --ctstate NEW -j KUBE-SERVICES",
  ];
  for (const entry of ports) {
    const proto = entry.protocol.toLowerCase();
    const label = `${entry.namespace}/${entry.service}${entry.portName ? `:${entry.portName}` : ""}`;
    const match = `-d ${entry.clusterIP}/32 -p ${proto} -m ${proto} --dport ${entry.port}`;
    if (entry.endpoints.length === 0) {
      filter.push(
        `-A KUBE-SERVICES ${match} -m comment --comment "${label} has no endpoints" -j REJECT --reject-with icmp-port-unreachable`,
      );
      continue;
    }
    const serviceChain = chainName("KUBE-SVC", `${label}/${proto}`);
    natChains.push(serviceChain);
    nat.push(`-A KUBE-SERVICES ${match} -m comment --comment "${label} cluster IP" -j ${serviceChain}`);
    entry.endpoints.forEach((endpoint, index) => {
      const endpointChain = chainName("KUBE-SEP", `${label}/${proto}/${endpoint.ip}:${endpoint.port}`);
      natChains.push(endpointChain);
      const left = entry.endpoints.length - index;
      const pick = left > 1 ? ` -m statistic --mode random --probability ${(1 / left).toFixed(11)}` : "";
      nat.push(
        `-A ${serviceChain} -m comment --comment "${label} -> ${endpoint.ip}:${endpoint.port}"${pick} -j ${endpointChain}`,
      );
      nat.push(`-A ${endpointChain} -s ${endpoint.ip}/32 -j KUBE-MARK-MASQ`);
      nat.push(`-A ${endpointChain} -p ${proto} -m ${proto} -j DNAT --to-destination ${endpoint.ip}:${endpoint.port}`);
    });
  }
  return { nat: { chains: [...new Set(natChains)], rules: nat }, filter: { chains: ["KUBE-SERVICES"], rules: filter } };
}

/**
 * CoreDNS's kubernetes plugin, for the questions pods ask: `<service>.<namespace>.svc.cluster.local` is the
 * ClusterIP (a headless Service: its ready endpoints' addresses), `<a-b-c-d>.<namespace>.pod.cluster.local`
 * that address; other names under the cluster domain do not exist, except the zone's own names, which
 * exist without records. Names outside the cluster would be forwarded upstream; there is none here.
 */
export function dnsAnswer(name: string, services: TKubeObject[], pods: TNetworkPod[]): TDnsAnswer {
  const ttl = 30;
  const suffix = `.${clusterDomain}`;
  if (name !== clusterDomain && !name.endsWith(suffix)) return { rcode: dnsRcode.SERVFAIL, addresses: [], ttl };
  const labels = name === clusterDomain ? [] : name.slice(0, -suffix.length).split(".");
  const none = { rcode: dnsRcode.NXDOMAIN, addresses: [], ttl };
  const empty = { rcode: dnsRcode.NOERROR, addresses: [], ttl };
  if (labels.length === 0 || (labels.length === 1 && (labels[0] === "svc" || labels[0] === "pod"))) return empty;
  const [first, second, zone] = labels;
  if (labels.length === 2 && (second === "svc" || second === "pod")) return empty;
  if (labels.length !== 3 || !first || !second) return none;
  if (zone === "pod") {
    const address = first.replace(/-/g, ".");
    return /^\d{1,3}(\.\d{1,3}){3}$/.test(address) ? { ...empty, addresses: [address] } : none;
  }
  if (zone !== "svc") return none;
  const service = services.find(
    (candidate) => candidate.metadata.namespace === second && candidate.metadata.name === first,
  );
  if (!service) return none;
  const spec = (service.spec ?? {}) as TServiceSpec;
  if (spec.clusterIP === "None") {
    const selector = spec.selector ?? {};
    const addresses = pods
      .filter(
        (pod) =>
          pod.namespace === second &&
          pod.ready &&
          matchesLabels(requirementsFromSelector({ matchLabels: selector }), pod.labels),
      )
      .map((pod) => pod.ip);
    return { ...empty, addresses };
  }
  return spec.clusterIP ? { ...empty, addresses: [spec.clusterIP] } : empty;
}
