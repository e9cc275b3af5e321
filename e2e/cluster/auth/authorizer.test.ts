import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { clusterAdmin, type TUserInfo } from "../registry/kind";
import { authorize, rulesFor, serviceAccountUsername } from "./authorizer";
import type { TRequestAttributes } from "./policy-rule";
import { rbacFixture } from "./rbac-fixture";

type TFixture = Awaited<ReturnType<typeof rbacFixture>>;
const write = { dryRun: false, user: clusterAdmin };
const auditor: TUserInfo = {
  username: serviceAccountUsername("lab", "auditor"),
  groups: ["system:serviceaccounts", "system:serviceaccounts:lab", "system:authenticated"],
};
type TResourceRequest = Extract<TRequestAttributes, { resourceRequest: true }>;
const ask = (verb: string, resource: string, namespace = "lab", name = ""): TResourceRequest => {
  const [plain = "", subresource = ""] = resource.split("/");
  return { resourceRequest: true, verb, apiGroup: "", resource: plain, subresource, namespace, name };
};

let fixture: TFixture;
beforeEach(async () => {
  fixture = await rbacFixture();
  await fixture.registry.create(fixture.kind("namespaces"), "", { metadata: { name: "lab" } }, write);
});
afterEach(() => fixture.stop());

async function create(resource: string, namespace: string, object: Record<string, unknown>) {
  await fixture.registry.create(fixture.kind(resource), namespace, object, write);
}
const podReader = { verbs: ["get", "list", "watch"], apiGroups: [""], resources: ["pods", "pods/log"] };
const bindTo = (roleKind: string, role: string, subject: Record<string, unknown>) => ({
  metadata: { name: `${role}-binding` },
  roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: roleKind, name: role },
  subjects: [subject],
});
const auditorSubject = { kind: "ServiceAccount", name: "auditor", namespace: "lab" };

describe("authorize", () => {
  it("explains kind's admin user the way RBAC does, and lets system:masters through without a reason", () => {
    expect(authorize(fixture.store, clusterAdmin, ask("delete", "secrets"))).toEqual({
      allowed: true,
      reason:
        'RBAC: allowed by ClusterRoleBinding "kubeadm:cluster-admins" of ClusterRole "cluster-admin" to Group "kubeadm:cluster-admins"',
    });
    expect(
      authorize(fixture.store, { username: "root", groups: ["system:masters"] }, ask("delete", "secrets")),
    ).toEqual({ allowed: true, reason: "" });
  });

  it("gives a ServiceAccount nothing but discovery and self-reviews until something is bound", () => {
    expect(authorize(fixture.store, auditor, ask("get", "pods"))).toEqual({ allowed: false, reason: "" });
    expect(
      authorize(fixture.store, auditor, { resourceRequest: false, verb: "get", path: "/apis/apps/v1" }),
    ).toMatchObject({
      allowed: true,
      reason:
        'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"',
    });
  });

  it("grants a Role through a RoleBinding in its namespace only, naming the binding", async () => {
    await create("roles", "lab", { metadata: { name: "pod-reader" }, rules: [podReader] });
    await create("rolebindings", "lab", bindTo("Role", "pod-reader", auditorSubject));
    expect(authorize(fixture.store, auditor, ask("get", "pods/log"))).toEqual({
      allowed: true,
      reason:
        'RBAC: allowed by RoleBinding "pod-reader-binding/lab" of Role "pod-reader" to ServiceAccount "auditor/lab"',
    });
    expect(authorize(fixture.store, auditor, ask("get", "pods", "default")).allowed).toBe(false);
    expect(authorize(fixture.store, auditor, ask("create", "pods/exec")).allowed).toBe(false);
    expect(authorize(fixture.store, auditor, ask("list", "pods", "")).allowed).toBe(false);
  });

  it("limits a ClusterRole bound by a RoleBinding to that namespace, and not by a ClusterRoleBinding", async () => {
    await create("clusterroles", "", { metadata: { name: "pod-reader" }, rules: [podReader] });
    await create("rolebindings", "lab", bindTo("ClusterRole", "pod-reader", auditorSubject));
    expect(authorize(fixture.store, auditor, ask("list", "pods")).allowed).toBe(true);
    expect(authorize(fixture.store, auditor, ask("list", "pods", "kube-system")).allowed).toBe(false);
    await create("clusterrolebindings", "", bindTo("ClusterRole", "pod-reader", auditorSubject));
    expect(authorize(fixture.store, auditor, ask("list", "pods", "kube-system"))).toMatchObject({
      allowed: true,
      reason:
        'RBAC: allowed by ClusterRoleBinding "pod-reader-binding" of ClusterRole "pod-reader" to ServiceAccount "auditor/lab"',
    });
    expect(authorize(fixture.store, auditor, ask("list", "pods", "")).allowed).toBe(true);
  });

  it("matches a ServiceAccount subject without namespace in the binding's namespace, groups and users by name", async () => {
    await create("roles", "lab", { metadata: { name: "pod-reader" }, rules: [podReader] });
    await create("rolebindings", "lab", bindTo("Role", "pod-reader", { kind: "ServiceAccount", name: "auditor" }));
    expect(authorize(fixture.store, auditor, ask("get", "pods")).allowed).toBe(true);
    await fixture.registry.delete(fixture.kind("rolebindings"), "lab", "pod-reader-binding", write);
    await create(
      "rolebindings",
      "lab",
      bindTo("Role", "pod-reader", { kind: "Group", name: "system:serviceaccounts:lab" }),
    );
    expect(authorize(fixture.store, auditor, ask("get", "pods")).reason).toContain(
      'to Group "system:serviceaccounts:lab"',
    );
    expect(authorize(fixture.store, { username: "jane", groups: [] }, ask("get", "pods")).allowed).toBe(false);
  });

  it("does not match another account, and names a binding's missing role in the reason", async () => {
    await create("roles", "lab", { metadata: { name: "pod-reader" }, rules: [podReader] });
    await create("rolebindings", "lab", bindTo("Role", "pod-reader", { ...auditorSubject, name: "default" }));
    expect(authorize(fixture.store, auditor, ask("get", "pods")).allowed).toBe(false);
    await create("rolebindings", "lab", bindTo("Role", "gone", auditorSubject));
    expect(authorize(fixture.store, auditor, ask("get", "pods"))).toEqual({
      allowed: false,
      reason: 'RBAC: role.rbac.authorization.k8s.io "gone" not found',
    });
  });
});

describe("rulesFor", () => {
  it("returns the cluster-wide rules, then the namespace's, as SelfSubjectRulesReview lists them", async () => {
    await create("roles", "lab", { metadata: { name: "pod-reader" }, rules: [podReader] });
    await create("rolebindings", "lab", bindTo("Role", "pod-reader", auditorSubject));
    const { rules, error } = rulesFor(fixture.store, auditor, "lab");
    expect(error).toBeUndefined();
    expect(rules.at(-1)).toEqual(podReader);
    expect(rules).toContainEqual({
      verbs: ["create"],
      apiGroups: ["authorization.k8s.io"],
      resources: ["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
    });
    expect(rulesFor(fixture.store, auditor, "default").rules).not.toContainEqual(podReader);
  });
});

describe("the aggregated roles", () => {
  it("fill view, edit and admin from the aggregate-to roles, and grow when a labelled role appears", async () => {
    const view = fixture.registry.get(fixture.kind("clusterroles"), "", "view");
    const viewer = { username: "viewer", groups: ["system:authenticated"] };
    await create("rolebindings", "lab", bindTo("ClusterRole", "view", { kind: "User", name: "viewer" }));
    expect(authorize(fixture.store, viewer, ask("get", "pods/log")).allowed).toBe(true);
    expect(authorize(fixture.store, viewer, ask("get", "secrets")).allowed).toBe(false);
    expect((view.rules as unknown[]).length).toBeGreaterThan(5);
    const editor = { username: "editor", groups: ["system:authenticated"] };
    await create("rolebindings", "lab", bindTo("ClusterRole", "edit", { kind: "User", name: "editor" }));
    expect(authorize(fixture.store, editor, ask("get", "secrets")).allowed).toBe(true);
    expect(authorize(fixture.store, editor, ask("list", "pods")).allowed).toBe(true);
    expect(
      authorize(fixture.store, editor, { ...ask("create", "roles"), apiGroup: "rbac.authorization.k8s.io" }).allowed,
    ).toBe(false);
    await create("clusterroles", "", {
      metadata: { name: "widget-viewer", labels: { "rbac.authorization.k8s.io/aggregate-to-view": "true" } },
      rules: [{ verbs: ["get"], apiGroups: ["example.test"], resources: ["widgets"] }],
    });
    await fixture.settle();
    expect(authorize(fixture.store, viewer, { ...ask("get", "widgets"), apiGroup: "example.test" }).allowed).toBe(true);
    expect(authorize(fixture.store, editor, { ...ask("get", "widgets"), apiGroup: "example.test" }).allowed).toBe(true);
  });
});
