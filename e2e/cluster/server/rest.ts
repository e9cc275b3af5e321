import type http from "node:http";
import { isRecord } from "../is-record";
import { ApiError, badRequest, methodNotAllowed, notFound } from "../k8s-status";
import { applyPatch } from "../patch/apply-patch";
import { apiVersionOf, refOf, type TCluster, type TKind, type TUserInfo } from "../registry/kind";
import type { TPropagationPolicy } from "../registry/registry";
import type { Scheme } from "../registry/scheme";
import { readBody } from "./request-body";
import { sendJson, wantsTable } from "./responses";
import { selectorMatcher } from "./selectors";
import { toTable } from "./table";
import { watch } from "./watch";

/** One request on a kind's collection or on one of its objects. */
export type TRestCall = {
  request: http.IncomingMessage;
  response: http.ServerResponse;
  kind: TKind;
  /** `""` for cluster-scoped kinds and for lists across all namespaces. */
  namespace: string;
  query: URLSearchParams;
  cluster: TCluster;
  user: TUserInfo;
};

const isDryRun = (query: URLSearchParams) => query.getAll("dryRun").includes("All");

/** Strict/Warn field validation (`fieldValidation`); Strict, kubectl's default, rejects unknown fields with 400. */
function checkFields(kind: TKind, body: unknown, mode: string | null): string[] {
  if (!kind.unknownFields || mode === "Ignore") return [];
  const unknown = kind.unknownFields(body);
  if (unknown.length === 0) return [];
  if (mode === "Strict") {
    const list = unknown.map((field) => `unknown field "${field}"`).join(", ");
    throw badRequest(
      `${kind.kind} in version "${kind.version}" cannot be handled as a ${kind.kind}: strict decoding error: ${list}`,
    );
  }
  return unknown.map((field) => `unknown field "${field}"`);
}

const propagationPolicies = ["Orphan", "Background", "Foreground"] as const;

/** How a DELETE treats the object's dependents: `propagationPolicy` from the query or the DeleteOptions body. */
async function deletePropagation(
  request: http.IncomingMessage,
  query: URLSearchParams,
  scheme: Scheme,
): Promise<TPropagationPolicy | undefined> {
  const body = await readBody(request, scheme);
  const fromBody = isRecord(body) ? body.propagationPolicy : undefined;
  const given = query.get("propagationPolicy") ?? fromBody;
  if (given === undefined || given === null) return undefined;
  if (!propagationPolicies.includes(given as TPropagationPolicy))
    throw badRequest(
      `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: ${JSON.stringify(given)}: supported values: "Foreground", "Background", "Orphan", "nil"`,
    );
  return given as TPropagationPolicy;
}

/** GET (list or watch), POST (create) and DELETE (deletecollection) on `/…/<resource>`. */
export async function serveCollection(call: TRestCall): Promise<void> {
  const { request, response, kind, namespace, query, cluster } = call;
  const registry = cluster.registry;
  const method = request.method ?? "GET";
  if (method === "GET") {
    if (query.get("watch") === "true" || query.get("watch") === "1") {
      watch(request, response, { registry, kind, namespace, query, streams: cluster.streams });
      return;
    }
    const items = registry.list(kind, namespace).filter(selectorMatcher(query));
    const resourceVersion = registry.store.resourceVersion;
    if (wantsTable(request)) {
      sendJson(response, 200, toTable(kind, items, resourceVersion, query.get("includeObject") ?? ""));
      return;
    }
    const apiVersion = apiVersionOf(kind);
    sendJson(response, 200, {
      kind: `${kind.kind}List`,
      apiVersion,
      metadata: { resourceVersion },
      items: items.map((item) => ({ ...item, apiVersion, kind: kind.kind })),
    });
    return;
  }
  if (method === "POST") {
    const body = await readBody(request, registry.scheme);
    const fieldWarnings = checkFields(kind, body, query.get("fieldValidation"));
    const { object, warnings } = await registry.create(kind, namespace, body, {
      dryRun: isDryRun(query),
      user: call.user,
    });
    sendJson(response, 201, object, [...fieldWarnings, ...warnings]);
    return;
  }
  if (method === "DELETE" && kind.verbs.includes("deletecollection")) {
    const selected = registry.list(kind, namespace).filter(selectorMatcher(query));
    for (const item of selected)
      await registry.delete(kind, item.metadata.namespace ?? "", item.metadata.name ?? "", { user: call.user });
    sendJson(response, 200, {
      kind: `${kind.kind}List`,
      apiVersion: apiVersionOf(kind),
      metadata: { resourceVersion: registry.store.resourceVersion },
      items: selected,
    });
    return;
  }
  throw methodNotAllowed();
}

/** GET, DELETE, PUT and PATCH on `/…/<resource>/<name>` (and on its `status`, which is the object itself). */
export async function serveObject(call: TRestCall & { name: string; subresource?: string }): Promise<void> {
  const { request, response, kind, namespace, name, query, cluster, subresource } = call;
  const registry = cluster.registry;
  const method = request.method ?? "GET";
  const dryRun = isDryRun(query);
  const existing = registry.find(kind, namespace, name);
  if (method === "GET") {
    if (!existing) throw notFound(refOf(kind), name);
    const includeObject = query.get("includeObject") ?? "";
    const table = wantsTable(request);
    sendJson(
      response,
      200,
      table ? toTable(kind, [existing], registry.store.resourceVersion, includeObject) : existing,
    );
    return;
  }
  if (method === "DELETE") {
    if (!existing) throw notFound(refOf(kind), name);
    const propagationPolicy = await deletePropagation(request, query, registry.scheme);
    sendJson(
      response,
      200,
      dryRun ? existing : await registry.delete(kind, namespace, name, { user: call.user, propagationPolicy }),
    );
    return;
  }
  if (method !== "PATCH" && method !== "PUT") throw methodNotAllowed();
  const body = await readBody(request, registry.scheme);
  const type = request.headers["content-type"] ?? "";
  if (!existing) {
    // Server-side apply creates what does not exist yet.
    if (method === "PATCH" && /apply-patch/.test(type)) {
      const { object, warnings } = await registry.create(kind, namespace, body, { dryRun, user: call.user });
      sendJson(response, 201, object, warnings);
      return;
    }
    throw notFound(refOf(kind), name);
  }
  if (method === "PUT") {
    const given = isRecord(body) && isRecord(body.metadata) ? body.metadata.resourceVersion : undefined;
    if (given !== undefined && given !== existing.metadata.resourceVersion) {
      const qualified = kind.group ? `${kind.resource}.${kind.group}` : kind.resource;
      throw new ApiError({
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message: `Operation cannot be fulfilled on ${qualified} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        reason: "Conflict",
        details: { name, kind: kind.resource },
        code: 409,
      });
    }
  }
  const updated = method === "PUT" ? body : applyPatch(kind, existing, body, type);
  const { object, warnings } = await registry.update(kind, existing, updated, {
    dryRun,
    user: call.user,
    ...(subresource ? { subresource } : {}),
  });
  sendJson(response, 200, object, warnings);
}
