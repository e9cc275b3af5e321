import { methodNotAllowed } from "../k8s-status";
import { applyPatch } from "../patch/apply-patch";
import type { TSubresource } from "../registry/kind";
import { readBody } from "../server/request-body";
import { sendJson } from "../server/responses";

/**
 * `pods/<name>/ephemeralcontainers`: GET reads the pod; PATCH (what `kubectl debug` sends) and PUT change
 * its ephemeral containers only, validated, admitted (as an UPDATE of that subresource) and dry-run like
 * any write.
 */
export const podEphemeralContainers: TSubresource = {
  kind: "Pod",
  verbs: ["get", "patch", "update"],
  async handle({ request, response, object, query, cluster, user }) {
    const method = request.method ?? "GET";
    if (method === "GET") {
      sendJson(response, 200, object);
      return;
    }
    if (method !== "PATCH" && method !== "PUT") throw methodNotAllowed();
    const registry = cluster.registry;
    const kind = registry.scheme.resource("", "v1", "pods");
    if (!kind) throw methodNotAllowed();
    const body = await readBody(request, registry.scheme);
    const updated = method === "PUT" ? body : applyPatch(kind, object, body, request.headers["content-type"] ?? "");
    const { object: stored, warnings } = await registry.update(kind, object, updated, {
      dryRun: query.getAll("dryRun").includes("All"),
      user,
      subresource: "ephemeralcontainers",
    });
    sendJson(response, 200, stored, warnings);
  },
};
