import { failureVerdict } from "./checks/verdict";
import { AppError } from "@/lib/errors/app-error";
import type { TCheck } from "./lab/schema";
import type { ClusterPort } from "./port";
import type { CheckOutcome } from "./report";
import { errorMessage } from "@/lib/errors/error-message";

/** One permission the grader needs; `group` is "" for the core API. `why` names the check kinds that use it. */
export type Perm = {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  why: string;
};

export type PermissionReport =
  | { ok: true; server: string; namespace: string; granted: Perm[]; missing: Perm[] }
  /** The questions could not be asked (cluster unreachable, 401...): nothing is known about permissions. */
  | { ok: false; server: string; namespace: string; outcome: CheckOutcome; failure: string };

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Every API request the check kinds make in a lab namespace (see grader/checks/*.ts and the adapter),
 * as RBAC sees it; `checks` adds what only some kinds need (a reachability check lists NetworkPolicies).
 * docs/grader-rbac.yaml grants exactly these; a test keeps the two in step.
 */
export function graderPermissions(namespace: string, checks: readonly TCheck[] = []): Perm[] {
  const perms: Perm[] = [];
  for (const perm of [...basePermissions(namespace), ...checkKindPermissions(namespace, checks)]) {
    const same = perms.some(
      (p) =>
        p.verb === perm.verb &&
        p.group === perm.group &&
        p.resource === perm.resource &&
        p.subresource === perm.subresource &&
        p.namespace === perm.namespace &&
        p.name === perm.name,
    );
    if (!same) perms.push(perm);
  }
  return perms;
}

/** Kinds a lab may name in objectExists/field checks that live outside namespaces. */
export const CLUSTER_SCOPED = new Set([
  "Namespace",
  "IngressClass",
  "ClusterRole",
  "ClusterRoleBinding",
  "ValidatingAdmissionPolicy",
  "ValidatingAdmissionPolicyBinding",
]);

function checkKindPermissions(namespace: string, checks: readonly TCheck[]): Perm[] {
  const perms: Perm[] = [];
  for (const check of checks) {
    // A dry-run outside the lab namespace (e.g. in default, to show a binding does not reach it).
    if (
      (check.type === "dryRunAdmitted" || check.type === "dryRunRejected") &&
      check.namespace !== undefined &&
      check.namespace !== namespace
    ) {
      perms.push({
        verb: "create",
        group: "",
        resource: "pods",
        namespace: check.namespace,
        why: `dry-run checks submit a pod in namespace ${check.namespace} to show that the lab's policy does not reach it (server-side dry-run only)`,
      });
    }
    if (check.type === "ephemeralContainerDryRun") {
      perms.push({
        verb: "patch",
        group: "",
        resource: "pods",
        subresource: "ephemeralcontainers",
        namespace,
        why: "ephemeralContainerDryRun checks add a debug container to a lab pod as kubectl debug does (server-side dry-run only)",
      });
    }
    if ((check.type === "objectExists" || check.type === "field") && check.object) {
      const { apiVersion, kind, name } = check.object;
      const group = apiVersion.includes("/") ? apiVersion.split("/")[0]! : "";
      const scoped = !CLUSTER_SCOPED.has(kind);
      perms.push({
        verb: "get",
        group,
        resource: pluralOf(kind),
        ...(scoped ? { namespace } : {}),
        // Secrets are only ever read by name, so the grant can name them.
        ...(kind === "Secret" ? { name } : {}),
        // GET /api/v1/namespaces/<name> is authorised with that namespace and name (a namespace is its own).
        ...(kind === "Namespace" ? { namespace: name, name } : {}),
        why: `${check.type} checks read ${kind} ${name}`,
      });
    }
    if (check.type === "certificate") {
      perms.push({
        verb: "get",
        group: "",
        resource: "secrets",
        namespace,
        name: check.secret,
        why: `certificate checks read the TLS Secret ${check.secret} (its key only to test that it matches; never reported)`,
      });
      if (check.servedBy) {
        perms.push({
          verb: "get",
          group: "networking.k8s.io",
          resource: "ingresses",
          namespace,
          why: "certificate checks read which Secret the Ingress serves for its host",
        });
      }
    }
    if (check.type === "accessReview") {
      perms.push({
        verb: "create",
        group: "authorization.k8s.io",
        resource: "subjectaccessreviews",
        why: "accessReview checks ask the API server whether the lab's ServiceAccount may make each request (SubjectAccessReview is cluster-scoped; it reveals permissions, never objects)",
      });
    }
    if (check.type !== "reachability") continue;
    perms.push({
      verb: "list",
      group: "networking.k8s.io",
      resource: "networkpolicies",
      namespace,
      why: "reachability checks evaluate the lab namespace's NetworkPolicies",
    });
    for (const end of [check.from, check.to]) {
      if (!("pods" in end)) continue;
      const other = end.pods.namespace;
      perms.push({
        verb: "list",
        group: "",
        resource: "pods",
        namespace: other,
        why: `reachability checks read the labels and IPs of the pods they connect to in ${other} (the cluster DNS)`,
      });
      perms.push({
        verb: "get",
        group: "",
        resource: "namespaces",
        namespace: other,
        name: other,
        why: `reachability checks read ${other}'s labels, which namespaceSelectors match`,
      });
    }
  }
  return perms;
}

/** "Ingress" -> "ingresses", "NetworkPolicy" -> "networkpolicies", as the API names resources. */
export function pluralOf(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower.endsWith("y")) return `${lower.slice(0, -1)}ies`;
  if (lower.endsWith("s")) return `${lower}es`;
  return `${lower}s`;
}

function basePermissions(namespace: string): Perm[] {
  return [
    {
      verb: "get",
      group: "",
      resource: "pods",
      namespace,
      why: "podCondition, field, exec and logs checks read the pod's spec and status",
    },
    {
      verb: "get",
      group: "",
      resource: "pods",
      subresource: "log",
      namespace,
      why: "logs checks read the container's current and previous log",
    },
    {
      verb: "get",
      group: "",
      resource: "pods",
      subresource: "exec",
      namespace,
      why: "exec checks run the lab's probe command in a container over a WebSocket, whose upgrade is a GET: the API server authorises it as get",
    },
    {
      verb: "create",
      group: "",
      resource: "pods",
      subresource: "exec",
      namespace,
      why: "exec checks run the lab's probe command in a container; since Kubernetes 1.35 the WebSocket upgrade also needs create (AuthorizePodWebsocketUpgradeCreatePermission)",
    },
    {
      verb: "create",
      group: "",
      resource: "pods",
      namespace,
      why: "dryRunRejected and dryRunAdmitted checks submit a pod with server-side dry-run; RBAC cannot grant a dry-run-only create",
    },
    // GET /api/v1/namespaces/<ns> is authorised with that namespace and name, which is how we ask.
    {
      verb: "get",
      group: "",
      resource: "namespaces",
      namespace,
      name: namespace,
      why: "tells a missing lab namespace from a missing pod",
    },
    {
      verb: "get",
      group: "admissionregistration.k8s.io",
      resource: "validatingadmissionpolicies",
      why: "objectExists and field checks read the lab's ValidatingAdmissionPolicy (cluster-scoped)",
    },
    {
      verb: "get",
      group: "admissionregistration.k8s.io",
      resource: "validatingadmissionpolicybindings",
      why: "objectExists and field checks read the lab's ValidatingAdmissionPolicyBinding (cluster-scoped)",
    },
  ];
}

/** Asks the API server (SelfSubjectAccessReview) which of the grader's permissions these credentials have for a lab's `checks` in `namespace`. */
export async function checkPermissions(
  cluster: ClusterPort,
  namespace: string,
  checks: readonly TCheck[] = [],
): Promise<PermissionReport> {
  if (!DNS_LABEL.test(namespace) || namespace.length > 63) {
    throw new AppError(
      "INVALID_ARGUMENT",
      `checkPermissions: namespace must be a DNS label, got ${JSON.stringify(namespace.slice(0, 70))}`,
    );
  }
  const { server } = cluster;
  const perms = graderPermissions(namespace, checks);
  const answers = await Promise.all(
    perms.map(async (perm) => {
      const { why: _why, ...attributes } = perm;
      // The port promises not to reject; one that does still yields a report, not a crash.
      return cluster.reviewAccess(attributes).catch((error: unknown) => ({
        ok: false as const,
        failure: { kind: "unexpected" as const, message: errorMessage(error) },
      }));
    }),
  );
  const granted: Perm[] = [];
  const missing: Perm[] = [];
  for (const [index, answer] of answers.entries()) {
    const perm = perms[index]!;
    if (!answer.ok) {
      const verdict = failureVerdict(answer.failure, "create selfsubjectaccessreviews", cluster);
      return { ok: false, server, namespace, outcome: verdict.outcome, failure: verdict.message ?? verdict.observed };
    }
    (answer.value.allowed ? granted : missing).push(perm);
  }
  return { ok: true, server, namespace, granted, missing };
}
