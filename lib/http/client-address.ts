// Who is on the other end of a request, decided from the TCP connection, never from what the client
// says about itself. The HTTP server (scripts/server.ts) removes every client-supplied header under
// RESERVED_HEADER_PREFIX and sets the two below from the socket; routes and better-auth read them.
import { BlockList, isIP } from "node:net";
import { AppError } from "@/lib/errors/app-error";

/** Headers under this prefix are the server's own: any copy a client sends is removed before routing. */
export const RESERVED_HEADER_PREFIX = "x-cks-";

/** The connection's remote address (the peer of the TCP socket), as the server saw it. */
export const REMOTE_ADDRESS_HEADER = "x-cks-remote-address";

/** The client's address for throttling: the remote address, or what a trusted proxy forwarded. */
export const CLIENT_IP_HEADER = "x-cks-client-ip";

/** `::ffff:127.0.0.1` (an IPv4 peer on a dual-stack socket) as `127.0.0.1`; anything else unchanged. */
export function normalizeAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address.toLowerCase();
}

/** True for 127.0.0.0/8 and ::1 (also IPv4-mapped): a peer on this machine. */
export function isLoopbackAddress(address: string | null | undefined): boolean {
  if (!address) return false;
  const plain = normalizeAddress(address.trim());
  if (isIP(plain) === 4) return plain.startsWith("127.");
  return isIP(plain) === 6 && LOOPBACK_V6.check(plain, "ipv6");
}

const LOOPBACK_V6 = new BlockList();
LOOPBACK_V6.addAddress("::1", "ipv6");

/** A parsed CKS_TRUSTED_PROXIES: addresses and CIDR ranges of reverse proxies whose X-Forwarded-For counts. */
export type TrustedProxies = { readonly entries: readonly string[]; has(address: string): boolean };

/**
 * Parses CKS_TRUSTED_PROXIES (comma-separated addresses or CIDR ranges, e.g. `127.0.0.1, 10.0.0.0/8`).
 * A malformed entry is a configuration error naming it, never silently ignored.
 */
export function parseTrustedProxies(raw: string | undefined): TrustedProxies {
  const list = new BlockList();
  const entries = (raw ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const [address, prefix, ...rest] = entry.split("/");
    const family = isIP(address ?? "");
    const bits = prefix === undefined ? undefined : Number(prefix);
    const maxBits = family === 4 ? 32 : 128;
    if (family === 0 || rest.length > 0 || (prefix !== undefined && (!/^\d+$/.test(prefix) || bits! > maxBits))) {
      throw new AppError(
        "CONFIG_INVALID",
        `CKS_TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range (expected e.g. 127.0.0.1 or 10.0.0.0/8).`,
      );
    }
    const type = family === 4 ? "ipv4" : "ipv6";
    if (bits === undefined) list.addAddress(address!, type);
    else list.addSubnet(address!, bits, type);
  }
  return {
    entries,
    has(address: string) {
      const plain = normalizeAddress(address.trim());
      const family = isIP(plain);
      return family !== 0 && list.check(plain, family === 4 ? "ipv4" : "ipv6");
    },
  };
}

/**
 * The client's address for throttling and logs. Without trusted proxies it is the socket's peer,
 * whatever X-Forwarded-For says (a client writes that header itself). When the peer is a trusted
 * proxy, it is the right-most X-Forwarded-For entry that is not itself a trusted proxy: entries to
 * its left were written by the client and prove nothing.
 */
export function clientAddress(
  remoteAddress: string,
  forwardedFor: string | string[] | undefined,
  trusted: TrustedProxies,
): string {
  const peer = normalizeAddress(remoteAddress);
  if (!trusted.has(peer) || forwardedFor === undefined) return peer;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor)
    .split(",")
    .map((hop) => hop.trim())
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normalizeAddress(hops[i]!);
    // A proxy that forwards garbage is broken or lying: fall back to the proxy itself.
    if (isIP(hop) === 0) return peer;
    if (!trusted.has(hop)) return hop;
  }
  return peer;
}

/** The parts of a Node request the server stamps (an IncomingMessage, or a test's plain object). */
export type StampableRequest = {
  headers: Record<string, string | string[] | undefined>;
  rawHeaders: string[];
  socket: { remoteAddress?: string | undefined };
};

/**
 * Removes every client-supplied header under RESERVED_HEADER_PREFIX (from the parsed and the raw
 * list, so no layer can read a forged copy) and sets the peer's address and the client address from
 * the socket. Returns the client address. Called by scripts/server.ts for every request and upgrade.
 */
export function stampPeer(request: StampableRequest, trusted: TrustedProxies): string {
  for (const name of Object.keys(request.headers)) {
    if (name.toLowerCase().startsWith(RESERVED_HEADER_PREFIX)) delete request.headers[name];
  }
  const raw: string[] = [];
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    if (!request.rawHeaders[i]!.toLowerCase().startsWith(RESERVED_HEADER_PREFIX))
      raw.push(request.rawHeaders[i]!, request.rawHeaders[i + 1]!);
  }
  // A socket that already closed has no address: it is then nobody in particular, never loopback.
  const peer = normalizeAddress(request.socket.remoteAddress ?? "0.0.0.0");
  const client = clientAddress(peer, request.headers["x-forwarded-for"], trusted);
  request.headers[REMOTE_ADDRESS_HEADER] = peer;
  request.headers[CLIENT_IP_HEADER] = client;
  raw.push(REMOTE_ADDRESS_HEADER, peer, CLIENT_IP_HEADER, client);
  request.rawHeaders.splice(0, request.rawHeaders.length, ...raw);
  return client;
}
