// Before a press of Check becomes an attempt, the chosen cluster must answer: a run against a cluster that
// is down, or that refuses our credentials, would store a zero that says nothing about the learner's work.
import { checkConnection } from "@/grader";
import type { ConnectionOptions } from "@/lib/connections/connection-options";
import { connectTarget, type ConnectedTarget } from "./connect-target";
import type { TGradeRequest } from "./grading-target";

/** Why grading did not start, and the one thing to do about it (what the lab panel's banner shows). */
export type ClusterProblem = {
  outcome: "no-cluster" | "cluster-unreachable" | "unauthorized" | "refused" | "timeout";
  /** What happened, in the learner's words (cluster text already bounded by the grader). */
  message: string;
  /** What to do next. */
  todo: string;
  /** Where the learner fixes it, when that is a page of ours. */
  href: "/connections" | null;
};

export type ReachedTarget =
  { ok: true; target: Extract<ConnectedTarget, { ok: true }> } | { ok: false; problem: ClusterProblem };

// Outcomes of the version probe that mean the cluster cannot be graded now (the grader bounds the probe in time).
const PROBE_OUTCOMES = new Set(["cluster-unreachable", "unauthorized", "refused", "timeout"]);

/** Connects to the cluster a grade request names and asks it for its version; a problem when that fails. */
export async function reachTarget(
  request: TGradeRequest,
  userId: string,
  options?: ConnectionOptions,
): Promise<ReachedTarget> {
  const saved = "connection" in request;
  const connected = await connectTarget(request, userId, options);
  if (!connected.ok) return { ok: false, problem: noCluster(saved, connected.failure) };
  const status = await checkConnection(connected.cluster);
  // Any other failure (a 404 or 403 on /version) means the cluster answered: the checks will say what it refuses.
  if (status.ok || !PROBE_OUTCOMES.has(status.outcome)) return { ok: true, target: connected };
  return { ok: false, problem: answerProblem(saved, status.outcome as ClusterProblem["outcome"], status.failure) };
}

function noCluster(saved: boolean, message: string): ClusterProblem {
  return saved
    ? {
        outcome: "no-cluster",
        message,
        todo: "Open the Cluster page to add or replace your connection.",
        href: "/connections",
      }
    : {
        outcome: "no-cluster",
        message: "That cluster is not in this machine's kubeconfig any more.",
        todo: "Reload the page to see the clusters kubectl knows now, or create one with kind.",
        href: null,
      };
}

function answerProblem(saved: boolean, outcome: ClusterProblem["outcome"], message: string): ClusterProblem {
  const where = saved ? "your saved connection" : "this cluster";
  switch (outcome) {
    case "unauthorized":
      return {
        outcome,
        message: `The cluster refused the credentials of ${where}.`,
        todo: saved
          ? "Tokens expire: paste a fresh kubeconfig on the Cluster page, then press Check again."
          : "Refresh your kubeconfig (kind export kubeconfig --name cks), then press Check again.",
        href: saved ? "/connections" : null,
      };
    case "refused":
      return {
        outcome,
        message,
        todo: "Check that the kubeconfig points at a Kubernetes API server, then press Check again.",
        href: saved ? "/connections" : null,
      };
    default:
      return {
        outcome,
        message: saved
          ? "The CKS Lab server tried your saved connection and got no answer."
          : "It may be stopped, or still starting.",
        todo: saved
          ? "Make sure it is running and reachable from the CKS Lab server (Test connection on the Cluster page shows the details), then press Check again."
          : "Start it (docker start cks-control-plane, or kind create cluster --name cks if it is gone), wait for kubectl get nodes to answer, then press Check again.",
        href: saved ? "/connections" : null,
      };
  }
}
