import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rbacFixture } from "../auth/rbac-fixture";
import { ApiError } from "../k8s-status";
import { clusterAdmin } from "../registry/kind";

type TFixture = Awaited<ReturnType<typeof rbacFixture>>;
let fixture: TFixture;
const write = { dryRun: false, user: clusterAdmin };
beforeEach(async () => {
  fixture = await rbacFixture();
  await fixture.registry.create(fixture.kind("namespaces"), "", { metadata: { name: "lab" } }, write);
});
afterEach(() => fixture.stop());

async function refusal(run: () => Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await run();
  } catch (error) {
    if (error instanceof ApiError) return { code: error.status.code, message: error.status.message };
    throw error;
  }
  throw new Error("expected a refusal");
}
const create = (resource: string, namespace: string, body: unknown) =>
  fixture.registry.create(fixture.kind(resource), namespace, body, write);
const binding = (roleRef: Record<string, string>, subjects: unknown[]) => ({
  metadata: { name: "b" },
  roleRef,
  subjects,
});

describe("Role and ClusterRole validation", () => {
  it.each([
    [
      "a rule without verbs",
      { apiGroups: [""], resources: ["pods"] },
      'Role.rbac.authorization.k8s.io "r" is invalid: rules[0].verbs: Required value: verbs must contain at least one value',
    ],
    [
      "a rule without apiGroups",
      { verbs: ["get"], resources: ["pods"] },
      'Role.rbac.authorization.k8s.io "r" is invalid: rules[0].apiGroups: Required value: resource rules must supply at least one api group',
    ],
    [
      "non-resource URLs in a namespaced role",
      { verbs: ["get"], nonResourceURLs: ["/healthz"] },
      'Role.rbac.authorization.k8s.io "r" is invalid: rules[0].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs',
    ],
    [
      "resourceNames over several resources",
      { verbs: ["get"], apiGroups: [""], resources: ["pods", "secrets"], resourceNames: ["x"] },
      'Role.rbac.authorization.k8s.io "r" is invalid: rules[0].resourceNames: Required value: resource names cannot apply to multiple resources',
    ],
  ])("refuses %s", async (_name, rule, message) => {
    expect(await refusal(() => create("roles", "lab", { metadata: { name: "r" }, rules: [rule] }))).toEqual({
      code: 422,
      message,
    });
  });

  it("allows non-resource URLs in a ClusterRole but not mixed with resources", async () => {
    await create("clusterroles", "", {
      metadata: { name: "health" },
      rules: [{ verbs: ["get"], nonResourceURLs: ["/healthz"] }],
    });
    expect(
      await refusal(() =>
        create("clusterroles", "", {
          metadata: { name: "mixed" },
          rules: [{ verbs: ["get"], nonResourceURLs: ["/healthz"], resources: ["pods"] }],
        }),
      ),
    ).toMatchObject({
      code: 422,
      message: expect.stringContaining("rules cannot apply to both regular resources and non-resource URLs"),
    });
  });
});

describe("RoleBinding and ClusterRoleBinding", () => {
  it("defaults the apiGroups of roleRef and subjects", async () => {
    const { object } = await create(
      "rolebindings",
      "lab",
      binding({ kind: "ClusterRole", name: "view" }, [
        { kind: "ServiceAccount", name: "auditor" },
        { kind: "User", name: "jane" },
      ]),
    );
    expect(object).toMatchObject({
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
      subjects: [
        { kind: "ServiceAccount", name: "auditor", apiGroup: "" },
        { kind: "User", name: "jane", apiGroup: "rbac.authorization.k8s.io" },
      ],
    });
  });

  it.each([
    [
      "rolebindings",
      binding({ kind: "Pod", name: "x" }, []),
      'RoleBinding.rbac.authorization.k8s.io "b" is invalid: roleRef.kind: Unsupported value: "Pod": supported values: "Role", "ClusterRole"',
    ],
    [
      "clusterrolebindings",
      binding({ kind: "Role", name: "x" }, []),
      'ClusterRoleBinding.rbac.authorization.k8s.io "b" is invalid: roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
    ],
    [
      "clusterrolebindings",
      binding({ kind: "ClusterRole", name: "view" }, [{ kind: "ServiceAccount", name: "auditor" }]),
      'ClusterRoleBinding.rbac.authorization.k8s.io "b" is invalid: subjects[0].namespace: Required value',
    ],
    [
      "rolebindings",
      binding({ kind: "ClusterRole", name: "view" }, [{ kind: "Robot", name: "r2" }]),
      'RoleBinding.rbac.authorization.k8s.io "b" is invalid: subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"',
    ],
  ])("refuses a bad %s", async (resource, body, message) => {
    expect(await refusal(() => create(resource, resource === "rolebindings" ? "lab" : "", body))).toEqual({
      code: 422,
      message,
    });
  });

  it("keeps roleRef immutable", async () => {
    const { object } = await create("rolebindings", "lab", binding({ kind: "ClusterRole", name: "view" }, []));
    const kind = fixture.kind("rolebindings");
    expect(
      await refusal(() =>
        fixture.registry.update(kind, object, { ...object, roleRef: { kind: "ClusterRole", name: "edit" } }, write),
      ),
    ).toEqual({
      code: 422,
      message:
        'RoleBinding.rbac.authorization.k8s.io "b" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"edit"}: cannot change roleRef',
    });
  });
});
