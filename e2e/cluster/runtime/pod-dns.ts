import { isIP } from "node:net";
import { nodeName } from "../host";
import { isRecord } from "../is-record";
import type { TFieldError } from "../k8s-status";
import { clusterDnsIp, clusterDomain, nodeGatewayIp, nodeIp } from "../network/addresses";
import type { TPod } from "../types";

type TDnsConfig = { nameservers?: string[]; searches?: string[]; options?: Array<{ name?: string; value?: string }> };
type TResolver = { servers: string[]; searches: string[]; options: string[] };

/**
 * The node's own resolver (a kind node's /etc/resolv.conf: the docker network's gateway, with docker's
 * options). Pods with `dnsPolicy: Default`, and hostNetwork pods with ClusterFirst, start from it.
 */
export const nodeResolver: TResolver = {
  servers: [nodeGatewayIp],
  searches: [],
  options: ["edns0", "trust-ad", "ndots:0"],
};

/** The node's /etc/hosts, which hostNetwork pods see (a kind node's, with this node's name). */
export function nodeHostsFile(): string {
  return [
    "127.0.0.1\tlocalhost",
    "::1\tlocalhost ip6-localhost ip6-loopback",
    "fe00::\tip6-localnet",
    "ff00::\tip6-mcastprefix",
    "ff02::1\tip6-allnodes",
    "ff02::2\tip6-allrouters",
    `${nodeIp}\t${nodeName}`,
    "",
  ].join("\n");
}

// The expanded limits (ExpandedDNSConfig, on by default since 1.28) of pkg/apis/core/validation.
const maxSearchPaths = 32;
const maxSearchChars = 2048;
const maxNameservers = 3;
const dnsPolicies = ["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"];

/**
 * The resolv.conf the kubelet gives a pod (pkg/kubelet/network/dns GetPodDNS), as containerd writes it:
 * ClusterFirst pods ask cluster DNS only, with the namespace's, the services' and the cluster's domains
 * searched first and `ndots:5`; Default (and ClusterFirst with hostNetwork) use the node's resolver;
 * None starts empty; `dnsConfig` is appended, duplicates left out.
 */
export function podResolvConf(pod: TPod, node: TResolver = nodeResolver): string {
  const policy = (pod.spec.dnsPolicy as string | undefined) ?? "ClusterFirst";
  const cluster = policy === "ClusterFirstWithHostNet" || (policy === "ClusterFirst" && !pod.spec.hostNetwork);
  let resolver: TResolver =
    policy === "None"
      ? { servers: [], searches: [], options: [] }
      : cluster
        ? {
            servers: [clusterDnsIp],
            searches: unique([
              `${pod.metadata.namespace ?? "default"}.svc.${clusterDomain}`,
              `svc.${clusterDomain}`,
              clusterDomain,
              ...node.searches,
            ]),
            options: ["ndots:5"],
          }
        : structuredClone(node);
  const config = pod.spec.dnsConfig as TDnsConfig | undefined;
  if (config) {
    resolver = {
      servers: unique([...resolver.servers, ...(config.nameservers ?? [])]),
      searches: unique([...resolver.searches, ...(config.searches ?? [])]),
      options: mergeOptions(resolver.options, config.options ?? []),
    };
  }
  resolver.servers = resolver.servers.slice(0, maxNameservers);
  resolver.searches = fitSearches(resolver.searches);
  let text = "";
  if (resolver.searches.length > 0) text += `search ${resolver.searches.join(" ")}\n`;
  if (resolver.servers.length > 0) text += `nameserver ${resolver.servers.join("\nnameserver ")}\n`;
  if (resolver.options.length > 0) text += `options ${resolver.options.join(" ")}\n`;
  return text;
}

/** The API server's checks of `dnsPolicy` and `dnsConfig`, with its field paths and wording. */
export function validatePodDns(spec: Record<string, unknown>): TFieldError[] {
  const errors: TFieldError[] = [];
  const policy = spec.dnsPolicy;
  if (policy !== undefined && !dnsPolicies.includes(policy as string)) {
    errors.push({
      field: "spec.dnsPolicy",
      type: "FieldValueNotSupported",
      value: policy,
      detail: `supported values: ${dnsPolicies.map((p) => `"${p}"`).join(", ")}`,
    });
  }
  const config = spec.dnsConfig;
  if (policy === "None") {
    if (!isRecord(config))
      return [
        ...errors,
        {
          field: "spec.dnsConfig",
          type: "FieldValueRequired",
          detail: "must provide `dnsConfig` when `dnsPolicy` is None",
        },
      ];
    if (!Array.isArray(config.nameservers) || config.nameservers.length === 0)
      return [
        ...errors,
        {
          field: "spec.dnsConfig.nameservers",
          type: "FieldValueRequired",
          detail: "must provide at least one DNS nameserver when `dnsPolicy` is None",
        },
      ];
  }
  if (!isRecord(config)) return errors;
  const nameservers = Array.isArray(config.nameservers) ? config.nameservers : [];
  if (nameservers.length > maxNameservers)
    errors.push({
      field: "spec.dnsConfig.nameservers",
      type: "FieldValueInvalid",
      value: nameservers,
      detail: `must not have more than ${maxNameservers} nameservers`,
    });
  nameservers.forEach((server: unknown, index) => {
    if (typeof server !== "string" || isIP(server) === 0)
      errors.push({
        field: `spec.dnsConfig.nameservers[${index}]`,
        type: "FieldValueInvalid",
        value: server,
        detail: "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
      });
  });
  const searches = Array.isArray(config.searches) ? config.searches : [];
  if (searches.length > maxSearchPaths)
    errors.push({
      field: "spec.dnsConfig.searches",
      type: "FieldValueInvalid",
      value: searches,
      detail: `must not have more than ${maxSearchPaths} search paths`,
    });
  return errors;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

// kubelet's mergeDNSOptions: a pod's option replaces the base option of the same name.
function mergeOptions(base: string[], extra: Array<{ name?: string; value?: string }>): string[] {
  const merged = new Map<string, string>();
  for (const option of base) {
    const colon = option.indexOf(":");
    merged.set(colon === -1 ? option : option.slice(0, colon), colon === -1 ? "" : option.slice(colon + 1));
  }
  for (const option of extra) if (option.name) merged.set(option.name, option.value ?? "");
  return [...merged].map(([name, value]) => (value === "" ? name : `${name}:${value}`));
}

// kubelet's formDNSSearchFitsLimits: at most 32 paths, none longer than 253, and 2048 characters in all.
function fitSearches(searches: string[]): string[] {
  const fitting = searches.slice(0, maxSearchPaths).filter((search) => search.length <= 253);
  while (fitting.join(" ").length > maxSearchChars) fitting.pop();
  return fitting;
}
