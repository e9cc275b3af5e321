import { isRecord } from "../is-record";
import { badRequest, invalid, methodNotAllowed } from "../k8s-status";
import { applyPatch } from "../patch/apply-patch";
import type { TKind, TSubresource } from "../registry/kind";
import { readBody } from "../server/request-body";
import { sendJson } from "../server/responses";
import { selectorString, type TWorkload } from "./pod-template";

/** The autoscaling/v1 Scale of a workload: its desired replicas, and the replicas and selector it has. */
export function scaleOf(workload: TWorkload): Record<string, unknown> {
  const { name, namespace, uid, resourceVersion, creationTimestamp } = workload.metadata;
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: workload.spec.replicas ?? 0 },
    status: {
      replicas: Number((workload.status as { replicas?: number } | undefined)?.replicas ?? 0),
      selector: selectorString(workload.spec.selector),
    },
  };
}

/**
 * `<resource>/scale` (what `kubectl scale` and autoscalers use): GET reads the Scale; PUT and PATCH change
 * `spec.replicas` of the workload, through the registry like any update, and answer with the new Scale.
 */
export function scaleSubresource(kind: () => TKind): TSubresource {
  return {
    group: "autoscaling",
    version: "v1",
    kind: "Scale",
    verbs: ["get", "patch", "update"],
    async handle({ request, response, object, query, cluster, user }) {
      const workload = object as TWorkload;
      const method = request.method ?? "GET";
      if (method === "GET") {
        sendJson(response, 200, scaleOf(workload));
        return;
      }
      if (method !== "PUT" && method !== "PATCH") throw methodNotAllowed();
      const registry = cluster.registry;
      const body = await readBody(request, registry.scheme);
      const type = request.headers["content-type"] ?? "";
      const scale = method === "PUT" ? body : applyPatch(kind(), scaleOf(workload), body, type);
      if (!isRecord(scale) || !isRecord(scale.spec)) throw badRequest("the request body must be a Scale");
      const replicas = scale.spec.replicas ?? 0;
      const name = workload.metadata.name ?? "";
      if (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0)
        throw invalid("Scale", { resource: kind().resource, group: "autoscaling" }, name, [
          {
            field: "spec.replicas",
            type: "FieldValueInvalid",
            value: replicas,
            detail: "must be greater than or equal to 0",
          },
        ]);
      const updated = { ...workload, spec: { ...workload.spec, replicas } };
      const dryRun = query.getAll("dryRun").includes("All");
      const { object: stored } = await registry.update(kind(), workload, updated, {
        dryRun,
        user,
        subresource: "scale",
      });
      sendJson(response, 200, scaleOf(stored as TWorkload));
    },
  };
}
