import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rbacFixture } from "../auth/rbac-fixture";
import { ApiError } from "../k8s-status";
import { clusterAdmin, type TUserInfo } from "../registry/kind";

type TFixture = Awaited<ReturnType<typeof rbacFixture>>;
let fixture: TFixture;
const adminReason =
  'RBAC: allowed by ClusterRoleBinding "kubeadm:cluster-admins" of ClusterRole "cluster-admin" to Group "kubeadm:cluster-admins"';

beforeEach(async () => {
  fixture = await rbacFixture();
  const write = { dryRun: false, user: clusterAdmin };
  await fixture.registry.create(fixture.kind("namespaces"), "", { metadata: { name: "lab" } }, write);
  await fixture.registry.create(
    fixture.kind("roles"),
    "lab",
    { metadata: { name: "pod-reader" }, rules: [{ verbs: ["get", "list"], apiGroups: [""], resources: ["pods"] }] },
    write,
  );
  await fixture.registry.create(
    fixture.kind("rolebindings"),
    "lab",
    {
      metadata: { name: "auditor" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "pod-reader" },
      subjects: [{ kind: "ServiceAccount", name: "auditor", namespace: "lab" }],
    },
    write,
  );
});
afterEach(() => fixture.stop());

function review(resource: string, body: unknown, user: TUserInfo = clusterAdmin, namespace = "") {
  const kind = fixture.kind(resource);
  if (!kind.review) throw new Error(`${resource} is not a review`);
  return kind.review(body, { user, registry: fixture.registry, namespace });
}
function refusal(run: () => unknown): { code: number; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return { code: error.status.code, message: error.status.message };
    throw error;
  }
  throw new Error("expected a refusal");
}
const ssar = (spec: unknown) => ({ apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectAccessReview", spec });
const sar = (spec: unknown) => ({ apiVersion: "authorization.k8s.io/v1", kind: "SubjectAccessReview", spec });
const auditor = {
  user: "system:serviceaccount:lab:auditor",
  groups: ["system:serviceaccounts", "system:serviceaccounts:lab"],
};

describe("SelfSubjectAccessReview", () => {
  it("answers for the asking user, echoing the spec, with RBAC's reason", () => {
    const spec = { resourceAttributes: { verb: "create", resource: "pods", subresource: "exec", namespace: "lab" } };
    expect(review("selfsubjectaccessreviews", ssar(spec))).toEqual({
      kind: "SelfSubjectAccessReview",
      apiVersion: "authorization.k8s.io/v1",
      metadata: { creationTimestamp: null },
      spec,
      status: { allowed: true, reason: adminReason },
    });
    const asked = { username: auditor.user, groups: [...auditor.groups, "system:authenticated"] };
    expect(review("selfsubjectaccessreviews", ssar(spec), asked)).toMatchObject({ status: { allowed: false } });
    expect(
      review("selfsubjectaccessreviews", ssar({ nonResourceAttributes: { verb: "get", path: "/healthz" } }), asked),
    ).toMatchObject({
      status: { allowed: true },
    });
  });

  it.each([
    [
      "neither attribute",
      {},
      'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
    ],
    [
      "both attributes",
      { resourceAttributes: { verb: "get" }, nonResourceAttributes: { verb: "get", path: "/" } },
      'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.nonResourceAttributes: Invalid value: {"verb":"get","path":"/"}: cannot be specified in combination with resourceAttributes',
    ],
  ])("refuses %s with 422", (_name, spec, message) => {
    expect(refusal(() => review("selfsubjectaccessreviews", ssar(spec)))).toEqual({ code: 422, message });
  });

  it("refuses a body of another kind with 400", () => {
    expect(refusal(() => review("selfsubjectaccessreviews", sar({})))).toMatchObject({ code: 400 });
  });
});

describe("SubjectAccessReview", () => {
  it.each([
    ["get pods in lab", { verb: "get", resource: "pods", namespace: "lab" }, true],
    ["list pods in lab", { verb: "list", resource: "pods", namespace: "lab" }, true],
    ["delete pods in lab", { verb: "delete", resource: "pods", namespace: "lab" }, false],
    ["get pods in default", { verb: "get", resource: "pods", namespace: "default" }, false],
    ["get secrets in lab", { verb: "get", resource: "secrets", namespace: "lab" }, false],
  ])("answers for spec.user and spec.groups: %s", (_name, resourceAttributes, allowed) => {
    const answer = review("subjectaccessreviews", sar({ resourceAttributes, ...auditor }));
    expect(answer).toMatchObject({ spec: { resourceAttributes, ...auditor }, status: { allowed } });
  });

  it("asks about exactly the user given: no groups means none", () => {
    const spec = {
      resourceAttributes: { verb: "create", resource: "selfsubjectaccessreviews", group: "authorization.k8s.io" },
    };
    expect(review("subjectaccessreviews", sar({ ...spec, user: "jane" }))).toMatchObject({
      status: { allowed: false },
    });
    expect(
      review("subjectaccessreviews", sar({ ...spec, user: "jane", groups: ["system:authenticated"] })),
    ).toMatchObject({
      status: {
        allowed: true,
        reason:
          'RBAC: allowed by ClusterRoleBinding "system:basic-user" of ClusterRole "system:basic-user" to Group "system:authenticated"',
      },
    });
  });

  it("needs a user or a group", () => {
    expect(
      refusal(() => review("subjectaccessreviews", sar({ resourceAttributes: { verb: "get", resource: "pods" } }))),
    ).toEqual({
      code: 422,
      message:
        'SubjectAccessReview.authorization.k8s.io "" is invalid: spec.user: Invalid value: "": at least one of user or group must be specified',
    });
  });
});

describe("LocalSubjectAccessReview", () => {
  const local = (spec: unknown) => ({ apiVersion: "authorization.k8s.io/v1", kind: "LocalSubjectAccessReview", spec });

  it("answers in the request's namespace, filling it in when the spec has none", () => {
    expect(
      review(
        "localsubjectaccessreviews",
        local({ resourceAttributes: { verb: "get", resource: "pods" }, ...auditor }),
        clusterAdmin,
        "lab",
      ),
    ).toMatchObject({
      metadata: { namespace: "lab" },
      spec: { resourceAttributes: { namespace: "lab" } },
      status: { allowed: true },
    });
  });

  it("refuses another namespace in the spec", () => {
    const body = local({ resourceAttributes: { verb: "get", resource: "pods", namespace: "default" }, ...auditor });
    expect(refusal(() => review("localsubjectaccessreviews", body, clusterAdmin, "lab"))).toEqual({
      code: 400,
      message: "spec.resourceAttributes.namespace must match namespace: lab",
    });
  });
});

describe("SelfSubjectRulesReview and SelfSubjectReview", () => {
  const asked = { username: auditor.user, groups: [...auditor.groups, "system:authenticated"] };

  it("lists the asking user's rules in the namespace, resource and non-resource apart", () => {
    const answer = review(
      "selfsubjectrulesreviews",
      { apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectRulesReview", spec: { namespace: "lab" } },
      asked,
    ) as { spec: unknown; status: { resourceRules: unknown[]; nonResourceRules: unknown[]; incomplete: boolean } };
    expect(answer.spec).toEqual({});
    expect(answer.status.incomplete).toBe(false);
    expect(answer.status.resourceRules).toContainEqual({
      verbs: ["get", "list"],
      apiGroups: [""],
      resources: ["pods"],
    });
    expect(answer.status.nonResourceRules).toContainEqual({
      verbs: ["get"],
      nonResourceURLs: ["/healthz", "/livez", "/readyz", "/version", "/version/"],
    });
    expect(
      refusal(() =>
        review(
          "selfsubjectrulesreviews",
          { apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectRulesReview", spec: {} },
          asked,
        ),
      ),
    ).toEqual({ code: 400, message: "no namespace on request" });
  });

  it("tells the asking user who they are (kubectl auth whoami)", () => {
    expect(
      review("selfsubjectreviews", { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" }, asked),
    ).toEqual({
      kind: "SelfSubjectReview",
      apiVersion: "authentication.k8s.io/v1",
      metadata: { creationTimestamp: null },
      status: { userInfo: { username: auditor.user, groups: asked.groups } },
    });
  });
});
