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

/** The API server's answer; `reason` is its explanation (RBAC names the binding) when it gives one. */
export type AccessDecision = { allowed: boolean; reason: string | null };

/** The grader's view of a cluster: every call resolves, never rejects. */
export interface ClusterPort {
  /** API server URL (never credentials). */
  readonly server: string;
  /** Kubeconfig context in use, when there is one. */
  readonly context: string | null;
  version(): Promise<CallResult<{ gitVersion: string }>>;
  readNamespace(name: string): Promise<CallResult<KubeObject>>;
  readPod(namespace: string, name: string): Promise<CallResult<KubeObject>>;
  readObject(ref: ObjectRef): Promise<CallResult<KubeObject>>;
  /**
   * Lists objects of one kind in a namespace, optionally by label selector ("k8s-app=kube-dns"). At most
   * `limit` items come back; `truncated` says the cluster had more (a check must not judge a partial list).
   */
  listObjects(args: ListRequest): Promise<CallResult<ObjectList>>;
  readLogs(args: { namespace: string; pod: string; container: string; previous: boolean }): Promise<CallResult<string>>;
  exec(args: {
    namespace: string;
    pod: string;
    container: string;
    command: string[];
    timeoutMs: number;
  }): Promise<CallResult<ExecOutput>>;
  /** Creates `manifest` in `namespace` (for namespaced kinds); `dryRun` asks for server-side dry-run. */
  create(manifest: KubeObject, options: { namespace: string; dryRun?: boolean }): Promise<CallResult<KubeObject>>;
  delete(ref: ObjectRef): Promise<CallResult<null>>;
  /** Asks the API server (SelfSubjectAccessReview) whether these credentials may make the request. */
  reviewAccess(request: AccessRequest): Promise<CallResult<AccessDecision>>;
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
