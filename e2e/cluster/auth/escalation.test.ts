import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ApiError } from "../k8s-status";
import { clusterAdmin, type TUserInfo } from "../registry/kind";
import { rbacFixture } from "./rbac-fixture";

type TFixture = Awaited<ReturnType<typeof rbacFixture>>;
const jane: TUserInfo = { username: "jane", groups: ["system:authenticated"] };
let fixture: TFixture;

beforeEach(async () => {
  fixture = await rbacFixture();
  await fixture.registry.create(
    fixture.kind("namespaces"),
    "",
    { metadata: { name: "lab" } },
    { dryRun: false, user: clusterAdmin },
  );
  // jane administers the namespace lab, and nothing else.
  await fixture.registry.create(
    fixture.kind("rolebindings"),
    "lab",
    {
      metadata: { name: "jane-admin" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" },
      subjects: [{ kind: "User", name: "jane" }],
    },
    { dryRun: false, user: clusterAdmin },
  );
});
afterEach(() => fixture.stop());

async function statusOf(write: Promise<unknown>): Promise<{ code: number; message: string } | "written"> {
  try {
    await write;
    return "written";
  } catch (error) {
    if (error instanceof ApiError) return { code: error.status.code, message: error.status.message };
    throw error;
  }
}
const asJane = { dryRun: false, user: jane };
const role = (name: string, rules: unknown[]) => ({ metadata: { name }, rules });
const binding = (name: string, kind: string, roleName: string) => ({
  metadata: { name },
  roleRef: { apiGroup: "rbac.authorization.k8s.io", kind, name: roleName },
  subjects: [{ kind: "User", name: "bob" }],
});

describe("escalation prevention", () => {
  it("lets a namespace admin write a Role with rules they hold", async () => {
    const written = fixture.registry.create(
      fixture.kind("roles"),
      "lab",
      role("pod-reader", [{ verbs: ["get", "list"], apiGroups: [""], resources: ["pods", "secrets"] }]),
      asJane,
    );
    expect(await statusOf(written)).toBe("written");
  });

  it("refuses a Role granting what its author lacks, listing the missing permissions like the API server", async () => {
    const written = fixture.registry.create(
      fixture.kind("roles"),
      "lab",
      role("too-much", [
        { verbs: ["get", "escalate"], apiGroups: ["", "rbac.authorization.k8s.io"], resources: ["pods", "roles"] },
      ]),
      asJane,
    );
    expect(await statusOf(written)).toEqual({
      code: 403,
      message:
        'roles.rbac.authorization.k8s.io "too-much" is forbidden: user "jane" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
        '{APIGroups:[""], Resources:["pods"], Verbs:["escalate"]}\n' +
        '{APIGroups:[""], Resources:["roles"], Verbs:["get" "escalate"]}\n' +
        '{APIGroups:["rbac.authorization.k8s.io"], Resources:["pods"], Verbs:["get" "escalate"]}\n' +
        '{APIGroups:["rbac.authorization.k8s.io"], Resources:["roles"], Verbs:["escalate"]}',
    });
    // Dry runs are checked too.
    expect(
      await statusOf(
        fixture.registry.create(
          fixture.kind("roles"),
          "lab",
          role("x", [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }]),
          {
            dryRun: true,
            user: jane,
          },
        ),
      ),
    ).toMatchObject({ code: 403 });
  });

  it("refuses binding cluster-admin, allows binding view, and allows anything to whoever may bind the role", async () => {
    expect(
      await statusOf(
        fixture.registry.create(
          fixture.kind("rolebindings"),
          "lab",
          binding("a", "ClusterRole", "cluster-admin"),
          asJane,
        ),
      ),
    ).toEqual({
      code: 403,
      message:
        'rolebindings.rbac.authorization.k8s.io "a" is forbidden: user "jane" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
        '{APIGroups:["*"], Resources:["*"], Verbs:["*"]}\n{NonResourceURLs:["*"], Verbs:["*"]}',
    });
    expect(
      await statusOf(
        fixture.registry.create(fixture.kind("rolebindings"), "lab", binding("b", "ClusterRole", "view"), asJane),
      ),
    ).toBe("written");
    await fixture.registry.create(
      fixture.kind("roles"),
      "lab",
      role("binder", [
        {
          verbs: ["bind"],
          apiGroups: ["rbac.authorization.k8s.io"],
          resources: ["clusterroles"],
          resourceNames: ["cluster-admin"],
        },
      ]),
      { dryRun: false, user: clusterAdmin },
    );
    await fixture.registry.create(
      fixture.kind("rolebindings"),
      "lab",
      { ...binding("jane-binder", "Role", "binder"), subjects: [{ kind: "User", name: "jane" }] },
      { dryRun: false, user: clusterAdmin },
    );
    expect(
      await statusOf(
        fixture.registry.create(
          fixture.kind("rolebindings"),
          "lab",
          binding("c", "ClusterRole", "cluster-admin"),
          asJane,
        ),
      ),
    ).toBe("written");
  });

  it("answers 404 for a binding to a role that does not exist when the author needs its rules", async () => {
    expect(
      await statusOf(
        fixture.registry.create(fixture.kind("rolebindings"), "lab", binding("d", "Role", "gone"), asJane),
      ),
    ).toEqual({
      code: 404,
      message: 'roles.rbac.authorization.k8s.io "gone" not found',
    });
  });

  it("requires cluster-admin power for an aggregationRule, and lets escalate holders write any ClusterRole", async () => {
    await fixture.registry.create(
      fixture.kind("clusterrolebindings"),
      "",
      {
        metadata: { name: "jane-writes-clusterroles" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:aggregate-to-admin" },
        subjects: [{ kind: "User", name: "jane" }],
      },
      { dryRun: false, user: clusterAdmin },
    );
    const aggregated = {
      metadata: { name: "gather" },
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { team: "a" } }] },
      rules: [],
    };
    expect(await statusOf(fixture.registry.create(fixture.kind("clusterroles"), "", aggregated, asJane))).toEqual({
      code: 403,
      message:
        'clusterroles.rbac.authorization.k8s.io "gather" is forbidden: must have cluster-admin privileges to use the aggregationRule',
    });
    await fixture.registry.create(
      fixture.kind("clusterroles"),
      "",
      role("escalator", [
        { verbs: ["escalate"], apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"] },
      ]),
      { dryRun: false, user: clusterAdmin },
    );
    await fixture.registry.create(
      fixture.kind("clusterrolebindings"),
      "",
      { ...binding("jane-escalates", "ClusterRole", "escalator"), subjects: [{ kind: "User", name: "jane" }] },
      { dryRun: false, user: clusterAdmin },
    );
    expect(await statusOf(fixture.registry.create(fixture.kind("clusterroles"), "", aggregated, asJane))).toBe(
      "written",
    );
  });
});
