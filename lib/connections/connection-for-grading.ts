import { isIP } from "node:net";
import { parse, stringify } from "yaml";
import { db } from "@/lib/db/client";
import { checkClusterHost, type Lookup } from "./check-cluster-address";
import { loadConnectionKey } from "./connection-key";
import { connectionOptionsFromEnv, type ConnectionOptions } from "./connection-options";
import { decryptKubeconfig, type ConnectionKey } from "./encryption";
import { validateKubeconfig } from "./validate-kubeconfig";

/** A saved connection opened for the grader (server-side only: the YAML holds credentials). */
export type GradingConnection =
  | { ok: true; kubeconfigYaml: string; label: string; server: string; context: string }
  | { ok: false; reason: "none" | "unusable"; message: string };

/** Test seams, as for saveConnection. */
export type UseDeps = { lookup?: Lookup; key?: ConnectionKey; options?: ConnectionOptions };

/**
 * The learner's saved kubeconfig, decrypted, re-checked against today's rules and with its server pinned to the
 * address just checked: a name that resolved to a public address at save time may point at a private one now.
 */
export async function connectionForGrading(userId: string, deps: UseDeps = {}): Promise<GradingConnection> {
  const row = await db().clusterConnection.findUnique({
    where: { userId },
    select: { label: true, server: true, context: true, encryptedKubeconfig: true },
  });
  if (!row)
    return {
      ok: false,
      reason: "none",
      message: "You have no saved connection: add one on the Cluster page (/connections).",
    };
  const opened = decryptKubeconfig(row.encryptedKubeconfig, { boundTo: userId, key: deps.key ?? loadConnectionKey() });
  if (!opened.ok)
    return {
      ok: false,
      reason: "unusable",
      message: `${opened.failure.message} Paste your kubeconfig again on the Cluster page.`,
    };
  const options = deps.options ?? connectionOptionsFromEnv();
  // The instance's rules may have tightened since the learner saved (http loopback switched off, say).
  const validated = validateKubeconfig(opened.kubeconfig, { allowHttpLoopback: options.allowHttpLoopback });
  if (!validated.ok)
    return {
      ok: false,
      reason: "unusable",
      message: `${validated.error} Paste your kubeconfig again on the Cluster page.`,
    };
  const host = await checkClusterHost(validated.summary.server, options, deps.lookup);
  if (!host.ok) return { ok: false, reason: "unusable", message: host.error };
  return {
    ok: true,
    kubeconfigYaml: pinServer(validated.kubeconfig, host.hostname, host.address),
    label: row.label,
    server: row.server,
    context: row.context,
  };
}

// Connects by the checked address instead of the name (no second DNS answer to rebind), and keeps the
// name for TLS so the certificate is still verified against it.
function pinServer(kubeconfig: string, hostname: string, address: string): string {
  if (isIP(hostname)) return kubeconfig;
  const config = parse(kubeconfig) as { clusters: Array<{ cluster: Record<string, unknown> & { server: string } }> };
  const cluster = config.clusters[0]!.cluster;
  const url = new URL(cluster.server);
  url.hostname = isIP(address) === 6 ? `[${address}]` : address;
  cluster.server = url.href.replace(/\/$/, "");
  if (url.protocol === "https:") cluster["tls-server-name"] ??= hostname;
  return stringify(config, { lineWidth: 0 });
}
