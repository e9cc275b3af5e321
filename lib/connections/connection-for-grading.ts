import { checkClusterHost, type Lookup, type TConnectOptions } from "@/grader";
import { db } from "@/lib/db/client";
import { loadConnectionKey } from "./connection-key";
import { connectionOptionsFromEnv, type ConnectionOptions } from "./connection-options";
import { decryptKubeconfig, type ConnectionKey } from "./encryption";
import { validateKubeconfig } from "./validate-kubeconfig";

/**
 * A saved connection opened for the grader (server-side only: the YAML holds credentials). `connect` is what
 * `connectCluster` takes: the kubeconfig, the address it was just checked to resolve to (every socket dials
 * that one), the address policy and the learner whose connection budget it draws from.
 */
export type GradingConnection =
  | { ok: true; connect: TConnectOptions; label: string; server: string; context: string }
  | { ok: false; failure: { kind: "none" | "unusable"; message: string } };

/** Test seams, as for saveConnection. */
export type UseDeps = { lookup?: Lookup; key?: ConnectionKey; options?: ConnectionOptions };

/**
 * The learner's saved kubeconfig, decrypted, re-checked against today's rules and pinned to the address just
 * checked: a name that resolved to a public address at save time may point at a private one now, and must not
 * resolve to another between this check and the connections a run opens.
 */
export async function connectionForGrading(userId: string, deps: UseDeps = {}): Promise<GradingConnection> {
  const row = await db().clusterConnection.findUnique({
    where: { userId },
    select: { label: true, server: true, context: true, encryptedKubeconfig: true },
  });
  if (!row)
    return {
      ok: false,
      failure: { kind: "none", message: "You have no saved connection: add one on the Cluster page (/connections)." },
    };
  const opened = decryptKubeconfig(row.encryptedKubeconfig, { boundTo: userId, key: deps.key ?? loadConnectionKey() });
  if (!opened.ok)
    return {
      ok: false,
      failure: {
        kind: "unusable",
        message: `${opened.failure.message} Paste your kubeconfig again on the Cluster page.`,
      },
    };
  const options = deps.options ?? connectionOptionsFromEnv();
  // The instance's rules may have tightened since the learner saved (http loopback switched off, say).
  const validated = validateKubeconfig(opened.kubeconfig, { allowHttpLoopback: options.allowHttpLoopback });
  if (!validated.ok)
    return {
      ok: false,
      failure: { kind: "unusable", message: `${validated.failure} Paste your kubeconfig again on the Cluster page.` },
    };
  const host = await checkClusterHost(validated.summary.server, options, deps.lookup);
  if (!host.ok) return { ok: false, failure: { kind: "unusable", message: host.failure } };
  return {
    ok: true,
    connect: {
      kubeconfigYaml: validated.kubeconfig,
      pinnedAddress: host.address,
      addressPolicy: { allowPrivate: options.allowPrivate, allowLoopback: options.allowLoopback ?? false },
      owner: userId,
    },
    label: row.label,
    server: row.server,
    context: row.context,
  };
}
