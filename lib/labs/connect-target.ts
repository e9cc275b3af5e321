// The one place that turns "which cluster" (a grade or self-test request) into a connected cluster.
// Local mode uses a context of the SERVER's kubeconfig; classroom mode the user's saved connection,
// decrypted and re-checked by connectionForGrading. Who may ask for which is lib/labs/grading-target.ts.
import { connectCluster, type ClusterPort } from "@/grader";
import { agentHub } from "@/lib/agent/hub";
import { connectionForGrading } from "@/lib/connections/connection-for-grading";
import type { ConnectionOptions } from "@/lib/connections/connection-options";
import type { TGradeRequest } from "./grading-target";

/** A cluster ready for the grader, with what to show for it (never its credentials). */
export type ConnectedTarget =
  { ok: true; cluster: ClusterPort; context: string; server: string } | { ok: false; failure: string };

/** Connects to a context of the server's kubeconfig (its current context when none is named). */
export function connectLocalContext(context: string | undefined): ConnectedTarget {
  const connected = connectCluster(context ? { context } : {});
  if (!connected.ok) return { ok: false, failure: connected.failure.message };
  return { ok: true, cluster: connected.cluster, context: connected.context, server: connected.server };
}

/**
 * Connects to the cluster a request names: a server context, or `userId`'s saved connection under `options`
 * (the request's own, from lib/connections/connection-options.ts; the instance's when absent).
 */
export async function connectTarget(
  request: TGradeRequest,
  userId: string,
  options?: ConnectionOptions,
): Promise<ConnectedTarget> {
  if (!("connection" in request)) return connectLocalContext(request.context);
  if (request.connection === "agent") {
    const agent = agentHub().agentFor(userId);
    if (!agent) {
      return {
        ok: false,
        failure:
          "No agent is connected for your account: start cks-lab-agent next to your cluster (see the Cluster page).",
      };
    }
    const { hostname, kubernetesVersion } = agent.summary;
    return {
      ok: true,
      cluster: agent.cluster,
      context: `agent on ${hostname} (${agent.summary.context ?? "current context"})`,
      server: `agent on ${hostname}${kubernetesVersion ? `, Kubernetes ${kubernetesVersion}` : ""}`,
    };
  }
  const saved = await connectionForGrading(userId, options ? { options } : {});
  if (!saved.ok) return { ok: false, failure: saved.failure.message };
  const connected = connectCluster(saved.connect);
  if (!connected.ok) return { ok: false, failure: connected.failure.message };
  // The user sees the server they pasted, not the address it was pinned to.
  return {
    ok: true,
    cluster: connected.cluster,
    context: `saved connection ${saved.label} (${saved.context})`,
    server: saved.server,
  };
}

/** What a run is stored under before it connects: the context asked for, or "saved connection". */
export function targetLabel(request: TGradeRequest): string | null {
  if (!("connection" in request)) return request.context ?? null;
  return request.connection === "agent" ? "agent" : "saved connection";
}
