import type http from "node:http";
import type { Duplex } from "node:stream";
import type { WebSocketServer } from "ws";
import type { Kubelet } from "../controllers/kubelet";
import type { TFieldError } from "../k8s-status";
import type { TokenIssuer } from "../tokens/token-issuer";
import type { TKubeObject } from "../types";
import type { Registry } from "./registry";

/** The verbs discovery advertises for a resource. */
export type TVerb = "create" | "delete" | "deletecollection" | "get" | "list" | "watch" | "patch" | "update";

/** The verbs of an ordinary stored kind. */
export const crudVerbs: TVerb[] = ["create", "delete", "get", "list", "watch", "patch", "update"];

/** Who is asking (after impersonation), as authorizers and admission see it. */
export type TUserInfo = { username: string; groups: string[]; uid?: string; extra?: Record<string, string[]> };

/**
 * The user behind the test kubeconfig's bearer token: kind's `kubernetes-admin` (the admin.conf user kubeadm
 * writes), a cluster admin through the `kubeadm:cluster-admins` ClusterRoleBinding rather than through
 * system:masters, so RBAC explains its answers as it does on kind.
 */
export const clusterAdmin: TUserInfo = {
  username: "kubernetes-admin",
  groups: ["kubeadm:cluster-admins", "system:authenticated"],
};

/** What a kind's hooks may consult: the other objects (through the registry), who writes, and whether it is a dry run. */
export type TStrategyContext = { registry: Registry; user: TUserInfo; dryRun: boolean; subresource?: string };

/** One column of server-side printing, as `kubectl get` receives it. */
export type TTableColumn = { name: string; type: string; format: string; description: string; priority: number };

/** How `kubectl get` prints a kind: the server sends a Table (`as=Table`) built from these columns. */
export type TTablePrinter = { columns: TTableColumn[]; cells(item: TKubeObject, now: number): unknown[] };

/**
 * What a subresource handler can reach: the objects, the node's pods, the service account token signer,
 * and the open streams to close on shutdown.
 */
export type TCluster = {
  registry: Registry;
  kubelet: Kubelet;
  tokens: TokenIssuer;
  sockets: WebSocketServer;
  streams: Set<http.ServerResponse>;
};

/** A plain HTTP request on `<resource>/<name>/<subresource>`; `object` is the parent, already read. */
export type TSubresourceCall = {
  request: http.IncomingMessage;
  response: http.ServerResponse;
  object: TKubeObject;
  query: URLSearchParams;
  cluster: TCluster;
  /** Who asks; writes through a subresource are admitted as this user. */
  user: TUserInfo;
};

/** A WebSocket upgrade on a subresource (exec, attach). */
export type TUpgradeCall = {
  request: http.IncomingMessage;
  socket: Duplex;
  head: Buffer;
  object: TKubeObject;
  query: URLSearchParams;
  cluster: TCluster;
};

/** A subresource such as `pods/log`: its discovery entry and its handlers. */
export type TSubresource = {
  /** Kind and verbs as `/api/v1` lists them (e.g. `PodExecOptions`, `["create", "get"]`). */
  kind: string;
  /** Group and version of `kind` when they differ from the parent's (`serviceaccounts/token` takes an authentication.k8s.io/v1 TokenRequest, `scale` an autoscaling/v1 Scale). */
  group?: string;
  version?: string;
  verbs: TVerb[];
  /** Serves a plain HTTP request; without it the subresource answers 404. */
  handle?(call: TSubresourceCall): Promise<void>;
  /** Serves a WebSocket upgrade; without it an upgrade answers 404. */
  upgrade?(call: TUpgradeCall): Promise<void>;
};

/**
 * One kind the API server serves, and how the generic registry treats its objects (Kubernetes calls this
 * the kind's strategy). Every hook is optional; the defaults are those of a plain named object.
 */
export type TKind = {
  group: string;
  version: string;
  kind: string;
  /** Plural resource name in URLs (`pods`); unique across groups in this cluster. */
  resource: string;
  singular: string;
  namespaced: boolean;
  verbs: TVerb[];
  shortNames?: string[];
  categories?: string[];

  /** Field errors of a new object (422 Invalid). Default: `metadata.name` must be a DNS-1123 subdomain. */
  validate?(object: TKubeObject, context: TStrategyContext): TFieldError[];
  /** Fields the kind's schema does not know (strict field validation: 400 under `Strict`, warnings under `Warn`). */
  unknownFields?(body: unknown): string[];
  /** Defaults and initial status of a validated new object, before admission. */
  prepareForCreate?(object: TKubeObject, context: TStrategyContext): void;
  /** Warnings returned with a successful create (e.g. a policy expression the evaluator cannot parse). */
  warningsOnCreate?(object: TKubeObject, context: TStrategyContext): string[];
  /** Checks and completes an update (`next` already carries the old identity); throws ApiError to refuse it. */
  prepareForUpdate?(next: TKubeObject, existing: TKubeObject, context: TStrategyContext): void;
  /** Throws ApiError when this object may not be deleted. */
  checkDelete?(existing: TKubeObject, context: TStrategyContext): void;
  /** Marks an object whose deletion waits for finalizers (e.g. a namespace's phase becomes Terminating). */
  prepareForDelete?(existing: TKubeObject, context: TStrategyContext): void;
  /** Columns of `kubectl get`. Default: NAME and AGE. */
  table?: TTablePrinter;
  /** Strategic merge patch keys of lists (field name -> key), added to the PodSpec ones every kind has. */
  mergeKeys?: Record<string, string>;
  /** Decodes the protobuf `raw` object kubectl sends for typed `kubectl create <kind>` commands. */
  decodeProtobuf?(raw: Buffer): Record<string, unknown>;
  /** Subresources by name (`log`, `exec`, `status`, ...). `status` without a handler reads and writes the object. */
  subresources?: Record<string, TSubresource>;
  /**
   * Create-only kinds that answer instead of storing (access reviews): the response body for a POSTed
   * object (`namespace` is the request's, for namespaced reviews). Such kinds have no get, list or watch.
   */
  review?(body: unknown, context: { user: TUserInfo; registry: Registry; namespace: string }): Record<string, unknown>;
};

/** `v1` for the core group, `group/version` otherwise. */
export function apiVersionOf(kind: TKind): string {
  return kind.group ? `${kind.group}/${kind.version}` : kind.version;
}

/** The resource identity error messages use (`pods`, `validatingadmissionpolicies.admissionregistration.k8s.io`). */
export function refOf(kind: TKind): { resource: string; group: string } {
  return { resource: kind.resource, group: kind.group };
}
