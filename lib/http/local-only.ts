// Until accounts exist, grading uses the server's own kubeconfig, so only the person at this
// machine may trigger it. Checking Host also defeats DNS rebinding; checking Origin defeats
// cross-site form posts from other pages open in the same browser.

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

function hostname(hostHeader: string): string {
  const bracketed = /^\[([^\]]+)\]/.exec(hostHeader);
  if (bracketed) return `[${bracketed[1]}]`;
  return hostHeader.split(":")[0]!.toLowerCase();
}

/** Null when the request comes from this machine's own pages; otherwise why it is refused. */
export function refuseUnlessLocal(
  headers: { get(name: string): string | null },
  allowRemote = process.env.CKS_ALLOW_REMOTE_GRADING === "1",
): string | null {
  const host = headers.get("host");
  if (!host) return "The request has no Host header.";
  if (!allowRemote && !LOOPBACK_HOSTS.has(hostname(host))) {
    return "Grading with the server's kubeconfig is only available at http://localhost:3000 on the machine running CKS Lab.";
  }
  // Even when remote grading is allowed, a page from another site must not start it. A cross-site
  // top-level GET carries SameSite=Lax cookies but no Origin header; browsers label it instead.
  const fetchSite = headers.get("sec-fetch-site");
  if (fetchSite === "cross-site" || fetchSite === "same-site") return "Cross-site requests may not start grading.";
  const origin = headers.get("origin");
  if (origin !== null) {
    let originHost: string;
    try {
      originHost = new URL(origin).host;
    } catch {
      return "The request's Origin header is not a URL.";
    }
    if (originHost.toLowerCase() !== host.toLowerCase()) return "Cross-site requests may not start grading.";
  }
  return null;
}
