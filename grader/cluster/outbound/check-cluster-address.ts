// A pasted kubeconfig names any host, and our server is the one that connects to it: without these
// checks a learner could make CKS Lab talk to cloud metadata services or to machines on its own network.
import { isIP } from "node:net";
import { DEFAULT_OUTBOUND_LIMITS } from "./limits";
import { boundedLookup, type Lookup } from "./resolve-host";

/** What an address is, as far as reaching it from our server is concerned. */
export type AddressClass = "public" | "private" | "loopback" | "metadata" | "reserved";

export type { Lookup };

/**
 * Whether private and loopback clusters are allowed (CKS_ALLOW_PRIVATE_CLUSTERS=1: a classroom LAN, the tests), or
 * loopback only (`allowLoopback`: the learner uses CKS Lab on the machine it runs on, so loopback is their own machine).
 */
export type AddressPolicy = { allowPrivate: boolean; allowLoopback?: boolean };

/** The address the grader may connect to, or why not. `address` is the first resolved one, to pin the connection to. */
export type HostCheck = { ok: true; hostname: string; address: string } | { ok: false; failure: string };

// Names that reach a cloud provider's instance metadata whatever they resolve to on this machine.
const METADATA_HOSTS = new Set(["metadata.google.internal", "metadata.goog", "metadata"]);

type Range = { bits: number[]; prefix: number; kind: AddressClass };

const V4_RANGES: Array<[string, number, AddressClass]> = [
  ["169.254.0.0", 16, "metadata"], // link-local: AWS, GCP, Azure and OpenStack metadata live here
  ["0.0.0.0", 8, "reserved"], // "this network": connecting to 0.0.0.0 reaches the local host
  ["127.0.0.0", 8, "loopback"],
  ["10.0.0.0", 8, "private"],
  ["172.16.0.0", 12, "private"],
  ["192.168.0.0", 16, "private"],
  ["100.64.0.0", 10, "private"], // carrier-grade NAT, used inside some clouds
  ["192.0.0.0", 24, "reserved"],
  ["198.18.0.0", 15, "private"], // benchmarking networks, routed internally
  ["224.0.0.0", 4, "reserved"], // multicast
  ["240.0.0.0", 4, "reserved"], // reserved and broadcast
];

const V6_RANGES: Array<[string, number, AddressClass]> = [
  ["fd00:ec2::254", 128, "metadata"], // AWS instance metadata over IPv6
  ["fe80::", 10, "metadata"], // link-local
  ["::1", 128, "loopback"],
  ["::", 96, "reserved"], // unspecified and the deprecated IPv4-compatible form
  ["fc00::", 7, "private"], // unique local addresses
  ["fec0::", 10, "private"], // site-local: deprecated, but still routed inside some networks
  ["ff00::", 8, "reserved"], // multicast
];

const SIX_TO_FOUR = v6Bits("2002::")!;
const TEREDO = v6Bits("2001::")!;
const LOCAL_NAT64 = v6Bits("64:ff9b:1::")!;

const RANGES_V4: Range[] = V4_RANGES.map(([base, prefix, kind]) => ({ bits: v4Bits(base), prefix, kind }));
const RANGES_V6: Range[] = V6_RANGES.map(([base, prefix, kind]) => ({ bits: v6Bits(base)!, prefix, kind }));

/** Classifies one IP address (v4 or v6, IPv4-mapped and NAT64 forms by the IPv4 address inside). */
export function classifyAddress(address: string): AddressClass {
  const bare = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const family = isIP(bare);
  if (family === 4) return match(v4Bits(bare), RANGES_V4);
  if (family !== 6) return "reserved";
  const bits = v6Bits(bare);
  if (!bits) return "reserved";
  // ::ffff:a.b.c.d (mapped) and 64:ff9b::a.b.c.d (NAT64) reach the IPv4 address they carry.
  const embedded = embeddedV4(bits);
  if (embedded) return match(embedded, RANGES_V4);
  const tunnel = tunnelledV4(bits);
  if (tunnel) {
    // Transition prefixes deliver to an IPv4 address through a relay or translator the grader does not
    // control. None of them is a way to reach a learner's API server, so they never count as public;
    // the metadata service stays "never allowed" however it is wrapped.
    const inner = match(tunnel.v4, RANGES_V4);
    if (inner === "metadata") return "metadata";
    if (tunnel.kind === "private" && (inner === "loopback" || inner === "reserved")) return inner;
    return tunnel.kind;
  }
  return match(bits, RANGES_V6);
}

/** Why an address class is refused under `policy`, or null when the grader may connect. */
export function refusalFor(kind: AddressClass, policy: AddressPolicy): string | null {
  switch (kind) {
    case "public":
      return null;
    case "metadata":
      return "is a link-local or cloud metadata address, which is never allowed";
    case "reserved":
      return "is not a routable unicast address";
    case "loopback":
      return policy.allowPrivate || policy.allowLoopback
        ? null
        : "is a loopback address, which from this server means the server itself, not your machine; loopback clusters are accepted when you use CKS Lab at http://localhost on the machine that runs them, and this instance otherwise only connects to public clusters (an administrator can set CKS_ALLOW_PRIVATE_CLUSTERS=1)";
    case "private":
      return policy.allowPrivate
        ? null
        : "is a private network address, and this instance only connects to public clusters (an administrator can set CKS_ALLOW_PRIVATE_CLUSTERS=1)";
  }
}

/** The system's nameservers through c-ares (never the thread pool), every address of both families. */
export const systemLookup: Lookup = boundedLookup({ timeoutMs: DEFAULT_OUTBOUND_LIMITS.dnsTimeoutMs });

/**
 * Checks the host of a cluster's server URL: metadata names and addresses always refused; private and loopback
 * ones unless allowed. A hostname is resolved and EVERY address checked, since the client may pick any of them.
 */
export async function checkClusterHost(
  serverUrl: string,
  policy: AddressPolicy,
  lookup: Lookup = systemLookup,
): Promise<HostCheck> {
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch {
    return { ok: false, failure: "The cluster's server is not a URL." };
  }
  const hostname = url.hostname
    .replace(/^\[|\]$/g, "")
    .toLowerCase()
    .replace(/\.$/, "");
  if (METADATA_HOSTS.has(hostname) || hostname.endsWith(".metadata.google.internal")) {
    return {
      ok: false,
      failure: `The cluster's server ${hostname} is a cloud metadata service, which is never allowed.`,
    };
  }
  let addresses: string[];
  if (isIP(hostname)) addresses = [hostname];
  else {
    try {
      addresses = await lookup(hostname);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return {
        ok: false,
        failure: `The cluster's server ${hostname} could not be resolved${code ? ` (${code})` : ""}: check the name, or use the address kind printed.`,
      };
    }
    if (addresses.length === 0)
      return { ok: false, failure: `The cluster's server ${hostname} resolves to no address.` };
  }
  for (const address of addresses) {
    const refusal = refusalFor(classifyAddress(address), policy);
    if (refusal) {
      const via = address === hostname ? "" : ` (${hostname} resolves to it)`;
      return { ok: false, failure: `The cluster's server address ${address}${via} ${refusal}.` };
    }
  }
  return { ok: true, hostname, address: addresses[0]! };
}

function match(bits: number[], ranges: Range[]): AddressClass {
  for (const range of ranges) {
    if (prefixEquals(bits, range.bits, range.prefix)) return range.kind;
  }
  return "public";
}

function prefixEquals(a: number[], b: number[], prefix: number): boolean {
  for (let i = 0; i < prefix; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

function toBits(bytes: number[]): number[] {
  return bytes.flatMap((byte) => Array.from({ length: 8 }, (_, i) => (byte >> (7 - i)) & 1));
}

function v4Bits(address: string): number[] {
  return toBits(address.split(".").map(Number));
}

// 16 bytes as bits, or null; handles "::" compression and a trailing dotted IPv4 part.
function v6Bits(address: string): number[] | null {
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split(".").map(Number) as [number, number, number, number];
    text = `${text.slice(0, -dotted[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail, ...rest] = text.split("::");
  if (rest.length) return null;
  const left = head ? head.split(":") : [];
  const right = tail !== undefined && tail !== "" ? tail.split(":") : [];
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return null;
  const groups = [...left, ...Array<string>(tail === undefined ? 0 : missing).fill("0"), ...right].map((g) =>
    Number.parseInt(g, 16),
  );
  if (groups.length !== 8 || groups.some((g) => Number.isNaN(g) || g < 0 || g > 0xffff)) return null;
  return toBits(groups.flatMap((g) => [g >> 8, g & 0xff]));
}

// 2002::/16 (6to4) carries the IPv4 address in bits 16-47; 2001::/32 (Teredo) the client's, inverted, in
// bits 96-127; 64:ff9b:1::/48 (local-use NAT64, RFC 8215) the IPv4 address in bits 48-63 and 72-87 (RFC 6052).
function tunnelledV4(bits: number[]): { v4: number[]; kind: AddressClass } | null {
  if (prefixEquals(bits, SIX_TO_FOUR, 16)) return { v4: bits.slice(16, 48), kind: "reserved" };
  if (prefixEquals(bits, TEREDO, 32)) return { v4: bits.slice(96, 128).map((bit) => bit ^ 1), kind: "reserved" };
  if (prefixEquals(bits, LOCAL_NAT64, 48))
    return { v4: [...bits.slice(48, 64), ...bits.slice(72, 88)], kind: "private" };
  return null;
}

function embeddedV4(bits: number[]): number[] | null {
  const mapped = v6Bits("::ffff:0:0")!;
  const nat64 = v6Bits("64:ff9b::")!;
  if (prefixEquals(bits, mapped, 96) || prefixEquals(bits, nat64, 96)) return bits.slice(96);
  return null;
}
