import { z } from "zod";

/** Why a cluster call did not return what was asked for; every case is an expected outcome, not an exception. */
export type ClusterFailure =
  | { kind: "unreachable"; message: string }
  | { kind: "unauthorized"; message: string }
  /** RBAC said no: `verb` on `resource` (e.g. "create" "pods/exec") in `namespace` (absent for cluster scope). */
  | { kind: "forbidden"; verb: string; resource: string; namespace?: string; message: string }
  | { kind: "not-found"; message: string }
  /** The API server refused a create on admission or validation (HTTP 422, or 403 not from RBAC). */
  | { kind: "rejected"; code: number; reason: string; message: string }
  | { kind: "conflict"; message: string }
  | { kind: "timeout"; message: string }
  /** The exec stream answered, but the command never started (not in the image, say): the runtime's words. */
  | { kind: "exec-not-started"; message: string }
  /**
   * The grader would not take the cluster's answer: a redirect (never followed), a body over the size limit, a
   * certificate that does not prove the server's name, an address other than the one checked.
   */
  | { kind: "refused"; message: string }
  /** The agent that carried the request to the learner's cluster went away (grader/tunnel/): nothing was asked. */
  | { kind: "disconnected"; message: string }
  | { kind: "unexpected"; code?: number; message: string };

export type ClusterFailureKind = ClusterFailure["kind"];

/** Result of one cluster call. */
export type CallResult<T> = { ok: true; value: T } | { ok: false; failure: ClusterFailure };

/** Any object as the API server returns it. */
export type KubeObject = {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; [k: string]: unknown };
  [k: string]: unknown;
};

/** Names an object; namespace is ignored by the adapter for cluster-scoped kinds. */
export type ObjectRef = { apiVersion: string; kind: string; name: string; namespace?: string };

/** One list call: a kind in a namespace, optionally narrowed by a label selector. */
export type ListRequest = {
  apiVersion: string;
  kind: string;
  namespace: string;
  labelSelector?: string;
  limit: number;
};

/** A bounded list: the items, and whether the cluster had more than asked for. */
export type ObjectList = { items: KubeObject[]; truncated: boolean };

/** What a finished exec produced; a command that ran and failed is a value, not a failure. */
export type ExecOutput = { exitCode: number; stdout: string; stderr: string };

/** One SelfSubjectAccessReview question: may the current credentials do `verb` on this resource? */
export type AccessRequest = {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
};

/**
 * One SubjectAccessReview question: may `user`, a member of `groups`, make the request? (The grader asks it
 * about a learner's ServiceAccount, with the groups the API server gives that account's tokens.)
 */
export type SubjectAccessRequest = AccessRequest & { user: string; groups: string[] };

/** The API server's answer; `reason` is its explanation (RBAC names the binding) when it gives one. */
export type AccessDecision = { allowed: boolean; reason: string | null };

/**
 * Per call: `signal` aborts the call (the check or the run it belongs to is over). An aborted call still resolves,
 * with a `timeout` failure, and the adapter stops reading from the cluster at once.
 */
export type CallOptions = { signal?: AbortSignal };

/** The grader's view of a cluster: every call resolves, never rejects. */
export interface ClusterPort {
  /** API server URL (never credentials). */
  readonly server: string;
  /** Kubeconfig context in use, when there is one. */
  readonly context: string | null;
  version(options?: CallOptions): Promise<CallResult<{ gitVersion: string }>>;
  readNamespace(name: string, options?: CallOptions): Promise<CallResult<KubeObject>>;
  readPod(namespace: string, name: string, options?: CallOptions): Promise<CallResult<KubeObject>>;
  readObject(ref: ObjectRef, options?: CallOptions): Promise<CallResult<KubeObject>>;
  /**
   * Lists objects of one kind in a namespace, optionally by label selector ("k8s-app=kube-dns"). At most
   * `limit` items come back; `truncated` says the cluster had more (a check must not judge a partial list).
   */
  listObjects(args: ListRequest, options?: CallOptions): Promise<CallResult<ObjectList>>;
  readLogs(
    args: { namespace: string; pod: string; container: string; previous: boolean },
    options?: CallOptions,
  ): Promise<CallResult<string>>;
  exec(
    args: { namespace: string; pod: string; container: string; command: string[]; timeoutMs: number },
    options?: CallOptions,
  ): Promise<CallResult<ExecOutput>>;
  /** Creates `manifest` in `namespace` (for namespaced kinds); `dryRun` asks for server-side dry-run. */
  create(
    manifest: KubeObject,
    target: { namespace: string; dryRun?: boolean },
    options?: CallOptions,
  ): Promise<CallResult<KubeObject>>;
  /**
   * Merges `manifest` into the existing object of that kind and name (a JSON merge patch), as `kubectl apply`
   * changes an object that is already there: labs:verify uses it for objects the cluster makes itself, such
   * as a namespace's `default` ServiceAccount.
   */
  patch(manifest: KubeObject, target: { namespace: string }, options?: CallOptions): Promise<CallResult<KubeObject>>;
  /**
   * Adds an ephemeral container to a pod as `kubectl debug` does (a strategic merge patch of the pod's
   * `ephemeralcontainers` subresource); `dryRun` asks for server-side dry-run, so admission runs and
   * nothing changes.
   */
  addEphemeralContainer(
    args: { namespace: string; pod: string; container: Record<string, unknown>; dryRun: boolean },
    options?: CallOptions,
  ): Promise<CallResult<KubeObject>>;
  delete(ref: ObjectRef, options?: CallOptions): Promise<CallResult<null>>;
  /** Asks the API server (SelfSubjectAccessReview) whether these credentials may make the request. */
  reviewAccess(request: AccessRequest, options?: CallOptions): Promise<CallResult<AccessDecision>>;
  /** Asks the API server (SubjectAccessReview) whether another user may make the request. */
  reviewSubjectAccess(request: SubjectAccessRequest, options?: CallOptions): Promise<CallResult<AccessDecision>>;
}

/**
 * `cluster` with every call tied to `signal` (combined with any signal the caller gives): what each check
 * receives, so a check that times out takes its in-flight requests with it without knowing about signals.
 */
export function withSignal(cluster: ClusterPort, signal: AbortSignal): ClusterPort {
  const options = (given?: CallOptions): CallOptions => ({
    signal: given?.signal ? AbortSignal.any([signal, given.signal]) : signal,
  });
  return {
    server: cluster.server,
    context: cluster.context,
    version: (o) => cluster.version(options(o)),
    readNamespace: (name, o) => cluster.readNamespace(name, options(o)),
    readPod: (namespace, name, o) => cluster.readPod(namespace, name, options(o)),
    readObject: (ref, o) => cluster.readObject(ref, options(o)),
    listObjects: (args, o) => cluster.listObjects(args, options(o)),
    readLogs: (args, o) => cluster.readLogs(args, options(o)),
    exec: (args, o) => cluster.exec(args, options(o)),
    create: (manifest, target, o) => cluster.create(manifest, target, options(o)),
    patch: (manifest, target, o) => cluster.patch(manifest, target, options(o)),
    addEphemeralContainer: (args, o) => cluster.addEphemeralContainer(args, options(o)),
    delete: (ref, o) => cluster.delete(ref, options(o)),
    reviewAccess: (request, o) => cluster.reviewAccess(request, options(o)),
    reviewSubjectAccess: (request, o) => cluster.reviewSubjectAccess(request, options(o)),
  };
}

const ZContainerStateSchema = z.looseObject({
  waiting: z.looseObject({ reason: z.string().optional(), message: z.string().optional() }).optional(),
  running: z.looseObject({ startedAt: z.string().optional() }).optional(),
  terminated: z
    .looseObject({ reason: z.string().optional(), exitCode: z.number().optional(), message: z.string().optional() })
    .optional(),
});

/** The parts of a Pod the checks read; validated so that odd API responses become results, not crashes. */
export const ZPodSchema = z.looseObject({
  metadata: z.looseObject({ name: z.string() }),
  spec: z.looseObject({
    containers: z.array(z.looseObject({ name: z.string() })),
    volumes: z.array(z.looseObject({ name: z.string() })).optional(),
  }),
  status: z
    .looseObject({
      phase: z.string().optional(),
      // Set when the kubelet refused the pod (reason "AppArmor", "OutOfcpu", ...).
      reason: z.string().optional(),
      message: z.string().optional(),
      containerStatuses: z
        .array(
          z.looseObject({
            name: z.string(),
            ready: z.boolean().optional(),
            restartCount: z.number().optional(),
            state: ZContainerStateSchema.optional(),
            lastState: ZContainerStateSchema.optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});
export type TPod = z.infer<typeof ZPodSchema>;
