import type { Lab, TManifest } from "../lab/schema";
import type { ClusterPort, KubeObject, ObjectRef } from "../port";
import { isRecord } from "@/lib/json/is-record";

/** What applyManifests created, so that removeApplied can take it away again. */
export type AppliedManifests = { namespace: string; created: ObjectRef[] };

/**
 * Creates `namespace` (with `labels`) and every manifest in it, with the lab's own namespace rewritten
 * to `namespace` wherever it appears (metadata, selectors). Stops at the first refusal. `applied`
 * lists what exists so far either way, so a partial apply can be cleaned up too.
 */
export async function applyManifests(input: {
  cluster: ClusterPort;
  lab: Pick<Lab, "namespace">;
  namespace: string;
  labels: Record<string, string>;
  manifests: TManifest[];
}): Promise<{ applied: AppliedManifests; failure: string | null }> {
  const { cluster, namespace } = input;
  const applied: AppliedManifests = { namespace, created: [] };
  const ns = await cluster.create(
    { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace, labels: input.labels } },
    { namespace },
  );
  if (!ns.ok)
    return { applied, failure: `cannot create namespace ${namespace}: ${ns.failure.kind}: ${ns.failure.message}` };
  for (const manifest of input.manifests) {
    const object = renamespace(manifest, input.lab.namespace, namespace) as KubeObject;
    let result = await cluster.create(object, { namespace });
    // Some objects exist before anyone creates them (a namespace's default ServiceAccount): change them as
    // kubectl apply would, and leave their removal to the namespace.
    if (!result.ok && result.failure.kind === "conflict" && isServerMade(manifest)) {
      result = await cluster.patch(object, { namespace });
      if (result.ok) continue;
    }
    if (!result.ok)
      return {
        applied,
        failure: `applying ${manifest.kind} ${manifest.metadata.name} failed: ${result.failure.kind}: ${result.failure.message}`,
      };
    const isNamespaced = Boolean(result.value.metadata?.namespace);
    applied.created.push({
      apiVersion: manifest.apiVersion,
      kind: manifest.kind,
      name: manifest.metadata.name,
      ...(isNamespaced ? { namespace } : {}),
    });
  }
  return { applied, failure: null };
}

/**
 * Deletes what applyManifests created: cluster-scoped objects first (newest first), then the namespace
 * with everything in it. Returns one line per object that could not be deleted (already gone is fine).
 */
export async function removeApplied(cluster: ClusterPort, applied: AppliedManifests): Promise<string[]> {
  // Cluster-scoped objects (policies) outlive the namespace and would leak into whatever runs next.
  const refs = [
    ...applied.created.filter((r) => !r.namespace).reverse(),
    { apiVersion: "v1", kind: "Namespace", name: applied.namespace },
  ];
  const failures: string[] = [];
  for (const ref of refs) {
    const deleted = await cluster.delete(ref);
    if (!deleted.ok && deleted.failure.kind !== "not-found")
      failures.push(
        `cleanup: deleting ${ref.kind} ${ref.name} failed: ${deleted.failure.kind}: ${deleted.failure.message}`,
      );
  }
  return failures;
}

/** Replaces every string equal to the lab's namespace (metadata, selectors) with the phase's namespace. */
export function renamespace(value: unknown, from: string, to: string): unknown {
  if (value === from) return to;
  if (Array.isArray(value)) return value.map((v) => renamespace(v, from, to));
  if (isRecord(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renamespace(v, from, to)]));
  }
  return value;
}

/** Objects the cluster creates in every namespace by itself, which a solution can only change. */
function isServerMade(manifest: TManifest): boolean {
  return manifest.kind === "ServiceAccount" && manifest.metadata.name === "default";
}
