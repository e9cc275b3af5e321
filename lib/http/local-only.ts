// Local mode grades with the SERVER's own kubeconfig, so by default only the person at this machine may
// use it. "This machine" is the TCP peer's address (set by scripts/server.ts from the socket, never from
// a header a client controls). The Host header is checked as well, against DNS rebinding: a page from
// another site whose name resolves to 127.0.0.1 reaches us over loopback but says its own name.
// Origin and Sec-Fetch-Site stop other sites' pages in the same browser from starting anything.
import type { Role } from "@/lib/auth/roles";
import { isLoopbackAddress, REMOTE_ADDRESS_HEADER } from "./client-address";

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

type HeaderBag = { get(name: string): string | null };

/** What the locality rules look at in one request. */
export type RequestFacts = {
  /** The TCP peer (null when the request did not come through CKS Lab's server). */
  remoteAddress: string | null;
  host: string | null;
  origin: string | null;
  fetchSite: string | null;
};

/** Reads the facts from a request's headers (a Request's, or next/headers' in a page or action). */
export function requestFacts(headers: HeaderBag): RequestFacts {
  return {
    remoteAddress: headers.get(REMOTE_ADDRESS_HEADER),
    host: headers.get("host"),
    origin: headers.get("origin"),
    fetchSite: headers.get("sec-fetch-site"),
  };
}

function hostname(hostHeader: string): string {
  const bracketed = /^\[([^\]]+)\]/.exec(hostHeader);
  if (bracketed) return `[${bracketed[1]!.toLowerCase()}]`;
  return hostHeader.split(":")[0]!.toLowerCase();
}

/** Null unless another site's page sent the request (by Sec-Fetch-Site or Origin); then why it is refused. */
export function refuseCrossSite(facts: RequestFacts): string | null {
  // A cross-site top-level GET carries SameSite=Lax cookies but no Origin header; browsers label it instead.
  if (facts.fetchSite === "cross-site" || facts.fetchSite === "same-site")
    return "Cross-site requests may not start grading.";
  if (facts.origin !== null) {
    let originHost: string;
    try {
      originHost = new URL(facts.origin).host;
    } catch {
      return "The request's Origin header is not a URL.";
    }
    if (!facts.host || originHost.toLowerCase() !== facts.host.toLowerCase())
      return "Cross-site requests may not start grading.";
  }
  return null;
}

/** True when the request comes from this machine: a loopback peer that also names a loopback host. */
export function isLocalRequest(facts: RequestFacts): boolean {
  return isLoopbackAddress(facts.remoteAddress) && facts.host !== null && LOOPBACK_HOSTS.has(hostname(facts.host));
}

/**
 * Null when this request may use the server's own kubeconfig (list its contexts, grade or self-test
 * against one); otherwise the sentence to show. From this machine: any signed-in user. From anywhere
 * else: only an instructor, and only when the operator set CKS_ALLOW_REMOTE_GRADING=1.
 */
export function refuseServerKubeconfig(
  facts: RequestFacts,
  user: { role: Role } | null,
  allowRemote = process.env.CKS_ALLOW_REMOTE_GRADING === "1",
): string | null {
  const crossSite = refuseCrossSite(facts);
  if (crossSite) return crossSite;
  if (isLocalRequest(facts)) return null;
  if (allowRemote && user?.role === "instructor") return null;
  return allowRemote
    ? "Grading with the server's kubeconfig from another machine is for instructors only; use your saved connection."
    : "Grading with the server's kubeconfig is only available at http://localhost on the machine running CKS Lab.";
}
