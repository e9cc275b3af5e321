// The cluster port on a kubeconfig. client-node reads the kubeconfig and produces the credentials (token,
// client certificate, CA, exec plugins for the server's own kubeconfig); every byte to and from the API
// server goes through our Outbound (outbound/outbound.ts), which bounds it. client-node's generated API
// classes are not used: their fetch follows redirects, cannot be given a size limit, and their models drop
// fields they do not know, while a check must see an object exactly as the API server sent it.
import type { RequestOptions } from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";
import type WebSocket from "ws";
import { clusterText } from "../cluster-text";
import type {
  AccessDecision,
  AccessRequest,
  CallOptions,
  CallResult,
  ClusterFailure,
  ClusterPort,
  ExecOutput,
  KubeObject,
  ListRequest,
  ObjectList,
  ObjectRef,
  SubjectAccessRequest,
} from "../port";
import { classifyResponse, FAILURE_MESSAGE_MAX, type CallIntent } from "./classify-error";
import type { AddressPolicy } from "./outbound/check-cluster-address";
import { formatBytes, type TOutboundLimits } from "./outbound/limits";
import { Outbound, type HttpAnswer } from "./outbound/outbound";
import type { TlsSettings } from "./outbound/open-socket";
import { isRecord } from "@/lib/json/is-record";
import { errorMessage } from "@/lib/errors/error-message";

/** How this connection is bounded beyond the defaults: whose budget, which address, which limits. */
export type ClusterConnectionOptions = {
  /** Whose connection budget the requests count against (a learner's id); default: this connection alone. */
  owner?: string;
  /** The address already resolved and checked for the server's host; default: resolved once on first use. */
  pinnedAddress?: string;
  /** Addresses refused (saved connections); none for the server's own kubeconfig. */
  addressPolicy?: AddressPolicy;
  limits?: Partial<TOutboundLimits>;
};

/** What an exec probe keeps of each stream; the whole output is also bounded by maxResponseBytes. */
const STREAM_KEEP_BYTES = 64 * 1024;
const LOG_LIMIT_BYTES = 64 * 1024;
const FIELD_MANAGER = "cks-grader";
const EXEC_PROTOCOLS = ["v5.channel.k8s.io", "v4.channel.k8s.io"];

type ApiResource = { name: string; namespaced: boolean; kind: string };
type Credentials = { headers: Record<string, string>; tls: TlsSettings };

/** The cluster port for one kubeconfig context, every request bounded by one Outbound. */
export class ClientNodeCluster implements ClusterPort {
  readonly server: string;
  readonly context: string | null;
  private readonly kubeConfig: KubeConfig;
  private readonly options: ClusterConnectionOptions;
  private outbound: Outbound | null = null;
  private readonly discovered = new Map<string, ApiResource[]>();

  constructor(kubeConfig: KubeConfig, options: ClusterConnectionOptions = {}) {
    this.kubeConfig = kubeConfig;
    this.options = options;
    this.server = kubeConfig.getCurrentCluster()?.server ?? "";
    this.context = kubeConfig.getCurrentContext() || null;
  }

  async version(options?: CallOptions): Promise<CallResult<{ gitVersion: string }>> {
    const read = await this.getJson({ verb: "get", resource: "/version" }, "/version", options);
    if (!read.ok) return read;
    const gitVersion = read.value.gitVersion;
    if (typeof gitVersion !== "string" || gitVersion === "")
      return unexpected("get /version: the answer has no gitVersion");
    return { ok: true, value: { gitVersion: clusterText(gitVersion, 64) } };
  }

  readNamespace(name: string, options?: CallOptions): Promise<CallResult<KubeObject>> {
    return this.getJson({ verb: "get", resource: "namespaces", name }, `/api/v1/namespaces/${segment(name)}`, options);
  }

  readPod(namespace: string, name: string, options?: CallOptions): Promise<CallResult<KubeObject>> {
    return this.getJson(
      { verb: "get", resource: "pods", namespace, name },
      `/api/v1/namespaces/${segment(namespace)}/pods/${segment(name)}`,
      options,
    );
  }

  async readObject(ref: ObjectRef, options?: CallOptions): Promise<CallResult<KubeObject>> {
    const located = await this.locate(ref, options);
    if (!located.ok) return located;
    return this.getJson(located.value.intent, located.value.path, options);
  }

  async listObjects(args: ListRequest, options?: CallOptions): Promise<CallResult<ObjectList>> {
    const located = await this.locate(
      { apiVersion: args.apiVersion, kind: args.kind, name: "", namespace: args.namespace },
      options,
      "list",
    );
    if (!located.ok) return located;
    // The server pages at `limit`; a continue token in the answer means there were more.
    const query = new URLSearchParams({ limit: String(args.limit) });
    if (args.labelSelector) query.set("labelSelector", args.labelSelector);
    const list = await this.getJson(located.value.intent, `${located.value.path}?${query}`, options);
    if (!list.ok) return list;
    const all = Array.isArray(list.value.items) ? (list.value.items as KubeObject[]) : [];
    const metadata = (list.value.metadata ?? {}) as { continue?: unknown };
    const more = typeof metadata.continue === "string" && metadata.continue !== "";
    return { ok: true, value: { items: all.slice(0, args.limit), truncated: more || all.length > args.limit } };
  }

  async readLogs(
    args: { namespace: string; pod: string; container: string; previous: boolean },
    options?: CallOptions,
  ): Promise<CallResult<string>> {
    const query = new URLSearchParams({
      container: args.container,
      previous: String(args.previous),
      limitBytes: String(LOG_LIMIT_BYTES),
    });
    const answer = await this.send(
      { verb: "get", resource: "pods/log", namespace: args.namespace, name: args.pod },
      {
        method: "GET",
        path: `/api/v1/namespaces/${segment(args.namespace)}/pods/${segment(args.pod)}/log?${query}`,
        accept: "text/plain, application/json",
      },
      options,
    );
    return answer.ok ? { ok: true, value: answer.value.body.toString("utf8") } : answer;
  }

  async create(
    manifest: KubeObject,
    target: { namespace: string; dryRun?: boolean },
    options?: CallOptions,
  ): Promise<CallResult<KubeObject>> {
    const kind = manifest.kind ?? "";
    const located = await this.locate(
      { apiVersion: manifest.apiVersion ?? "v1", kind, name: "", namespace: target.namespace },
      options,
      "create",
    );
    if (!located.ok) return located;
    const { resource } = located.value;
    const { namespace: _ignored, ...metadata } = manifest.metadata ?? {};
    const body = {
      ...manifest,
      metadata: resource.namespaced ? { ...metadata, namespace: target.namespace } : metadata,
    };
    const query = new URLSearchParams({ fieldManager: FIELD_MANAGER, ...(target.dryRun ? { dryRun: "All" } : {}) });
    return this.json(
      { ...located.value.intent, create: true },
      { method: "POST", path: `${located.value.path}?${query}`, body: JSON.stringify(body) },
      options,
    );
  }

  async patch(
    manifest: KubeObject,
    target: { namespace: string },
    options?: CallOptions,
  ): Promise<CallResult<KubeObject>> {
    const name = manifest.metadata?.name ?? "";
    const ref = {
      apiVersion: manifest.apiVersion ?? "v1",
      kind: manifest.kind ?? "",
      name,
      namespace: target.namespace,
    };
    const located = await this.locate(ref, options, "patch");
    if (!located.ok) return located;
    const { namespace: _ignored, ...metadata } = manifest.metadata ?? {};
    const query = new URLSearchParams({ fieldManager: FIELD_MANAGER });
    return this.json(
      { ...located.value.intent, create: true },
      {
        method: "PATCH",
        path: `${located.value.path}?${query}`,
        body: JSON.stringify({ ...manifest, metadata }),
        contentType: "application/merge-patch+json",
      },
      options,
    );
  }

  addEphemeralContainer(
    args: { namespace: string; pod: string; container: Record<string, unknown>; dryRun: boolean },
    options?: CallOptions,
  ): Promise<CallResult<KubeObject>> {
    const query = new URLSearchParams({ fieldManager: FIELD_MANAGER, ...(args.dryRun ? { dryRun: "All" } : {}) });
    // The same strategic merge patch kubectl debug sends: ephemeral containers merge by name.
    return this.json(
      { verb: "patch", resource: "pods/ephemeralcontainers", namespace: args.namespace, name: args.pod, create: true },
      {
        method: "PATCH",
        path: `/api/v1/namespaces/${segment(args.namespace)}/pods/${segment(args.pod)}/ephemeralcontainers?${query}`,
        body: JSON.stringify({ spec: { ephemeralContainers: [args.container] } }),
        contentType: "application/strategic-merge-patch+json",
      },
      options,
    );
  }

  async delete(ref: ObjectRef, options?: CallOptions): Promise<CallResult<null>> {
    const located = await this.locate(ref, options, "delete");
    if (!located.ok) return located;
    const query = new URLSearchParams({ gracePeriodSeconds: "0", propagationPolicy: "Background" });
    const answer = await this.send(
      located.value.intent,
      { method: "DELETE", path: `${located.value.path}?${query}` },
      options,
    );
    return answer.ok ? { ok: true, value: null } : answer;
  }

  async reviewAccess(request: AccessRequest, options?: CallOptions): Promise<CallResult<AccessDecision>> {
    // Every authenticated user may create a SelfSubjectAccessReview (system:basic-user), so a 403 here
    // means the cluster restricts even that, and it is reported like any other missing permission.
    const review = await this.json(
      { verb: "create", resource: "selfsubjectaccessreviews.authorization.k8s.io" },
      {
        method: "POST",
        path: "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
        body: JSON.stringify({
          apiVersion: "authorization.k8s.io/v1",
          kind: "SelfSubjectAccessReview",
          spec: { resourceAttributes: { ...request } },
        }),
      },
      options,
    );
    if (!review.ok) return review;
    const status = (review.value.status ?? {}) as { allowed?: unknown; reason?: unknown };
    const reason = typeof status.reason === "string" && status.reason ? clusterText(status.reason, 500) : null;
    return { ok: true, value: { allowed: status.allowed === true, reason } };
  }

  async reviewSubjectAccess(request: SubjectAccessRequest, options?: CallOptions): Promise<CallResult<AccessDecision>> {
    const { user, groups, ...resourceAttributes } = request;
    const review = await this.json(
      { verb: "create", resource: "subjectaccessreviews.authorization.k8s.io" },
      {
        method: "POST",
        path: "/apis/authorization.k8s.io/v1/subjectaccessreviews",
        body: JSON.stringify({
          apiVersion: "authorization.k8s.io/v1",
          kind: "SubjectAccessReview",
          spec: { resourceAttributes, user, groups },
        }),
      },
      options,
    );
    if (!review.ok) return review;
    const status = (review.value.status ?? {}) as { allowed?: unknown; reason?: unknown };
    const reason = typeof status.reason === "string" && status.reason ? clusterText(status.reason, 500) : null;
    return { ok: true, value: { allowed: status.allowed === true, reason } };
  }

  async exec(
    args: { namespace: string; pod: string; container: string; command: string[]; timeoutMs: number },
    options?: CallOptions,
  ): Promise<CallResult<ExecOutput>> {
    const intent: CallIntent = { verb: "create", resource: "pods/exec", namespace: args.namespace, name: args.pod };
    const setup = await this.setup();
    if (!setup.ok) return setup;
    const { outbound, credentials } = setup.value;
    const query = new URLSearchParams({ stdout: "true", stderr: "true", stdin: "false", tty: "false" });
    for (const arg of args.command) query.append("command", arg);
    query.append("container", args.container);
    const path = `/api/v1/namespaces/${segment(args.namespace)}/pods/${segment(args.pod)}/exec?${query}`;
    // The command's end comes through the status channel, which a server may never send: completion is our
    // own promise with the probe's deadline, and the caller's signal ends it early.
    const deadline = AbortSignal.timeout(args.timeoutMs);
    const signal = options?.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
    const output = new ExecCollector(outbound.limits.maxResponseBytes);
    let finish: (result: CallResult<ExecOutput>) => void = () => undefined;
    const done = new Promise<CallResult<ExecOutput>>((resolve) => (finish = resolve));
    const opening = await outbound.openWebSocket({
      path,
      protocols: EXEC_PROTOCOLS,
      headers: credentials.headers,
      signal,
      what: describe(intent),
      onMessage: (data, isBinary) => {
        const frame = output.take(data, isBinary);
        if (frame === "over-limit")
          finish(refused(`${describe(intent)}: the output went over ${formatBytes(output.limit)}, so it was stopped`));
        else if (frame) finish(frame);
      },
    });
    if (opening.kind === "failed") {
      if (signal.aborted && !options?.signal?.aborted) return timedOut(args.timeoutMs);
      return { ok: false, failure: opening.failure };
    }
    if (opening.kind === "http") return { ok: false, failure: this.answerFailure(opening.answer, intent) };
    const socket: WebSocket = opening.socket;
    const onAbort = () =>
      finish(
        options?.signal?.aborted
          ? {
              ok: false,
              failure: { kind: "timeout", message: `${describe(intent)}: stopped (its check or run ended)` },
            }
          : timedOut(args.timeoutMs),
      );
    if (signal.aborted) onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    socket.on("error", (error: Error & { code?: string }) =>
      finish(
        error.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH"
          ? refused(`${describe(intent)}: a frame over ${formatBytes(outbound.limits.maxMessageBytes)}`)
          : unexpected(`${describe(intent)}: ${clusterText(error.message, 200)}`),
      ),
    );
    socket.on("close", () => finish(unexpected("exec stream closed without an exit status")));
    const result = await done;
    signal.removeEventListener("abort", onAbort);
    // Nothing more is read from this stream, whatever the server still sends; closing frees the learner's slot.
    socket.terminate();
    return result;
  }

  /** Closes every connection this port opened (idle ones close by themselves after 2 s). */
  async close(): Promise<void> {
    await this.outbound?.close();
  }

  private async setup(): Promise<CallResult<{ outbound: Outbound; credentials: Credentials }>> {
    const credentials = await this.credentials();
    if (!credentials.ok) return credentials;
    this.outbound ??= new Outbound({
      server: this.server,
      tls: credentials.value.tls,
      ...(this.options.owner ? { owner: this.options.owner } : {}),
      ...(this.options.pinnedAddress ? { pinnedAddress: this.options.pinnedAddress } : {}),
      ...(this.options.addressPolicy ? { policy: this.options.addressPolicy } : {}),
      ...(this.options.limits ? { limits: this.options.limits } : {}),
    });
    return { ok: true, value: { outbound: this.outbound, credentials: credentials.value } };
  }

  // Asked per request: an exec plugin's token (server's own kubeconfig) may be refreshed between calls.
  private async credentials(): Promise<CallResult<Credentials>> {
    const options: RequestOptions = {};
    try {
      await this.kubeConfig.applyToHTTPSOptions(options);
    } catch (error) {
      return unexpected(`the kubeconfig's credentials could not be used: ${clusterText(errorMessage(error), 200)}`);
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      if (typeof value === "string") headers[name] = value;
    }
    const tls: TlsSettings = {
      ...(options.ca ? { ca: options.ca } : {}),
      ...(options.cert ? { cert: options.cert as Buffer } : {}),
      ...(options.key ? { key: options.key as Buffer } : {}),
      ...(options.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
      ...(options.servername ? { servername: options.servername } : {}),
    };
    return { ok: true, value: { headers, tls } };
  }

  private async send(
    intent: CallIntent,
    request: {
      method: "GET" | "POST" | "PATCH" | "DELETE";
      path: string;
      body?: string;
      accept?: string;
      contentType?: string;
    },
    options?: CallOptions,
  ): Promise<CallResult<HttpAnswer>> {
    try {
      const setup = await this.setup();
      if (!setup.ok) return setup;
      const { outbound, credentials } = setup.value;
      const answer = await outbound.request({
        method: request.method,
        path: request.path,
        headers: {
          ...credentials.headers,
          accept: request.accept ?? "application/json",
          ...(request.body !== undefined ? { "content-type": request.contentType ?? "application/json" } : {}),
        },
        ...(request.body !== undefined ? { body: request.body } : {}),
        ...(options?.signal ? { signal: options.signal } : {}),
        what: describe(intent),
      });
      if (!answer.ok) return answer;
      if (answer.value.status < 200 || answer.value.status > 299)
        return { ok: false, failure: this.answerFailure(answer.value, intent) };
      return answer;
    } catch (error) {
      // The port never rejects: a bug here is an unexpected failure, not a crash.
      return unexpected(`${describe(intent)}: ${clusterText(errorMessage(error), 200)}`);
    }
  }

  private async json(
    intent: CallIntent,
    request: { method: "GET" | "POST" | "PATCH" | "DELETE"; path: string; body?: string; contentType?: string },
    options?: CallOptions,
  ): Promise<CallResult<KubeObject>> {
    const answer = await this.send(intent, request, options);
    if (!answer.ok) return answer;
    try {
      const value: unknown = JSON.parse(answer.value.body.toString("utf8"));
      if (isRecord(value)) return { ok: true, value };
    } catch {
      // Reported below, without the body: it may be another service's page.
    }
    const type = clusterText(answer.value.contentType || "no content type", 80);
    return unexpected(`${describe(intent)}: the answer was not a JSON object (${type})`);
  }

  private getJson(intent: CallIntent, path: string, options?: CallOptions): Promise<CallResult<KubeObject>> {
    return this.json(intent, { method: "GET", path }, options);
  }

  private answerFailure(answer: HttpAnswer, intent: CallIntent): ClusterFailure {
    return classifyResponse(answer.status, answer.body.toString("utf8", 0, 64 * 1024), intent, `HTTP ${answer.status}`);
  }

  /** The REST path of an object (or, for create, of its collection), found through API discovery. */
  private async locate(
    ref: ObjectRef,
    options: CallOptions | undefined,
    verb: "get" | "list" | "create" | "delete" | "patch" = "get",
  ): Promise<CallResult<{ path: string; intent: CallIntent; resource: ApiResource }>> {
    const found = await this.resource(ref.apiVersion, ref.kind, options);
    if (!found.ok) return found;
    const resource = found.value;
    const root = ref.apiVersion.includes("/") ? `/apis/${ref.apiVersion}` : `/api/${ref.apiVersion}`;
    const namespace = resource.namespaced
      ? (ref.namespace ?? this.kubeConfig.getContextObject(this.context ?? "")?.namespace ?? "default")
      : undefined;
    const collection = `${root}${namespace ? `/namespaces/${segment(namespace)}` : ""}/${resource.name}`;
    const path = verb === "create" || verb === "list" ? collection : `${collection}/${segment(ref.name)}`;
    const intent: CallIntent = {
      verb,
      resource: resource.name,
      ...(namespace ? { namespace } : {}),
      ...(verb === "get" || verb === "delete" || verb === "patch" ? { name: ref.name } : {}),
    };
    return { ok: true, value: { path, intent, resource } };
  }

  private async resource(apiVersion: string, kind: string, options?: CallOptions): Promise<CallResult<ApiResource>> {
    let resources = this.discovered.get(apiVersion);
    if (!resources) {
      const path = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      const list = await this.getJson({ verb: "get", resource: path }, path, options);
      if (!list.ok) return list;
      resources = parseResources(list.value);
      // Only a successful answer is kept: a failed discovery is asked again by the next call.
      this.discovered.set(apiVersion, resources);
    }
    const resource = resources.find((r) => r.kind === kind && !r.name.includes("/"));
    return resource ? { ok: true, value: resource } : unexpected(`the cluster does not serve ${kind} in ${apiVersion}`);
  }
}

/** Reads exec frames (v4/v5 channel protocols): stdout 1, stderr 2, status 3; bounds what it keeps. */
class ExecCollector {
  private readonly stdout: Buffer[] = [];
  private readonly stderr: Buffer[] = [];
  private kept = { stdout: 0, stderr: 0 };
  private total = 0;

  constructor(readonly limit: number) {}

  /** Takes one frame: the finished result on a status frame, "over-limit" past the limit, else null. */
  take(data: Buffer, isBinary: boolean): CallResult<ExecOutput> | "over-limit" | null {
    this.total += data.length;
    if (this.total > this.limit) return "over-limit";
    if (!isBinary || data.length === 0) return null;
    const channel = data[0];
    const payload = data.subarray(1);
    if (channel === 1) this.keep("stdout", payload);
    else if (channel === 2) this.keep("stderr", payload);
    else if (channel === 3) return this.status(payload);
    return null;
  }

  private keep(stream: "stdout" | "stderr", payload: Buffer): void {
    const room = STREAM_KEEP_BYTES - this.kept[stream];
    if (room <= 0) return;
    const part = payload.subarray(0, room);
    this[stream].push(Buffer.from(part));
    this.kept[stream] += part.length;
  }

  private status(payload: Buffer): CallResult<ExecOutput> {
    let status: { status?: unknown; reason?: unknown; message?: unknown; details?: unknown } = {};
    try {
      status = JSON.parse(payload.toString("utf8")) as typeof status;
    } catch {
      return unexpected("exec: the status frame was not JSON");
    }
    const exitCode = exitCodeOf(status);
    if (exitCode === null) {
      const reason = typeof status.reason === "string" ? status.reason : "unknown reason";
      const message = typeof status.message === "string" ? status.message : `exec failed: ${reason}`;
      return { ok: false, failure: { kind: "exec-not-started", message: clusterText(message, FAILURE_MESSAGE_MAX) } };
    }
    const text = (chunks: Buffer[]) => Buffer.concat(chunks).toString("utf8");
    return { ok: true, value: { exitCode, stdout: text(this.stdout), stderr: text(this.stderr) } };
  }
}

function exitCodeOf(status: { status?: unknown; reason?: unknown; details?: unknown }): number | null {
  if (status.status === "Success") return 0;
  if (status.reason !== "NonZeroExitCode") return null;
  const causes = (status.details as { causes?: Array<{ reason?: unknown; message?: unknown }> } | undefined)?.causes;
  const cause = Array.isArray(causes) ? causes.find((c) => c?.reason === "ExitCode") : undefined;
  const code = Number(cause?.message);
  return Number.isInteger(code) ? code : null;
}

function parseResources(list: KubeObject): ApiResource[] {
  const resources = (list as { resources?: unknown }).resources;
  if (!Array.isArray(resources)) return [];
  return resources.flatMap((r: { name?: unknown; namespaced?: unknown; kind?: unknown }) =>
    typeof r?.name === "string" && typeof r.kind === "string"
      ? [{ name: r.name, kind: r.kind, namespaced: r.namespaced === true }]
      : [],
  );
}

function describe(intent: CallIntent): string {
  return `${intent.verb} ${intent.resource}${intent.name ? ` ${intent.name}` : ""}`;
}

function segment(name: string): string {
  return encodeURIComponent(name);
}

function unexpected(message: string): { ok: false; failure: ClusterFailure } {
  return { ok: false, failure: { kind: "unexpected", message } };
}

function refused(message: string): { ok: false; failure: ClusterFailure } {
  return { ok: false, failure: { kind: "refused", message } };
}

function timedOut(timeoutMs: number): { ok: false; failure: ClusterFailure } {
  return { ok: false, failure: { kind: "timeout", message: `no exit status within ${timeoutMs} ms` } };
}
