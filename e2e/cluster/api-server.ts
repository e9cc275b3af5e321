import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { parse as parseYaml } from "yaml";
import { selfSubjectAccessReview } from "./kinds/self-subject-access-review";
import { admit, unsupportedExpressions } from "./admission/validating-admission-policy";
import {
  admissionGroupDocument,
  admissionResources,
  authorizationGroupDocument,
  authorizationResources,
  coreResources,
  coreVersions,
  groupList,
  openApiV3Documents,
  openApiV3Index,
  serverVersion,
} from "./server/discovery";
import { podman, prepareHost, servingCertificate } from "./host";
import {
  ApiError,
  alreadyExists,
  badRequest,
  forbidden,
  invalid,
  methodNotAllowed,
  namespaceTerminating,
  notFound,
  notFoundPath,
  unauthorized,
  type TResourceRef,
  type TStatus,
} from "./k8s-status";
import { DeathWatcher, PodWorker, removeLeftovers } from "./runtime/pod-worker";
import { matchesLabels, parseLabelSelector } from "./label-selector";
import { validateName, validatePod } from "./kinds/pod-validation";
import { decodeKubernetesProtobuf } from "./protobuf";
import { unknownPodFields } from "./kinds/pod-schema";
import { podSecurityLevel, podSecurityViolations } from "./admission/pod-security";
import { ObjectStore, type TWatchEvent } from "./registry/object-store";
import { toTable } from "./server/table";
import type { TKubeObject, TPod, TPodStatus } from "./types";

type TResourceInfo = { ref: TResourceRef; kind: string; apiVersion: string; namespaced: boolean; prefix: string };

const admissionGroup = "admissionregistration.k8s.io";
const resources: Record<string, TResourceInfo> = {
  namespaces: {
    ref: { resource: "namespaces", group: "" },
    kind: "Namespace",
    apiVersion: "v1",
    namespaced: false,
    prefix: "/api/v1",
  },
  pods: { ref: { resource: "pods", group: "" }, kind: "Pod", apiVersion: "v1", namespaced: true, prefix: "/api/v1" },
  events: {
    ref: { resource: "events", group: "" },
    kind: "Event",
    apiVersion: "v1",
    namespaced: true,
    prefix: "/api/v1",
  },
  validatingadmissionpolicies: {
    ref: { resource: "validatingadmissionpolicies", group: admissionGroup },
    kind: "ValidatingAdmissionPolicy",
    apiVersion: `${admissionGroup}/v1`,
    namespaced: false,
    prefix: `/apis/${admissionGroup}/v1`,
  },
  validatingadmissionpolicybindings: {
    ref: { resource: "validatingadmissionpolicybindings", group: admissionGroup },
    kind: "ValidatingAdmissionPolicyBinding",
    apiVersion: `${admissionGroup}/v1`,
    namespaced: false,
    prefix: `/apis/${admissionGroup}/v1`,
  },
};

type TTarget = { info: TResourceInfo; namespace: string; name?: string; subresource?: string };

const nowIso = () => new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Parses a request path into the resource it addresses, or undefined for paths this server does not serve. */
export function parseResourcePath(pathname: string): TTarget | undefined {
  const parts = pathname.split("/").filter(Boolean).map(decodeURIComponent);
  let rest: string[];
  let group: string;
  if (parts[0] === "api" && parts[1] === "v1") {
    rest = parts.slice(2);
    group = "";
  } else if (parts[0] === "apis" && parts[1] === admissionGroup && parts[2] === "v1") {
    rest = parts.slice(3);
    group = admissionGroup;
  } else {
    return undefined;
  }
  const lookup = (name: string | undefined) => {
    const info = name ? resources[name] : undefined;
    return info && info.ref.group === group ? info : undefined;
  };
  if (group === "" && rest[0] === "namespaces" && rest.length >= 3) {
    const info = lookup(rest[2]);
    if (info?.namespaced) return { info, namespace: rest[1] ?? "", name: rest[3], subresource: rest[4] };
    if (rest.length === 3 && (rest[2] === "status" || rest[2] === "finalize"))
      return { info: resources.namespaces as TResourceInfo, namespace: "", name: rest[1], subresource: rest[2] };
    return undefined;
  }
  const info = lookup(rest[0]);
  if (!info || rest.length > 3) return undefined;
  if (info.namespaced) return rest.length === 1 ? { info, namespace: "" } : undefined;
  return { info, namespace: "", name: rest[1], subresource: rest[2] };
}

type TFieldRequirement = { path: string; value: string; equal: boolean };

function parseFieldSelector(selector: string | null): TFieldRequirement[] {
  if (!selector) return [];
  return selector
    .split(",")
    .filter(Boolean)
    .map((part) => {
      const match = /^([^!=]+)(==|=|!=)(.*)$/.exec(part.trim());
      if (!match) throw badRequest(`invalid selector: '${selector}'; can't understand '${part}'`);
      return { path: match[1] ?? "", equal: match[2] !== "!=", value: match[3] ?? "" };
    });
}

function fieldValue(object: TKubeObject, path: string): string {
  let current: unknown = object;
  for (const key of path.split(".")) current = isRecord(current) ? current[key] : undefined;
  if (typeof current === "string") return current;
  if (typeof current === "number" || typeof current === "boolean") return String(current);
  return current === undefined || current === null ? "" : JSON.stringify(current);
}

function randomSuffix(): string {
  const alphabet = "bcdfghjklmnpqrstvwxz2456789";
  return Array.from(randomBytes(5), (byte) => alphabet[byte % alphabet.length]).join("");
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return patch;
  const result: Record<string, unknown> = isRecord(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith("$")) continue;
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

// Merge keys of the lists learners patch; other lists are replaced, as strategic merge does for them.
const mergeKeys: Record<string, string> = {
  containers: "name",
  initContainers: "name",
  ephemeralContainers: "name",
  volumes: "name",
  volumeMounts: "mountPath",
  env: "name",
  ports: "containerPort",
  imagePullSecrets: "name",
};

/** Strategic merge patch for the shapes this server stores: merges keyed lists, honours `$patch: delete`. */
export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return patch;
  const result: Record<string, unknown> = isRecord(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith("$")) continue;
    if (value === null) {
      delete result[key];
      continue;
    }
    const mergeKey = mergeKeys[key];
    if (mergeKey && Array.isArray(value) && Array.isArray(result[key])) {
      const merged = [...(result[key] as unknown[])];
      for (const item of value) {
        if (!isRecord(item)) continue;
        const index = merged.findIndex((existing) => isRecord(existing) && existing[mergeKey] === item[mergeKey]);
        if (item.$patch === "delete") {
          if (index >= 0) merged.splice(index, 1);
        } else if (index >= 0) {
          merged[index] = strategicMergePatch(merged[index], item);
        } else {
          merged.push(strategicMergePatch({}, item));
        }
      }
      result[key] = merged;
      continue;
    }
    result[key] = isRecord(value) ? strategicMergePatch(result[key], value) : value;
  }
  return result;
}

function jsonPatch(target: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) throw badRequest("json patch must be a list of operations");
  const document = structuredClone(target) as Record<string, unknown>;
  for (const operation of operations) {
    if (!isRecord(operation) || typeof operation.path !== "string") throw badRequest("invalid json patch operation");
    const keys = operation.path
      .split("/")
      .slice(1)
      .map((key) => key.replace(/~1/g, "/").replace(/~0/g, "~"));
    const last = keys.pop();
    let parent: unknown = document;
    for (const key of keys)
      parent = Array.isArray(parent) ? parent[Number(key)] : isRecord(parent) ? parent[key] : undefined;
    if (last === undefined || (!isRecord(parent) && !Array.isArray(parent)))
      throw badRequest(`json patch path ${operation.path} does not exist`);
    const container = parent as Record<string, unknown> | unknown[];
    switch (operation.op) {
      case "add":
        if (Array.isArray(container))
          container.splice(last === "-" ? container.length : Number(last), 0, operation.value);
        else container[last] = operation.value;
        break;
      case "replace":
        if (Array.isArray(container)) container[Number(last)] = operation.value;
        else container[last] = operation.value;
        break;
      case "remove":
        if (Array.isArray(container)) container.splice(Number(last), 1);
        else delete container[last];
        break;
      case "test":
        if (
          JSON.stringify(Array.isArray(container) ? container[Number(last)] : container[last]) !==
          JSON.stringify(operation.value)
        )
          throw new ApiError({
            kind: "Status",
            apiVersion: "v1",
            metadata: {},
            status: "Failure",
            message: `the server rejected our request due to an error in our request: test failed for ${operation.path}`,
            reason: "Invalid",
            code: 422,
          });
        break;
      default:
        throw badRequest(`json patch operation ${String(operation.op)} is not supported by the test cluster`);
    }
  }
  return document;
}

function defaultPod(pod: TPod): TPod {
  const spec = pod.spec;
  spec.restartPolicy ??= "Always";
  spec.dnsPolicy ??= "ClusterFirst";
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ??= "default-scheduler";
  spec.serviceAccountName ??= "default";
  spec.serviceAccount ??= spec.serviceAccountName;
  spec.securityContext ??= {};
  spec.enableServiceLinks ??= true;
  spec.preemptionPolicy ??= "PreemptLowerPriority";
  spec.priority ??= 0;
  spec.nodeName ??= "cks-test-node";
  spec.tolerations ??= [
    { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
    { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
  ];
  for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
    const tag = container.image.includes("@")
      ? "digest"
      : /:[^/]+$/.test(container.image)
        ? container.image.slice(container.image.lastIndexOf(":") + 1)
        : "latest";
    container.imagePullPolicy ??= tag === "latest" ? "Always" : "IfNotPresent";
    container.terminationMessagePath ??= "/dev/termination-log";
    container.terminationMessagePolicy ??= "File";
    container.resources ??= {};
    for (const port of container.ports ?? []) port.protocol ??= "TCP";
  }
  for (const volume of spec.volumes ?? []) if (volume.emptyDir) volume.emptyDir = { ...volume.emptyDir };
  return pod;
}

function wantsTable(request: http.IncomingMessage): boolean {
  return /as=Table/.test(request.headers.accept ?? "");
}

function sendJson(response: http.ServerResponse, code: number, body: unknown, warnings: string[] = []): void {
  const text = JSON.stringify(body);
  const headers: http.OutgoingHttpHeaders = {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-cache, private",
  };
  if (warnings.length > 0) headers.Warning = warnings.map((warning) => `299 - ${JSON.stringify(warning)}`);
  response.writeHead(code, headers);
  response.end(text);
}

function sendStatus(response: http.ServerResponse, status: TStatus): void {
  sendJson(response, status.code, status);
}

function rejectUpgrade(socket: Duplex, status: TStatus): void {
  const body = JSON.stringify(status);
  const text =
    status.code === 400
      ? "Bad Request"
      : status.code === 401
        ? "Unauthorized"
        : status.code === 404
          ? "Not Found"
          : status.code === 403
            ? "Forbidden"
            : "Internal Server Error";
  socket.end(
    `HTTP/1.1 ${status.code} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

async function readBody(request: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const type = request.headers["content-type"] ?? "";
  if (/protobuf/.test(type)) {
    try {
      return decodeKubernetesProtobuf(raw);
    } catch (error) {
      throw new ApiError({
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message: (error as Error).message,
        reason: "UnsupportedMediaType",
        code: 415,
      });
    }
  }
  const text = raw.toString("utf8");
  if (text.trim() === "") return undefined;
  try {
    return /yaml/.test(type) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw badRequest(`the request body could not be decoded: ${(error as Error).message}`);
  }
}

/** Where podman (as root) keeps runc state, one folder per container id. */
const runcRoot = "/run/runc";

const execProtocols = [
  "v5.channel.k8s.io",
  "v4.channel.k8s.io",
  "v3.channel.k8s.io",
  "v2.channel.k8s.io",
  "channel.k8s.io",
];

/** The podman-backed API server: objects in memory, pods as real containers. */
export class TestApiServer {
  readonly store = new ObjectStore();
  private readonly workers = new Map<string, PodWorker>();
  private readonly deaths: DeathWatcher;
  private readonly server: https.Server;
  /** PEM of the self-signed certificate the server presents (also its own CA). */
  readonly certificate: string;
  private readonly sockets = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => execProtocols.find((protocol) => offered.has(protocol)) ?? false,
  });
  private readonly openResponses = new Set<http.ServerResponse>();
  private readonly tokenBuffer: Buffer;

  constructor(private readonly token: string) {
    this.tokenBuffer = Buffer.from(`Bearer ${token}`);
    this.deaths = new DeathWatcher(
      (containerId, uid) => void this.workers.get(uid)?.containerDied(containerId),
      () => {
        for (const worker of this.workers.values()) void worker.reconcile();
      },
    );
    const tls = servingCertificate();
    this.certificate = tls.cert;
    this.server = https.createServer({ cert: tls.cert, key: tls.key }, (request, response) => {
      void this.handle(request, response).catch((error: unknown) => {
        if (error instanceof ApiError) sendStatus(response, error.status);
        else
          sendStatus(response, {
            kind: "Status",
            apiVersion: "v1",
            metadata: {},
            status: "Failure",
            message: `Internal error occurred: ${(error as Error).message}`,
            reason: "InternalError",
            code: 500,
          });
      });
    });
    this.server.on("upgrade", (request, socket, head) => {
      void this.upgrade(request, socket, head).catch((error: unknown) => {
        if (error instanceof ApiError) rejectUpgrade(socket, error.status);
        else
          rejectUpgrade(socket, {
            kind: "Status",
            apiVersion: "v1",
            metadata: {},
            status: "Failure",
            message: `Internal error occurred: ${(error as Error).message}`,
            reason: "InternalError",
            code: 500,
          });
      });
    });
    const created = nowIso();
    for (const name of ["default", "kube-system", "kube-public", "kube-node-lease"]) {
      this.store.put("namespaces", "", {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: {
          name,
          uid: randomUUID(),
          creationTimestamp: created,
          labels: { "kubernetes.io/metadata.name": name },
        },
        spec: { finalizers: ["kubernetes"] },
        status: { phase: "Active" },
      });
    }
  }

  /** Starts listening on 127.0.0.1 (random port unless given) after clearing a crashed run's leftovers. */
  async listen(port = 0): Promise<number> {
    prepareHost();
    await removeLeftovers();
    this.deaths.start();
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, "127.0.0.1", () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  /** Stops every pod, closes connections and the listener. */
  async close(): Promise<void> {
    for (const response of this.openResponses) response.end();
    for (const client of this.sockets.clients) client.terminate();
    await Promise.all([...this.workers.values()].map((worker) => worker.stop()));
    this.workers.clear();
    this.deaths.stop();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
  }

  private authorized(request: http.IncomingMessage): boolean {
    const given = Buffer.from(request.headers.authorization ?? "");
    return given.length === this.tokenBuffer.length && timingSafeEqual(given, this.tokenBuffer);
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const path = url.pathname.replace(/\/+$/, "") || "/";
    if (path === "/healthz" || path === "/readyz" || path === "/livez") {
      response.writeHead(200, { "Content-Type": "text/plain" }).end("ok");
      return;
    }
    if (!this.authorized(request)) throw unauthorized();
    const method = request.method ?? "GET";
    const discovery: Record<string, unknown> = {
      "/version": serverVersion,
      "/api": coreVersions,
      "/apis": groupList,
      "/api/v1": coreResources,
      [`/apis/${admissionGroup}`]: admissionGroupDocument,
      [`/apis/${admissionGroup}/v1`]: admissionResources,
      "/apis/authorization.k8s.io": authorizationGroupDocument,
      "/apis/authorization.k8s.io/v1": authorizationResources,
      "/openapi/v3": openApiV3Index,
      ...openApiV3Documents,
    };
    if (method === "GET" && discovery[path]) {
      sendJson(response, 200, discovery[path]);
      return;
    }
    if (path === "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews") {
      if (method !== "POST") throw methodNotAllowed();
      sendJson(response, 201, selfSubjectAccessReview(await readBody(request)));
      return;
    }
    const target = parseResourcePath(path);
    if (!target) throw notFoundPath();
    const query = url.searchParams;
    const dryRun = query.getAll("dryRun").includes("All");
    const { info, namespace, name, subresource } = target;
    if (info.ref.resource === "pods" && name && subresource) {
      await this.podSubresource(request, response, target, query);
      return;
    }
    if (subresource && subresource !== "status") throw notFoundPath();
    if (!name) {
      if (method === "GET") return this.list(request, response, info, namespace, query);
      if (method === "POST") {
        const body = await readBody(request);
        const fieldWarnings = this.checkFields(info, body, query.get("fieldValidation"));
        const { code, object, warnings } = await this.create(info, namespace, body, dryRun);
        sendJson(response, code, object, [...fieldWarnings, ...warnings]);
        return;
      }
      if (method === "DELETE" && info.ref.resource === "pods") {
        const selected = this.select(info, namespace, query);
        for (const pod of selected) await this.deletePod(pod.metadata.namespace ?? "", pod.metadata.name ?? "");
        sendJson(response, 200, {
          kind: "PodList",
          apiVersion: "v1",
          metadata: { resourceVersion: this.store.resourceVersion },
          items: selected,
        });
        return;
      }
      throw methodNotAllowed();
    }
    const existing = this.store.get(info.ref.resource, namespace, name);
    if (method === "GET") {
      if (!existing) throw notFound(info.ref, name);
      sendJson(
        response,
        200,
        wantsTable(request)
          ? toTable(info.ref.resource, [existing], this.store.resourceVersion, query.get("includeObject") ?? "")
          : existing,
      );
      return;
    }
    if (method === "DELETE") {
      if (!existing) throw notFound(info.ref, name);
      if (dryRun) {
        sendJson(response, 200, existing);
        return;
      }
      const gone = await this.deleteObject(info, namespace, name);
      sendJson(response, 200, gone);
      return;
    }
    if (method === "PATCH" || method === "PUT") {
      const body = await readBody(request);
      const type = request.headers["content-type"] ?? "";
      if (!existing) {
        if (method === "PATCH" && /apply-patch/.test(type)) {
          const { code, object, warnings } = await this.create(info, namespace, body, dryRun);
          sendJson(response, code, object, warnings);
          return;
        }
        throw notFound(info.ref, name);
      }
      let updated: unknown;
      if (method === "PUT") {
        updated = body;
        const rv = isRecord(body) && isRecord(body.metadata) ? body.metadata.resourceVersion : undefined;
        if (rv !== undefined && rv !== existing.metadata.resourceVersion) {
          throw new ApiError({
            kind: "Status",
            apiVersion: "v1",
            metadata: {},
            status: "Failure",
            message: `Operation cannot be fulfilled on ${info.ref.group ? `${info.ref.resource}.${info.ref.group}` : info.ref.resource} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
            reason: "Conflict",
            details: { name, kind: info.ref.resource },
            code: 409,
          });
        }
      } else if (/json-patch/.test(type)) {
        updated = jsonPatch(existing, body);
      } else if (/strategic-merge-patch/.test(type)) {
        updated = strategicMergePatch(existing, body);
      } else {
        updated = mergePatch(existing, body);
      }
      const object = this.update(info, existing, updated, dryRun);
      sendJson(response, 200, object);
      return;
    }
    throw methodNotAllowed();
  }

  /** Strict/Warn field validation of a pod body; Strict (kubectl's default) rejects unknown fields with 400. */
  private checkFields(info: TResourceInfo, body: unknown, mode: string | null): string[] {
    if (info.ref.resource !== "pods" || mode === "Ignore") return [];
    const unknown = unknownPodFields(body);
    if (unknown.length === 0) return [];
    if (mode === "Strict") {
      const list = unknown.map((field) => `unknown field "${field}"`).join(", ");
      throw badRequest(`Pod in version "v1" cannot be handled as a Pod: strict decoding error: ${list}`);
    }
    return unknown.map((field) => `unknown field "${field}"`);
  }

  /** The labelSelector and fieldSelector of a list or watch request, as one predicate. */
  private selectorMatcher(query: URLSearchParams): (item: TKubeObject) => boolean {
    let labels: ReturnType<typeof parseLabelSelector>;
    try {
      labels = parseLabelSelector(query.get("labelSelector") ?? "");
    } catch (error) {
      throw badRequest((error as Error).message);
    }
    const fields = parseFieldSelector(query.get("fieldSelector"));
    return (item) =>
      matchesLabels(labels, item.metadata.labels) &&
      fields.every((field) => (fieldValue(item, field.path) === field.value) === field.equal);
  }

  private select(info: TResourceInfo, namespace: string, query: URLSearchParams): TKubeObject[] {
    const selected = this.selectorMatcher(query);
    return this.store
      .list(info.ref.resource, info.namespaced && namespace !== "" ? namespace : undefined)
      .filter(selected);
  }

  private list(
    request: http.IncomingMessage,
    response: http.ServerResponse,
    info: TResourceInfo,
    namespace: string,
    query: URLSearchParams,
  ): void {
    const watch = query.get("watch") === "true" || query.get("watch") === "1";
    if (watch) {
      this.watch(request, response, info, namespace, query);
      return;
    }
    const items = this.select(info, namespace, query);
    const resourceVersion = this.store.resourceVersion;
    if (wantsTable(request)) {
      sendJson(response, 200, toTable(info.ref.resource, items, resourceVersion, query.get("includeObject") ?? ""));
      return;
    }
    sendJson(response, 200, {
      kind: `${info.kind}List`,
      apiVersion: info.apiVersion,
      metadata: { resourceVersion },
      items: items.map((item) => ({ ...item, apiVersion: info.apiVersion, kind: info.kind })),
    });
  }

  private watch(
    request: http.IncomingMessage,
    response: http.ServerResponse,
    info: TResourceInfo,
    namespace: string,
    query: URLSearchParams,
  ): void {
    const selected = this.selectorMatcher(query);
    const table = wantsTable(request);
    const includeObject = query.get("includeObject") ?? "";
    const matches = (event: TWatchEvent) =>
      event.resource === info.ref.resource &&
      (!info.namespaced || namespace === "" || event.namespace === namespace) &&
      selected(event.object);
    const rvParam = query.get("resourceVersion");
    const from = rvParam && rvParam !== "0" ? Number(rvParam) : undefined;
    if (from !== undefined && from < this.store.oldestWatchable - 1) {
      sendJson(response, 410, {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message: `too old resource version: ${from} (${this.store.oldestWatchable})`,
        reason: "Expired",
        code: 410,
      });
      return;
    }
    response.writeHead(200, {
      "Content-Type": "application/json",
      "Transfer-Encoding": "chunked",
      "Cache-Control": "no-cache, private",
    });
    this.openResponses.add(response);
    const write = (type: string, object: TKubeObject) => {
      const payload = table
        ? toTable(info.ref.resource, [object], object.metadata.resourceVersion ?? "", includeObject)
        : { ...object, apiVersion: info.apiVersion, kind: info.kind };
      response.write(`${JSON.stringify({ type, object: payload })}\n`);
    };
    const sendInitialEvents = query.get("sendInitialEvents") === "true";
    if (from === undefined || sendInitialEvents) {
      for (const item of this.select(info, namespace, query)) write("ADDED", item);
      if (sendInitialEvents) {
        // WatchList clients (kubectl wait, informers) wait for this bookmark before trusting the stream.
        const bookmark = {
          kind: info.kind,
          apiVersion: info.apiVersion,
          metadata: {
            resourceVersion: this.store.resourceVersion,
            annotations: { "k8s.io/initial-events-end": "true" },
          },
        };
        response.write(`${JSON.stringify({ type: "BOOKMARK", object: bookmark })}\n`);
      }
    } else {
      for (const event of this.store.since(from)) if (matches(event)) write(event.type, event.object);
    }
    const listener = (event: TWatchEvent) => {
      if (matches(event)) write(event.type, event.object);
    };
    this.store.events.on("event", listener);
    const timeout = Number(query.get("timeoutSeconds") ?? "1800");
    const timer = setTimeout(() => response.end(), Math.max(1, timeout) * 1000);
    const finish = () => {
      clearTimeout(timer);
      this.store.events.off("event", listener);
      this.openResponses.delete(response);
    };
    response.on("close", finish);
    request.on("close", finish);
  }

  private namespaceObject(namespace: string): TKubeObject | undefined {
    return namespace ? this.store.get("namespaces", "", namespace) : undefined;
  }

  /** Validates, admits and (unless dry-run) stores a new object; pods also start running. */
  async create(
    info: TResourceInfo,
    namespace: string,
    body: unknown,
    dryRun: boolean,
  ): Promise<{ code: number; object: TKubeObject; warnings: string[] }> {
    if (!isRecord(body)) throw badRequest("the request body must be a JSON object");
    if (body.kind !== undefined && body.kind !== info.kind)
      throw badRequest(
        `the server could not handle ${typeof body.kind === "string" ? body.kind : JSON.stringify(body.kind)} as a ${info.kind}: kind mismatch`,
      );
    if (body.apiVersion !== undefined && body.apiVersion !== info.apiVersion)
      throw badRequest(
        `the API version in the data (${typeof body.apiVersion === "string" ? body.apiVersion : JSON.stringify(body.apiVersion)}) does not match the expected API version (${info.apiVersion})`,
      );
    const object = structuredClone(body) as TKubeObject;
    object.apiVersion = info.apiVersion;
    object.kind = info.kind;
    object.metadata = isRecord(object.metadata) ? object.metadata : {};
    const metadata = object.metadata;
    if (info.namespaced) {
      if (metadata.namespace !== undefined && metadata.namespace !== namespace)
        throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
      metadata.namespace = namespace;
    } else {
      delete metadata.namespace;
    }
    if (!metadata.name && typeof metadata.generateName === "string" && metadata.generateName !== "")
      metadata.name = `${metadata.generateName}${randomSuffix()}`;
    const name = metadata.name ?? "";
    if (info.namespaced) {
      const ns = this.namespaceObject(namespace);
      if (!ns) throw notFound(resources.namespaces!.ref, namespace);
      if ((ns.status as { phase?: string } | undefined)?.phase === "Terminating")
        throw namespaceTerminating(info.ref, name, namespace);
    }
    const errors =
      info.ref.resource === "pods"
        ? validatePod(object)
        : validateName(metadata.name, "metadata.name", info.ref.resource === "namespaces" ? "label" : "subdomain");
    if (errors.length > 0) throw invalid(info.kind, info.ref, name, errors);
    metadata.uid = randomUUID();
    metadata.creationTimestamp = nowIso();
    delete metadata.resourceVersion;
    delete metadata.deletionTimestamp;
    const warnings: string[] = [];
    if (info.ref.resource === "namespaces") {
      metadata.labels = { ...metadata.labels, "kubernetes.io/metadata.name": name };
      object.spec = { finalizers: ["kubernetes"] };
      object.status = { phase: "Active" };
    }
    if (info.ref.resource === "pods") {
      defaultPod(object as TPod);
      const pod = object as TPod;
      pod.status = {
        phase: "Pending",
        conditions: [
          { type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: metadata.creationTimestamp },
        ],
        hostIP: "127.0.0.1",
        containerStatuses: [],
        qosClass: "BestEffort",
      };
    }
    if (info.ref.resource === "validatingadmissionpolicies") warnings.push(...unsupportedExpressions(object));
    if (info.ref.resource === "pods") {
      // The PodSecurity admission plugin runs before ValidatingAdmissionPolicy.
      const labels = this.namespaceObject(namespace)?.metadata.labels;
      const standard = (mode: "enforce" | "warn") =>
        `${podSecurityLevel(labels, mode)}:${labels?.[`pod-security.kubernetes.io/${mode}-version`] ?? "latest"}`;
      const warnLevel = podSecurityLevel(labels, "warn");
      const warnViolations = warnLevel ? podSecurityViolations(warnLevel, object as TPod) : [];
      if (warnViolations.length > 0)
        warnings.push(`would violate PodSecurity "${standard("warn")}": ${warnViolations.join(", ")}`);
      const enforceLevel = podSecurityLevel(labels, "enforce");
      const violations = enforceLevel ? podSecurityViolations(enforceLevel, object as TPod) : [];
      if (violations.length > 0)
        throw forbidden(info.ref, name, `violates PodSecurity "${standard("enforce")}": ${violations.join(", ")}`);
    }
    const verdict = admit(
      {
        operation: "CREATE",
        group: info.ref.group,
        version: "v1",
        resource: info.ref.resource,
        kind: info.kind,
        name,
        namespace: info.namespaced ? namespace : "",
        object,
        namespaceObject: info.namespaced ? this.namespaceObject(namespace) : undefined,
        dryRun,
      },
      this.store.list("validatingadmissionpolicies", undefined),
      this.store.list("validatingadmissionpolicybindings", undefined),
    );
    warnings.push(...verdict.warnings);
    if (!verdict.allowed) {
      if (verdict.kind === "unsupported") {
        throw new ApiError({
          kind: "Status",
          apiVersion: "v1",
          metadata: {},
          status: "Failure",
          message: verdict.message,
          reason: "InternalError",
          details: {
            name,
            kind: info.ref.resource,
            causes: [{ reason: "UnsupportedByTestCluster", message: verdict.message }],
          },
          code: 500,
        });
      }
      const denied = forbidden(info.ref, name, verdict.message).status;
      throw new ApiError({
        ...denied,
        reason: verdict.reason,
        code: verdict.code,
        details: { ...denied.details, causes: [{ reason: "", message: verdict.message }] },
      });
    }
    if (this.store.get(info.ref.resource, namespace, name)) throw alreadyExists(info.ref, name);
    if (dryRun) return { code: 201, object, warnings };
    const stored = this.store.put(info.ref.resource, info.namespaced ? namespace : "", object);
    if (info.ref.resource === "pods") this.startPod(stored as TPod);
    return { code: 201, object: stored, warnings };
  }

  private update(info: TResourceInfo, existing: TKubeObject, updated: unknown, dryRun: boolean): TKubeObject {
    if (!isRecord(updated) || !isRecord(updated.metadata)) throw badRequest("the updated object has no metadata");
    const next = structuredClone(updated) as TKubeObject;
    const name = existing.metadata.name ?? "";
    for (const key of ["name", "namespace", "uid", "creationTimestamp"] as const)
      next.metadata[key] = existing.metadata[key];
    next.apiVersion = info.apiVersion;
    next.kind = info.kind;
    if (info.ref.resource === "pods") {
      const before = existing as TPod;
      const after = next as TPod;
      const comparable = (pod: TPod) =>
        JSON.stringify({
          ...pod.spec,
          containers: pod.spec.containers.map((container) => ({ ...container, image: "" })),
        });
      const errors = validatePod(after);
      if (errors.length > 0) throw invalid("Pod", info.ref, name, errors);
      if (comparable(before) !== comparable(defaultPod(after))) {
        throw invalid("Pod", info.ref, name, [
          {
            field: "spec",
            type: "FieldValueForbidden",
            detail:
              "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
          },
        ]);
      }
      if (after.spec.containers.some((container, index) => container.image !== before.spec.containers[index]?.image)) {
        throw badRequest(
          "changing a running pod's image is not implemented by the podman test cluster; delete and recreate the pod",
        );
      }
      after.status = before.status;
    }
    if (info.ref.resource === "namespaces") {
      next.metadata.labels = { ...next.metadata.labels, "kubernetes.io/metadata.name": name };
      next.status = existing.status;
    }
    if (dryRun) return next;
    return this.store.put(info.ref.resource, existing.metadata.namespace ?? "", next);
  }

  private startPod(pod: TPod): void {
    const namespace = pod.metadata.namespace ?? "";
    const name = pod.metadata.name ?? "";
    const worker = new PodWorker(
      pod,
      (status: TPodStatus) => {
        const current = this.store.get("pods", namespace, name) as TPod | undefined;
        if (!current || current.metadata.uid !== pod.metadata.uid || current.metadata.deletionTimestamp) return;
        current.status = status;
        this.store.put("pods", namespace, current);
      },
      (type, reason, message, fieldPath) => this.recordEvent(pod, type, reason, message, fieldPath, "kubelet"),
    );
    this.workers.set(pod.metadata.uid ?? "", worker);
    this.recordEvent(
      pod,
      "Normal",
      "Scheduled",
      `Successfully assigned ${namespace}/${name} to cks-test-node`,
      undefined,
      "default-scheduler",
    );
    void worker.start();
  }

  /** Stores a core/v1 Event about a pod, counting repeats the way the event recorder aggregates them. */
  private recordEvent(
    pod: TPod,
    type: string,
    reason: string,
    message: string,
    fieldPath: string | undefined,
    component: string,
  ): void {
    const namespace = pod.metadata.namespace ?? "";
    if (!this.store.get("pods", namespace, pod.metadata.name ?? "")) return;
    const now = nowIso();
    const existing = this.store.list("events", namespace).find((event) => {
      const involved = event.involvedObject as { uid?: string; fieldPath?: string } | undefined;
      return (
        involved?.uid === pod.metadata.uid &&
        event.reason === reason &&
        event.message === message &&
        involved?.fieldPath === fieldPath
      );
    });
    if (existing) {
      existing.count = Number(existing.count ?? 1) + 1;
      existing.lastTimestamp = now;
      this.store.put("events", namespace, existing);
      return;
    }
    this.store.put("events", namespace, {
      apiVersion: "v1",
      kind: "Event",
      metadata: {
        name: `${pod.metadata.name}.${randomBytes(8).toString("hex")}`,
        namespace,
        uid: randomUUID(),
        creationTimestamp: now,
      },
      involvedObject: {
        kind: "Pod",
        namespace,
        name: pod.metadata.name,
        uid: pod.metadata.uid,
        apiVersion: "v1",
        ...(fieldPath ? { fieldPath } : {}),
      },
      reason,
      message,
      source: component === "kubelet" ? { component, host: "cks-test-node" } : { component },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: component,
      reportingInstance: component === "kubelet" ? "cks-test-node" : "",
    });
  }

  private async deletePod(namespace: string, name: string): Promise<TKubeObject | undefined> {
    const pod = this.store.get("pods", namespace, name);
    if (!pod) return undefined;
    pod.metadata.deletionTimestamp = nowIso();
    pod.metadata.deletionGracePeriodSeconds = 0;
    this.store.put("pods", namespace, pod);
    const worker = this.workers.get(pod.metadata.uid ?? "");
    this.workers.delete(pod.metadata.uid ?? "");
    await worker?.stop();
    return this.store.delete("pods", namespace, name);
  }

  private async deleteObject(info: TResourceInfo, namespace: string, name: string): Promise<TKubeObject | undefined> {
    if (info.ref.resource === "pods") return this.deletePod(namespace, name);
    if (info.ref.resource === "namespaces") {
      if (["default", "kube-system", "kube-public"].includes(name))
        throw forbidden(info.ref, name, "this namespace may not be deleted");
      const ns = this.store.get("namespaces", "", name);
      if (!ns) return undefined;
      ns.metadata.deletionTimestamp = nowIso();
      ns.status = { phase: "Terminating" };
      this.store.put("namespaces", "", ns);
      const pods = this.store.list("pods", name);
      await Promise.all(pods.map((pod) => this.deletePod(name, pod.metadata.name ?? "")));
      for (const event of this.store.list("events", name)) this.store.delete("events", name, event.metadata.name ?? "");
      return this.store.delete("namespaces", "", name);
    }
    return this.store.delete(info.ref.resource, namespace, name);
  }

  private pod(namespace: string, name: string): TPod {
    const pod = this.store.get("pods", namespace, name) as TPod | undefined;
    if (!pod) throw notFound(resources.pods!.ref, name);
    return pod;
  }

  private containerName(pod: TPod, requested: string | null, purpose: "log" | "exec"): string {
    const all = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].map((container) => container.name);
    if (requested) {
      if (!all.includes(requested))
        throw badRequest(`container ${requested} is not valid for pod ${pod.metadata.name}`);
      return requested;
    }
    if (pod.spec.containers.length === 1 || purpose === "exec") return pod.spec.containers[0]?.name ?? "";
    throw badRequest(
      `a container name must be specified for pod ${pod.metadata.name}, choose one of: [${pod.spec.containers.map((container) => container.name).join(" ")}]${pod.spec.initContainers?.length ? ` or one of the init containers: [${pod.spec.initContainers.map((container) => container.name).join(" ")}]` : ""}`,
    );
  }

  private async podSubresource(
    request: http.IncomingMessage,
    response: http.ServerResponse,
    target: TTarget,
    query: URLSearchParams,
  ): Promise<void> {
    const pod = this.pod(target.namespace, target.name ?? "");
    if (target.subresource === "status" && request.method === "GET") {
      sendJson(response, 200, pod);
      return;
    }
    if (target.subresource === "exec" || target.subresource === "attach") throw badRequest("Upgrade request required");
    if (target.subresource !== "log" || request.method !== "GET") throw notFoundPath();
    const container = this.containerName(pod, query.get("container"), "log");
    const previous = query.get("previous") === "true";
    const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    const status = statuses.find((candidate) => candidate.name === container);
    let containerId: string | undefined;
    if (previous) {
      containerId = status?.lastState.terminated?.containerID?.replace(/^podman:\/\//, "");
      if (!containerId)
        throw badRequest(`previous terminated container "${container}" in pod "${pod.metadata.name}" not found`);
    } else {
      containerId = this.workers.get(pod.metadata.uid ?? "")?.containerId(container, false);
      if (!containerId || !status?.containerID) {
        const reason = status?.state.waiting?.reason ?? "ContainerCreating";
        const why =
          reason === "ImagePullBackOff" || reason === "ErrImagePull"
            ? "trying and failing to pull image"
            : reason === "ErrImageNeverPull"
              ? "image can't be pulled"
              : reason;
        throw badRequest(`container "${container}" in pod "${pod.metadata.name}" is waiting to start: ${why}`);
      }
    }
    await this.streamLogs(response, containerId, query);
  }

  private async streamLogs(response: http.ServerResponse, containerId: string, query: URLSearchParams): Promise<void> {
    const inspect = await podman(["inspect", "--format", "{{.HostConfig.LogConfig.Path}}", containerId], {
      allowFailure: true,
    });
    const logPath = inspect.stdout.trim();
    if (inspect.code !== 0 || !logPath || !existsSync(logPath))
      throw badRequest(`the log of container ${containerId.slice(0, 12)} is no longer available`);
    const timestamps = query.get("timestamps") === "true";
    const tail = query.get("tailLines") !== null ? Number(query.get("tailLines")) : undefined;
    const sinceSeconds = query.get("sinceSeconds") !== null ? Number(query.get("sinceSeconds")) : undefined;
    const sinceTime = query.get("sinceTime");
    const since =
      sinceSeconds !== undefined ? Date.now() - sinceSeconds * 1000 : sinceTime ? Date.parse(sinceTime) : undefined;
    const limitBytes = query.get("limitBytes") !== null ? Number(query.get("limitBytes")) : undefined;
    const follow = query.get("follow") === "true";
    response.writeHead(200, { "Content-Type": "text/plain", "Transfer-Encoding": "chunked" });
    let written = 0;
    const emit = (text: string) => {
      if (limitBytes !== undefined) {
        if (written >= limitBytes) return;
        text = Buffer.from(text)
          .subarray(0, limitBytes - written)
          .toString();
      }
      written += Buffer.byteLength(text);
      response.write(text);
    };
    const format = (line: string): string | undefined => {
      // k8s-file lines: "<RFC3339Nano> <stdout|stderr> <F|P> <text>"; P marks a partial line.
      const match = /^(\S+) (stdout|stderr) ([FP]) ?(.*)$/.exec(line);
      if (!match) return undefined;
      const time = Date.parse(match[1] ?? "");
      if (since !== undefined && time < since) return undefined;
      const stamp = timestamps ? `${new Date(time).toISOString().replace("Z", "000000Z")} ` : "";
      return `${stamp}${match[4] ?? ""}${match[3] === "F" ? "\n" : ""}`;
    };
    const readAll = async (start: number): Promise<{ lines: string[]; end: number }> => {
      const chunks: Buffer[] = [];
      for await (const chunk of createReadStream(logPath, { start })) chunks.push(chunk as Buffer);
      const data = Buffer.concat(chunks);
      const lastNewline = data.lastIndexOf(0x0a);
      if (lastNewline < 0) return { lines: [], end: start };
      return { lines: data.subarray(0, lastNewline).toString("utf8").split("\n"), end: start + lastNewline + 1 };
    };
    const first = await readAll(0);
    let lines = first.lines.map(format).filter((line): line is string => line !== undefined);
    if (tail !== undefined && tail >= 0) lines = tail === 0 ? [] : lines.slice(-tail);
    for (const line of lines) emit(line);
    if (!follow) {
      response.end();
      return;
    }
    let offset = first.end;
    this.openResponses.add(response);
    const timer = setInterval(() => {
      void (async () => {
        const next = await readAll(offset);
        offset = next.end;
        for (const line of next.lines.map(format)) if (line !== undefined) emit(line);
        const state = await podman(["inspect", "--format", "{{.State.Running}}", containerId], { allowFailure: true });
        if (state.stdout.trim() !== "true") {
          const rest = await readAll(offset);
          for (const line of rest.lines.map(format)) if (line !== undefined) emit(line);
          clearInterval(timer);
          this.openResponses.delete(response);
          response.end();
        }
      })();
    }, 250);
    response.on("close", () => {
      clearInterval(timer);
      this.openResponses.delete(response);
    });
  }

  private async upgrade(request: http.IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    if (!this.authorized(request)) throw unauthorized();
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const target = parseResourcePath(url.pathname);
    if (
      !target ||
      target.info.ref.resource !== "pods" ||
      !target.name ||
      (target.subresource !== "exec" && target.subresource !== "attach")
    )
      throw notFoundPath();
    const attach = target.subresource === "attach";
    const pod = this.pod(target.namespace, target.name);
    const query = url.searchParams;
    const phase = pod.status?.phase;
    if (phase === "Succeeded" || phase === "Failed")
      throw badRequest(
        `cannot ${attach ? "attach to" : "exec into"} a container in a completed pod; current phase is ${phase}`,
      );
    const container = this.containerName(pod, query.get("container"), "exec");
    const command = query.getAll("command");
    if (!attach && command.length === 0) throw badRequest("you must specify at least one command for the container");
    const worker = this.workers.get(pod.metadata.uid ?? "");
    const containerId = worker?.containerId(container, false);
    // Like kubelet, which has no running container to attach the exec to.
    if (!worker || !containerId || !worker.isRunning(container))
      throw badRequest(`unable to upgrade connection: container not found ("${container}")`);
    const stdin = query.get("stdin") === "true" || query.get("stdin") === "1";
    const tty = query.get("tty") === "true" || query.get("tty") === "1";
    const spec = pod.spec.containers.find((candidate) => candidate.name === container);
    const attachStdin = stdin && spec?.stdin === true;
    this.sockets.handleUpgrade(request, socket, head, (ws) =>
      attach ? this.runAttach(ws, containerId, attachStdin) : this.runExec(ws, containerId, command, stdin, tty),
    );
  }

  private runAttach(ws: WebSocket, containerId: string, stdin: boolean): void {
    const send = (channel: number, data: Buffer) => {
      if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([channel]), data]));
    };
    const finish = () => {
      // An attach ends with the container; kubectl reads the exit code from the pod status.
      if (ws.protocol.startsWith("v4") || ws.protocol.startsWith("v5"))
        send(3, Buffer.from(JSON.stringify({ metadata: {}, status: "Success" })));
      ws.close(1000);
    };
    const child = spawn("podman", ["attach", "--sig-proxy=false", ...(stdin ? [] : ["--no-stdin"]), containerId], {
      env: prepareHost(),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let missed = false;
    // podman attach writes one newline of its own when the session ends; hold the last newline back
    // until more output shows it was the container's.
    let heldNewline = false;
    child.stdout.on("data", (chunk: Buffer) => {
      const data = heldNewline ? Buffer.concat([Buffer.from("\n"), chunk]) : chunk;
      heldNewline = data[data.length - 1] === 0x0a;
      if (data.length > (heldNewline ? 1 : 0)) send(1, heldNewline ? data.subarray(0, -1) : data);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      // The container exited between the upgrade and the attach: its output would be lost, and
      // kubectl's answer to a failed attach is to print the logs, so do that.
      if (/only attach to running containers/.test(chunk.toString())) missed = true;
      else send(2, chunk);
    });
    if (!stdin) child.stdin.end();
    child.stdin.on("error", () => undefined);
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      const message = isBinary ? data : Buffer.from(data.toString(), "base64");
      if (message[0] === 0 && stdin) child.stdin.write(message.subarray(1));
      if (message[0] === 255 && message[1] === 0) child.stdin.end();
    });
    ws.on("close", () => {
      if (child.exitCode === null) child.kill("SIGKILL");
    });
    child.on("close", () => {
      if (!missed) {
        finish();
        return;
      }
      const logs = spawn("podman", ["logs", containerId], { env: prepareHost(), stdio: ["ignore", "pipe", "pipe"] });
      logs.stdout.on("data", (chunk: Buffer) => send(1, chunk));
      logs.stderr.on("data", (chunk: Buffer) => send(2, chunk));
      logs.on("close", finish);
    });
  }

  private runExec(ws: WebSocket, containerId: string, command: string[], stdin: boolean, tty: boolean): void {
    // runc exec starts the process from the container's own spec (user, env, capabilities,
    // no_new_privs), like podman exec, in a third of the time; a tty needs podman's console handling.
    const direct = !tty && existsSync(path.join(runcRoot, containerId));
    const child = direct
      ? spawn("runc", ["--root", runcRoot, "exec", containerId, ...command], { stdio: ["pipe", "pipe", "pipe"] })
      : spawn("podman", ["exec", ...(stdin ? ["-i"] : []), ...(tty ? ["-t"] : []), containerId, ...command], {
          env: prepareHost(),
          stdio: ["pipe", "pipe", "pipe"],
        });
    this.stream(ws, child, { stdin, direct, describe: () => command.join(" ") });
  }

  /** Bridges a local process to the channel protocol: stdin 0, stdout 1, stderr 2, status 3. */
  private stream(
    ws: WebSocket,
    child: ChildProcessWithoutNullStreams,
    options: { stdin: boolean; direct: boolean; describe: () => string },
  ): void {
    const protocol = ws.protocol;
    const { stdin, direct } = options;
    const send = (channel: number, data: Buffer | string) => {
      if (ws.readyState !== ws.OPEN) return;
      const payload = typeof data === "string" ? Buffer.from(data) : data;
      ws.send(Buffer.concat([Buffer.from([channel]), payload]));
    };
    let runtimeError = "";
    child.stdout.on("data", (chunk: Buffer) => send(1, chunk));
    child.stderr.on("data", (chunk: Buffer) => {
      // runc's own failures (command not found) are an exec error, not the command's stderr.
      const own = direct ? /^time="[^"]*" level=error msg="(.*)"\n?$/.exec(chunk.toString()) : null;
      if (own) runtimeError = (own[1] ?? "").replace(/\\"/g, '"');
      else send(2, chunk);
    });
    if (!stdin) child.stdin.end();
    child.stdin.on("error", () => undefined);
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      const message = isBinary ? data : Buffer.from(data.toString(), "base64");
      const channel = message[0];
      if (channel === 0 && stdin) child.stdin.write(message.subarray(1));
      if (channel === 255 && message[1] === 0) child.stdin.end();
    });
    ws.on("close", () => {
      if (child.exitCode === null) child.kill("SIGKILL");
    });
    child.on("close", (code) => {
      const exitCode = code ?? 1;
      let status: Record<string, unknown>;
      if (runtimeError) {
        const message = `Internal error occurred: error executing command in container: failed to exec in container: OCI runtime exec failed: ${runtimeError}: unknown`;
        status = {
          metadata: {},
          status: "Failure",
          message,
          reason: "InternalError",
          details: { causes: [{ message }] },
          code: 500,
        };
      } else if (exitCode === 0) {
        status = { metadata: {}, status: "Success" };
      } else {
        status = {
          metadata: {},
          status: "Failure",
          message: `command terminated with non-zero exit code: error executing command [${options.describe()}], exit code ${exitCode}`,
          reason: "NonZeroExitCode",
          details: { causes: [{ reason: "ExitCode", message: String(exitCode) }] },
        };
      }
      if (protocol.startsWith("v4") || protocol.startsWith("v5")) send(3, JSON.stringify(status));
      else if (status.status !== "Success") send(3, String(status.message));
      ws.close(1000);
    });
  }
}
