import type { TKubeObject } from "../types";
import type { TPolicyRule } from "./policy-rule";

/**
 * The cluster roles and bindings a fresh cluster has: the ones a learner meets (cluster-admin, admin, edit,
 * view and the `system:aggregate-to-*` roles they aggregate, system:basic-user, system:discovery,
 * system:public-info-viewer, system:monitoring, system:auth-delegator, system:service-account-issuer-discovery),
 * the aggregation controller's own role, and kubeadm's `kubeadm:cluster-admins` binding, which is how kind's
 * admin user is a cluster admin. Rules as Kubernetes' bootstrap policy testdata
 * (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata/cluster-roles.yaml) lists them for current
 * releases. Not copied: the node, scheduler, controller-manager and per-controller roles of components this
 * cluster does not run, and a coordination.k8s.io `leases` rule for edit that a development snapshot adds
 * (not found in a released version).
 */

const read = ["get", "list", "watch"];
const write = ["create", "delete", "deletecollection", "patch", "update"];
const readWrite = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
const rule = (verbs: string[], apiGroups: string[], resources: string[]): TPolicyRule => ({
  verbs,
  apiGroups,
  resources,
});
const urls = (verbs: string[], nonResourceURLs: string[]): TPolicyRule => ({ verbs, nonResourceURLs });

const bootstrapping = { "kubernetes.io/bootstrapping": "rbac-defaults" };
const autoupdate = { "rbac.authorization.kubernetes.io/autoupdate": "true" };

type TRoleSpec = {
  name: string;
  labels?: Record<string, string>;
  rules?: TPolicyRule[];
  aggregateFrom?: string;
};

const clusterRoleSpecs: TRoleSpec[] = [
  { name: "admin", aggregateFrom: "rbac.authorization.k8s.io/aggregate-to-admin" },
  { name: "cluster-admin", rules: [rule(["*"], ["*"], ["*"]), urls(["*"], ["*"])] },
  {
    name: "edit",
    labels: { "rbac.authorization.k8s.io/aggregate-to-admin": "true" },
    aggregateFrom: "rbac.authorization.k8s.io/aggregate-to-edit",
  },
  {
    name: "system:aggregate-to-admin",
    labels: { "rbac.authorization.k8s.io/aggregate-to-admin": "true" },
    rules: [
      rule(["create"], ["authorization.k8s.io"], ["localsubjectaccessreviews"]),
      rule(readWrite, ["rbac.authorization.k8s.io"], ["rolebindings", "roles"]),
    ],
  },
  {
    name: "system:aggregate-to-edit",
    labels: { "rbac.authorization.k8s.io/aggregate-to-edit": "true" },
    rules: [
      rule(read, [""], ["pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"]),
      rule(["impersonate"], [""], ["serviceaccounts"]),
      rule(write, [""], ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"]),
      rule(["create"], [""], ["pods/eviction"]),
      rule(
        write,
        [""],
        [
          "configmaps",
          "events",
          "persistentvolumeclaims",
          "replicationcontrollers",
          "replicationcontrollers/scale",
          "secrets",
          "serviceaccounts",
          "services",
          "services/proxy",
        ],
      ),
      rule(["create"], [""], ["serviceaccounts/token"]),
      rule(
        write,
        ["apps"],
        [
          "daemonsets",
          "deployments",
          "deployments/rollback",
          "deployments/scale",
          "replicasets",
          "replicasets/scale",
          "statefulsets",
          "statefulsets/scale",
        ],
      ),
      rule(write, ["autoscaling"], ["horizontalpodautoscalers"]),
      rule(write, ["batch"], ["cronjobs", "jobs"]),
      rule(
        write,
        ["extensions"],
        [
          "daemonsets",
          "deployments",
          "deployments/rollback",
          "deployments/scale",
          "ingresses",
          "networkpolicies",
          "replicasets",
          "replicasets/scale",
          "replicationcontrollers/scale",
        ],
      ),
      rule(write, ["policy"], ["poddisruptionbudgets"]),
      rule(write, ["networking.k8s.io"], ["ingresses", "networkpolicies"]),
    ],
  },
  {
    name: "system:aggregate-to-view",
    labels: { "rbac.authorization.k8s.io/aggregate-to-view": "true" },
    rules: [
      rule(
        read,
        [""],
        [
          "configmaps",
          "endpoints",
          "persistentvolumeclaims",
          "persistentvolumeclaims/status",
          "pods",
          "replicationcontrollers",
          "replicationcontrollers/scale",
          "serviceaccounts",
          "services",
          "services/status",
        ],
      ),
      rule(
        read,
        [""],
        [
          "bindings",
          "events",
          "limitranges",
          "namespaces/status",
          "pods/log",
          "pods/status",
          "replicationcontrollers/status",
          "resourcequotas",
          "resourcequotas/status",
        ],
      ),
      rule(read, [""], ["namespaces"]),
      rule(read, ["discovery.k8s.io"], ["endpointslices"]),
      rule(
        read,
        ["apps"],
        [
          "controllerrevisions",
          "daemonsets",
          "daemonsets/status",
          "deployments",
          "deployments/scale",
          "deployments/status",
          "replicasets",
          "replicasets/scale",
          "replicasets/status",
          "statefulsets",
          "statefulsets/scale",
          "statefulsets/status",
        ],
      ),
      rule(read, ["autoscaling"], ["horizontalpodautoscalers", "horizontalpodautoscalers/status"]),
      rule(read, ["batch"], ["cronjobs", "cronjobs/status", "jobs", "jobs/status"]),
      rule(
        read,
        ["extensions"],
        [
          "daemonsets",
          "daemonsets/status",
          "deployments",
          "deployments/scale",
          "deployments/status",
          "ingresses",
          "ingresses/status",
          "networkpolicies",
          "replicasets",
          "replicasets/scale",
          "replicasets/status",
          "replicationcontrollers/scale",
        ],
      ),
      rule(read, ["policy"], ["poddisruptionbudgets", "poddisruptionbudgets/status"]),
      rule(read, ["networking.k8s.io"], ["ingresses", "ingresses/status", "networkpolicies"]),
    ],
  },
  {
    name: "system:auth-delegator",
    rules: [
      rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
      rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"]),
    ],
  },
  {
    name: "system:basic-user",
    rules: [
      rule(["create"], ["authorization.k8s.io"], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]),
      rule(["create"], ["authentication.k8s.io"], ["selfsubjectreviews"]),
    ],
  },
  {
    name: "system:discovery",
    rules: [
      urls(
        ["get"],
        [
          "/api",
          "/api/*",
          "/apis",
          "/apis/*",
          "/healthz",
          "/livez",
          "/openapi",
          "/openapi/*",
          "/readyz",
          "/version",
          "/version/",
        ],
      ),
    ],
  },
  {
    name: "system:monitoring",
    rules: [
      urls(
        ["get"],
        ["/healthz", "/healthz/*", "/livez", "/livez/*", "/metrics", "/metrics/slis", "/readyz", "/readyz/*"],
      ),
    ],
  },
  {
    name: "system:public-info-viewer",
    rules: [urls(["get"], ["/healthz", "/livez", "/readyz", "/version", "/version/"])],
  },
  {
    name: "system:service-account-issuer-discovery",
    rules: [urls(["get"], ["/.well-known/openid-configuration", "/openid/v1/jwks"])],
  },
  {
    name: "view",
    labels: { "rbac.authorization.k8s.io/aggregate-to-edit": "true" },
    aggregateFrom: "rbac.authorization.k8s.io/aggregate-to-view",
  },
  {
    // kube-controller-manager's clusterrole-aggregation controller: it may write any rules into a ClusterRole.
    name: "system:controller:clusterrole-aggregation-controller",
    rules: [
      rule(["escalate", "get", "list", "patch", "update", "watch"], ["rbac.authorization.k8s.io"], ["clusterroles"]),
    ],
  },
];

type TSubjectSpec = { kind: "Group" | "User" | "ServiceAccount"; name: string; namespace?: string };
type TBindingSpec = { name: string; role: string; subjects: TSubjectSpec[]; kubeadm?: boolean };

const group = (name: string): TSubjectSpec => ({ kind: "Group", name });

const clusterRoleBindingSpecs: TBindingSpec[] = [
  { name: "cluster-admin", role: "cluster-admin", subjects: [group("system:masters")] },
  // kubeadm (and so kind) binds the group of its admin.conf user; that user is not in system:masters.
  { name: "kubeadm:cluster-admins", role: "cluster-admin", subjects: [group("kubeadm:cluster-admins")], kubeadm: true },
  { name: "system:basic-user", role: "system:basic-user", subjects: [group("system:authenticated")] },
  { name: "system:discovery", role: "system:discovery", subjects: [group("system:authenticated")] },
  { name: "system:monitoring", role: "system:monitoring", subjects: [group("system:monitoring")] },
  {
    name: "system:public-info-viewer",
    role: "system:public-info-viewer",
    subjects: [group("system:authenticated"), group("system:unauthenticated")],
  },
  {
    name: "system:service-account-issuer-discovery",
    role: "system:service-account-issuer-discovery",
    subjects: [group("system:serviceaccounts")],
  },
  {
    name: "system:controller:clusterrole-aggregation-controller",
    role: "system:controller:clusterrole-aggregation-controller",
    subjects: [{ kind: "ServiceAccount", name: "clusterrole-aggregation-controller", namespace: "kube-system" }],
  },
];

/** The bootstrap ClusterRoles, as objects to create (aggregated roles start with no rules; the controller fills them). */
export function bootstrapClusterRoles(): TKubeObject[] {
  return clusterRoleSpecs.map((spec) => ({
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: { name: spec.name, labels: { ...bootstrapping, ...spec.labels }, annotations: { ...autoupdate } },
    ...(spec.aggregateFrom
      ? { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [spec.aggregateFrom]: "true" } }] }, rules: [] }
      : { rules: structuredClone(spec.rules ?? []) }),
  }));
}

/** The bootstrap ClusterRoleBindings, as objects to create. */
export function bootstrapClusterRoleBindings(): TKubeObject[] {
  return clusterRoleBindingSpecs.map((spec) => ({
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    metadata: spec.kubeadm
      ? { name: spec.name }
      : { name: spec.name, labels: { ...bootstrapping }, annotations: { ...autoupdate } },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: spec.role },
    subjects: spec.subjects.map((subject) =>
      subject.kind === "ServiceAccount"
        ? { kind: "ServiceAccount", name: subject.name, namespace: subject.namespace }
        : { apiGroup: "rbac.authorization.k8s.io", kind: subject.kind, name: subject.name },
    ),
  }));
}
