/**
 * The test cluster's addresses, those of a one-node kind cluster (kind's pkg/apis/config defaults, kubeadm's
 * DNS address rule, kindnet's ptp plugin with host-local IPAM). Every address lives inside network
 * namespaces the cluster creates for itself, so each running cluster can use the same ones.
 */
export const clusterDomain = "cluster.local";
/** kind's podSubnet; the one node is given the first /24 of it as its podCIDR. */
export const podSubnet = "10.244.0.0/16";
export const nodePodCidr = "10.244.0.0/24";
/** The gateway every pod routes through: the node's end of each pod's veth (kindnet's ptp plugin). */
export const podGateway = "10.244.0.1";
/** kind's serviceSubnet (a /16, not kubeadm's /12). */
export const serviceSubnet = "10.96.0.0/16";
/** The `kubernetes` Service takes the first address and cluster DNS the tenth (kubeadm's GetDNSIP). */
export const kubernetesServiceIp = "10.96.0.1";
export const clusterDnsIp = "10.96.0.10";
/** The node on kind's docker network, and the docker host (its gateway) behind it. */
export const nodeIp = "172.18.0.2";
export const nodeNetworkPrefix = 16;
export const nodeGatewayIp = "172.18.0.1";
/** The cloud metadata address, served by a fake metadata host outside the node. */
export const metadataIp = "169.254.169.254";

/** An IPv4 address as a number, or null when `text` is not a dotted quad. */
export function ipv4ToNumber(text: string): number | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return null;
    value = value * 256 + Number(part);
  }
  return value;
}

/** The dotted quad of a number between 0 and 2^32 - 1. */
export function numberToIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/** An IPv4 CIDR as its first address and size, or null when it is not one. */
export function parseIpv4Cidr(text: string): { start: number; size: number; prefix: number } | null {
  const [address = "", prefixText] = text.split("/");
  const base = ipv4ToNumber(address);
  if (base === null || prefixText === undefined || !/^\d{1,2}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  if (prefix > 32) return null;
  const size = 2 ** (32 - prefix);
  return { start: base - (base % size), size, prefix };
}

/** Whether an IPv4 address lies inside an IPv4 CIDR. */
export function ipv4InCidr(ip: string, cidr: string): boolean {
  const address = ipv4ToNumber(ip);
  const range = parseIpv4Cidr(cidr);
  return address !== null && range !== null && address >= range.start && address < range.start + range.size;
}
