import { failureVerdict } from "./checks/verdict";
import type { ClusterPort } from "./port";
import type { CheckOutcome } from "./report";

export type ConnectionStatus =
  | { ok: true; server: string; context: string | null; version: string }
  | { ok: false; server: string; context: string | null; outcome: CheckOutcome; failure: string };

/** Asks the API server for its version: the cheapest proof that the cluster answers and accepts us. */
export async function checkConnection(cluster: ClusterPort): Promise<ConnectionStatus> {
  const { server, context } = cluster;
  const version = await cluster.version();
  if (version.ok) return { ok: true, server, context, version: version.value.gitVersion };
  const verdict = failureVerdict(version.failure, "get /version", cluster);
  return { ok: false, server, context, outcome: verdict.outcome, failure: verdict.message ?? verdict.observed };
}
