import { checkConnection, checkPermissions, clusterText, connectCluster, loadAllLabs, type Perm } from "@/grader";
import { db } from "@/lib/db/client";
import { connectionForGrading, type UseDeps } from "./connection-for-grading";

/** One permission as the page lists it: what, where and which checks need it. */
export type ShownPerm = { verb: string; resource: string; namespace: string | null; why: string };

/** What "Test connection" shows: the server's version and, per lab namespace, what the grader may and may not do. */
export type ConnectionTest =
  | {
      ok: true;
      version: string;
      testedAt: string;
      namespaces: Array<
        | { namespace: string; ok: true; granted: ShownPerm[]; missing: ShownPerm[] }
        | { namespace: string; ok: false; failure: string }
      >;
    }
  | { ok: false; failure: string };

/** Connects with the learner's saved connection, asks for the server version and the grader's permissions in each lab namespace, and records the version. */
export async function testConnection(userId: string, deps: UseDeps = {}): Promise<ConnectionTest> {
  const saved = await connectionForGrading(userId, deps);
  if (!saved.ok) return { ok: false, failure: saved.failure.message };
  const connected = connectCluster(saved.connect);
  if (!connected.ok) return { ok: false, failure: connected.failure.message };
  const status = await checkConnection(connected.cluster);
  if (!status.ok) return { ok: false, failure: status.failure };
  const testedAt = new Date();
  await db().clusterConnection.updateMany({
    where: { userId },
    // The version is whatever the cluster says: bounded like every string from it.
    data: { lastTestedAt: testedAt, lastVersion: clusterText(status.version, 64) },
  });
  const labs = await loadAllLabs();
  const labNamespaces = [...new Set(labs.map((lab) => lab.namespace))].sort();
  const namespaces = await Promise.all(
    labNamespaces.map(async (namespace) => {
      const checks = labs
        .filter((lab) => lab.namespace === namespace)
        .flatMap((lab) => lab.tasks.flatMap((task) => task.checks));
      const report = await checkPermissions(connected.cluster, namespace, checks);
      return report.ok
        ? { namespace, ok: true as const, granted: report.granted.map(show), missing: report.missing.map(show) }
        : { namespace, ok: false as const, failure: report.failure };
    }),
  );
  return { ok: true, version: status.version, testedAt: testedAt.toISOString(), namespaces };
}

function show(perm: Perm): ShownPerm {
  const resource = `${perm.resource}${perm.subresource ? `/${perm.subresource}` : ""}${perm.group ? `.${perm.group}` : ""}`;
  return { verb: perm.verb, resource, namespace: perm.namespace ?? null, why: perm.why };
}
