import { Writable } from "node:stream";
import {
  AuthorizationV1Api,
  CoreV1Api,
  Exec,
  HttpMethod,
  KubeConfig,
  KubernetesObjectApi,
  VersionApi,
  type KubernetesObject,
  type V1Status,
} from "@kubernetes/client-node";
import type {
  AccessDecision,
  AccessRequest,
  CallResult,
  ClusterPort,
  ExecOutput,
  KubeObject,
  ListRequest,
  ObjectList,
  ObjectRef,
} from "../port";
import { classifyError, type CallIntent } from "./classify-error";

const CALL_TIMEOUT_MS = 10_000;
const OUTPUT_LIMIT = 64 * 1024;

// client-node's typed models drop every field they do not know (fields newer than the models,
// custom resources), and a check must see an object exactly as the API server sent it: a
// `privileged` flag hidden by a stale model would read as "absent". Asking the deserializer for a
// type outside client-node's model map makes it hand back the parsed JSON untouched.
class RawObjectApi extends KubernetesObjectApi {
  static forConfig(kubeConfig: KubeConfig): RawObjectApi {
    const api = kubeConfig.makeApiClient(RawObjectApi);
    api.setDefaultNamespace(kubeConfig);
    return api;
  }

  async readRaw(spec: KubernetesObject): Promise<KubeObject> {
    const request = this.configuration.baseServer.makeRequestContext(
      await this.specUriPath(spec, "read"),
      HttpMethod.GET,
    );
    request.setHeaderParam("Accept", "application/json");
    return this.requestPromise(request, "CksRawObject");
  }

  async listRaw(args: ListRequest): Promise<KubeObject> {
    const path = await this.specUriPath(
      { apiVersion: args.apiVersion, kind: args.kind, metadata: { namespace: args.namespace } },
      "list",
    );
    const request = this.configuration.baseServer.makeRequestContext(path, HttpMethod.GET);
    request.setHeaderParam("Accept", "application/json");
    // The server pages at `limit`; a continue token in the answer means there were more.
    request.setQueryParam("limit", String(args.limit));
    if (args.labelSelector) request.setQueryParam("labelSelector", args.labelSelector);
    return this.requestPromise(request, "CksRawObject");
  }
}

/** The cluster port on @kubernetes/client-node, for one kubeconfig context. */
export class ClientNodeCluster implements ClusterPort {
  readonly server: string;
  readonly context: string | null;
  private readonly core: CoreV1Api;
  private readonly objects: RawObjectApi;
  private readonly versions: VersionApi;
  private readonly execApi: Exec;
  private readonly authorization: AuthorizationV1Api;

  constructor(kubeConfig: KubeConfig) {
    this.server = kubeConfig.getCurrentCluster()?.server ?? "";
    this.context = kubeConfig.getCurrentContext() || null;
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.objects = RawObjectApi.forConfig(kubeConfig);
    this.versions = kubeConfig.makeApiClient(VersionApi);
    this.execApi = new Exec(kubeConfig);
    this.authorization = kubeConfig.makeApiClient(AuthorizationV1Api);
  }

  version(): Promise<CallResult<{ gitVersion: string }>> {
    return call({ verb: "get", resource: "/version" }, async () => {
      const info = await this.versions.getCode();
      return { gitVersion: info.gitVersion };
    });
  }

  readNamespace(name: string): Promise<CallResult<KubeObject>> {
    return call({ verb: "get", resource: "namespaces" }, async () => plain(await this.core.readNamespace({ name })));
  }

  readPod(namespace: string, name: string): Promise<CallResult<KubeObject>> {
    return call({ verb: "get", resource: "pods", namespace }, () =>
      this.objects.readRaw({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace } }),
    );
  }

  readObject(ref: ObjectRef): Promise<CallResult<KubeObject>> {
    const intent = {
      verb: "get",
      resource: resourceName(ref.kind),
      ...(ref.namespace ? { namespace: ref.namespace } : {}),
    };
    return call(intent, () =>
      this.objects.readRaw({
        apiVersion: ref.apiVersion,
        kind: ref.kind,
        metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) },
      }),
    );
  }

  listObjects(args: ListRequest): Promise<CallResult<ObjectList>> {
    const intent = { verb: "list", resource: resourceName(args.kind), namespace: args.namespace };
    return call(intent, async () => {
      const list = await this.objects.listRaw(args);
      const items = Array.isArray(list.items) ? (list.items as KubeObject[]).slice(0, args.limit) : [];
      const metadata = (list.metadata ?? {}) as { continue?: unknown };
      const more = typeof metadata.continue === "string" && metadata.continue !== "";
      return { items, truncated: more || (Array.isArray(list.items) && list.items.length > args.limit) };
    });
  }

  readLogs(args: {
    namespace: string;
    pod: string;
    container: string;
    previous: boolean;
  }): Promise<CallResult<string>> {
    return call({ verb: "get", resource: "pods/log", namespace: args.namespace }, async () => {
      const text = await this.core.readNamespacedPodLog({
        name: args.pod,
        namespace: args.namespace,
        container: args.container,
        previous: args.previous,
        limitBytes: OUTPUT_LIMIT,
      });
      return typeof text === "string" ? text : String(text ?? "");
    });
  }

  create(manifest: KubeObject, options: { namespace: string; dryRun?: boolean }): Promise<CallResult<KubeObject>> {
    const kind = manifest.kind ?? "";
    const spec = {
      ...manifest,
      metadata: { ...manifest.metadata, namespace: kind === "Namespace" ? undefined : options.namespace },
    };
    const intent = { verb: "create", resource: resourceName(kind), namespace: options.namespace, create: true };
    return call(intent, async () =>
      plain(
        await this.objects.create(
          spec as Parameters<KubernetesObjectApi["create"]>[0],
          undefined,
          options.dryRun ? "All" : undefined,
          "cks-grader",
        ),
      ),
    );
  }

  delete(ref: ObjectRef): Promise<CallResult<null>> {
    const intent = {
      verb: "delete",
      resource: resourceName(ref.kind),
      ...(ref.namespace ? { namespace: ref.namespace } : {}),
    };
    return call(intent, async () => {
      await this.objects.delete(
        {
          apiVersion: ref.apiVersion,
          kind: ref.kind,
          metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) },
        },
        undefined,
        undefined,
        0,
        undefined,
        "Background",
      );
      return null;
    });
  }

  reviewAccess(request: AccessRequest): Promise<CallResult<AccessDecision>> {
    // Every authenticated user may create a SelfSubjectAccessReview (system:basic-user), so a 403 here
    // means the cluster restricts even that, and it is reported like any other missing permission.
    return call({ verb: "create", resource: "selfsubjectaccessreviews.authorization.k8s.io" }, async () => {
      const review = await this.authorization.createSelfSubjectAccessReview({
        body: {
          apiVersion: "authorization.k8s.io/v1",
          kind: "SelfSubjectAccessReview",
          spec: { resourceAttributes: { ...request } },
        },
      });
      return { allowed: review.status?.allowed === true, reason: review.status?.reason || null };
    });
  }

  exec(args: {
    namespace: string;
    pod: string;
    container: string;
    command: string[];
    timeoutMs: number;
  }): Promise<CallResult<ExecOutput>> {
    const intent: CallIntent = { verb: "create", resource: "pods/exec", namespace: args.namespace };
    const stdout = collector();
    const stderr = collector();
    // Exec.exec resolves when the WebSocket opens; the command's end comes through the status channel,
    // which is not always sent, so completion is our own promise with a deadline.
    return new Promise((resolve) => {
      let settled = false;
      let socket: { close(): void } | undefined;
      const finish = (result: CallResult<ExecOutput>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        try {
          socket?.close();
        } catch {
          // Closing an already failed socket is not worth a result.
        }
        resolve(result);
      };
      const timer = setTimeout(
        () =>
          finish({ ok: false, failure: { kind: "timeout", message: `no exit status within ${args.timeoutMs} ms` } }),
        args.timeoutMs,
      );
      const onStatus = (status: V1Status) => {
        // Let output frames that arrived just before the status reach the collectors first.
        setImmediate(() => {
          const exitCode = exitCodeOf(status);
          if (exitCode === null) {
            finish({
              ok: false,
              failure: {
                kind: "exec-not-started",
                message: status.message ?? `exec failed: ${status.reason ?? "unknown reason"}`,
              },
            });
          } else {
            finish({ ok: true, value: { exitCode, stdout: stdout.text(), stderr: stderr.text() } });
          }
        });
      };
      this.execApi
        .exec(
          args.namespace,
          args.pod,
          args.container,
          args.command,
          stdout.stream,
          stderr.stream,
          null,
          false,
          onStatus,
        )
        .then(
          (ws) => {
            socket = ws;
            if (settled) ws.close();
            ws.on("close", () =>
              setTimeout(
                () =>
                  finish({
                    ok: false,
                    failure: { kind: "unexpected", message: "exec stream closed without an exit status" },
                  }),
                50,
              ),
            );
          },
          (error: unknown) => finish({ ok: false, failure: classifyError(error, intent) }),
        );
    });
  }
}

async function call<T>(intent: CallIntent, run: () => Promise<T>): Promise<CallResult<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CallResult<T>>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          ok: false,
          failure: {
            kind: "timeout",
            message: `${intent.verb} ${intent.resource}: no answer within ${CALL_TIMEOUT_MS} ms`,
          },
        }),
      CALL_TIMEOUT_MS,
    );
  });
  const work = run().then(
    (value): CallResult<T> => ({ ok: true, value }),
    (error: unknown): CallResult<T> => ({ ok: false, failure: classifyError(error, intent) }),
  );
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// Typed results (create, namespaces) are class instances with Dates; callers get plain JSON. What the
// checks judge is read with readRaw, which never goes through the models.
function plain(value: unknown): KubeObject {
  return JSON.parse(JSON.stringify(value)) as KubeObject;
}

function exitCodeOf(status: V1Status): number | null {
  if (status.status === "Success") return 0;
  if (status.reason === "NonZeroExitCode") {
    const cause = status.details?.causes?.find((c) => c.reason === "ExitCode");
    const code = Number(cause?.message);
    return Number.isInteger(code) ? code : null;
  }
  return null;
}

function collector(): { stream: Writable; text(): string } {
  const chunks: Buffer[] = [];
  let size = 0;
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (size < OUTPUT_LIMIT) {
        chunks.push(Buffer.from(chunk));
        size += chunk.length;
      }
      callback();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString("utf8").slice(0, OUTPUT_LIMIT) };
}

// Only for messages: "ValidatingAdmissionPolicy" -> "validatingadmissionpolicies".
function resourceName(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower.endsWith("y")) return `${lower.slice(0, -1)}ies`;
  if (lower.endsWith("s")) return `${lower}es`;
  return `${lower}s`;
}
