import type http from "node:http";
import type { Duplex } from "node:stream";
import { authorize, forbiddenMessage } from "../auth/authorizer";
import type { TRequestAttributes } from "../auth/policy-rule";
import { requestAttributes } from "../auth/request-info";
import { forbiddenByAuthorizer, methodNotAllowed, notFoundPath } from "../k8s-status";
import type { TCluster, TKind, TUserInfo } from "../registry/kind";
import type { Scheme } from "../registry/scheme";
import { discoveryDocuments } from "./discovery";
import { readBody } from "./request-body";
import { sendJson } from "./responses";
import { serveCollection, serveObject } from "./rest";

/** What a resource path addresses: a kind's collection (no name), one object, or one object's subresource. */
export type TResourceTarget = { kind: TKind; namespace: string; name?: string; subresource?: string };

/**
 * Parses `/api/v1/...` and `/apis/<group>/<version>/...` into the registered kind it addresses, or undefined
 * for paths this server does not serve. Namespaced kinds are served under `namespaces/<ns>/` (and listed
 * across namespaces at the top); cluster-scoped kinds only at the top.
 */
export function parseResourcePath(pathname: string, scheme: Scheme): TResourceTarget | undefined {
  const parts = pathname.split("/").filter(Boolean).map(decodeURIComponent);
  let group: string;
  let version: string | undefined;
  let rest: string[];
  if (parts[0] === "api") {
    group = "";
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === "apis" && parts[1] !== undefined) {
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  if (version === undefined) return undefined;
  const lookup = (resource: string | undefined) =>
    resource === undefined ? undefined : scheme.resource(group, version, resource);
  if (rest[0] === "namespaces" && rest.length >= 3) {
    const kind = lookup(rest[2]);
    if (kind?.namespaced)
      return rest.length <= 5 ? { kind, namespace: rest[1] ?? "", name: rest[3], subresource: rest[4] } : undefined;
    // `/api/v1/namespaces/<name>/<subresource>`: a subresource of the namespace itself.
    const namespaces = lookup("namespaces");
    const subresource = rest[2] ?? "";
    if (namespaces && rest.length === 3 && (subresource === "status" || namespaces.subresources?.[subresource]))
      return { kind: namespaces, namespace: "", name: rest[1], subresource };
    return undefined;
  }
  const kind = lookup(rest[0]);
  if (!kind || rest.length > 3) return undefined;
  if (kind.namespaced) return rest.length === 1 ? { kind, namespace: "" } : undefined;
  return { kind, namespace: "", name: rest[1], subresource: rest[2] };
}

/** Dispatches authenticated requests: discovery, reviews, subresources, then the generic verbs of every kind. */
export class Router {
  private readonly discovery: Record<string, unknown>;

  constructor(private readonly cluster: TCluster) {
    this.discovery = discoveryDocuments(cluster.registry.scheme);
  }

  /**
   * Authorises `user` for one request (verb, resource, subresource, namespace and name, or a non-resource
   * path) and refuses it with the API server's 403 when the authorizer does not allow it.
   */
  private authorize(user: TUserInfo, attributes: TRequestAttributes): void {
    const decision = authorize(this.cluster.registry.store, user, attributes);
    if (decision.allowed) return;
    const target = attributes.resourceRequest
      ? { resource: attributes.resource, group: attributes.apiGroup, name: attributes.name }
      : undefined;
    throw forbiddenByAuthorizer(target, forbiddenMessage(user, attributes), decision.reason);
  }

  /** Serves one HTTP request; errors are thrown as ApiError for the server to send as a Status. */
  async handle(request: http.IncomingMessage, response: http.ServerResponse, user: TUserInfo): Promise<void> {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const path = url.pathname.replace(/\/+$/, "") || "/";
    const method = request.method ?? "GET";
    this.authorize(user, requestAttributes(method, url));
    const document = this.discovery[path];
    if (method === "GET" && document) {
      sendJson(response, 200, document);
      return;
    }
    // Service account issuer discovery: what a relying party needs to verify service account tokens.
    if (method === "GET" && path === "/openid/v1/jwks") {
      sendJson(response, 200, this.cluster.tokens.jwks());
      return;
    }
    if (method === "GET" && path === "/.well-known/openid-configuration") {
      sendJson(
        response,
        200,
        this.cluster.tokens.openIdConfiguration(`https://${request.headers.host ?? "127.0.0.1"}`),
      );
      return;
    }
    const target = parseResourcePath(path, this.cluster.registry.scheme);
    if (!target) throw notFoundPath();
    const { kind, namespace, name, subresource } = target;
    const query = url.searchParams;
    const registry = this.cluster.registry;
    if (kind.review) {
      if (name) throw notFoundPath();
      if (method !== "POST") throw methodNotAllowed();
      sendJson(response, 201, kind.review(await readBody(request, registry.scheme), { user, registry, namespace }));
      return;
    }
    if (name && subresource) {
      const handler = kind.subresources?.[subresource];
      if (handler) {
        if (!handler.handle) throw notFoundPath();
        const object = registry.get(kind, namespace, name);
        await handler.handle({ request, response, object, query, cluster: this.cluster, user });
        return;
      }
      // A kind without its own status handler reads and writes status with the object.
      if (subresource !== "status") throw notFoundPath();
    }
    const call = { request, response, kind, namespace, query, cluster: this.cluster, user };
    if (name) await serveObject({ ...call, name, ...(subresource ? { subresource } : {}) });
    else await serveCollection(call);
  }

  /**
   * Serves a WebSocket upgrade on a subresource that takes one (pods/exec, pods/attach). The upgrade is a GET,
   * authorised as `get` like any GET; since Kubernetes 1.35 (AuthorizePodWebsocketUpgradeCreatePermission, on
   * by default) the user must also be allowed to `create` the subresource, as over SPDY.
   */
  async upgrade(request: http.IncomingMessage, socket: Duplex, head: Buffer, user: TUserInfo): Promise<void> {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const attributes = requestAttributes("GET", url);
    this.authorize(user, attributes);
    if (
      attributes.resourceRequest &&
      attributes.apiGroup === "" &&
      attributes.resource === "pods" &&
      ["exec", "attach", "portforward"].includes(attributes.subresource)
    )
      this.authorize(user, { ...attributes, verb: "create" });
    const target = parseResourcePath(url.pathname, this.cluster.registry.scheme);
    const handler = target?.subresource ? target.kind.subresources?.[target.subresource] : undefined;
    if (!target?.name || !handler?.upgrade) throw notFoundPath();
    const object = this.cluster.registry.get(target.kind, target.namespace, target.name);
    await handler.upgrade({ request, socket, head, object, query: url.searchParams, cluster: this.cluster });
  }
}
