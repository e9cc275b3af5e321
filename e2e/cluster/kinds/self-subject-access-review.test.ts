import { describe, expect, it } from "vitest";
import { clusterAdminReason, selfSubjectAccessReview } from "./self-subject-access-review";
import { ApiError } from "../k8s-status";

const review = (spec: unknown) => ({ apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectAccessReview", spec });

function statusOf(run: () => unknown): { code: number; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return { code: error.status.code, message: error.status.message };
    throw error;
  }
  throw new Error("expected an ApiError");
}

describe("selfSubjectAccessReview", () => {
  it("allows a resource request as RBAC does for kind's cluster-admin, echoing the spec", () => {
    const spec = { resourceAttributes: { verb: "create", resource: "pods", subresource: "exec", namespace: "lab" } };
    expect(selfSubjectAccessReview(review(spec))).toEqual({
      kind: "SelfSubjectAccessReview",
      apiVersion: "authorization.k8s.io/v1",
      metadata: { creationTimestamp: null },
      spec,
      status: { allowed: true, reason: clusterAdminReason },
    });
  });

  it("allows a non-resource request (kubectl auth can-i get /healthz)", () => {
    expect(selfSubjectAccessReview(review({ nonResourceAttributes: { verb: "get", path: "/healthz" } }))).toMatchObject(
      { status: { allowed: true } },
    );
  });

  it.each([
    [
      "neither attribute set",
      review({}),
      422,
      'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
    ],
    [
      "both attributes set",
      review({ resourceAttributes: { verb: "get" }, nonResourceAttributes: { verb: "get", path: "/" } }),
      422,
      "cannot be specified in combination with resourceAttributes",
    ],
    [
      "another kind",
      { apiVersion: "v1", kind: "Pod", spec: {} },
      400,
      "the body of the request was in an unknown format",
    ],
  ])("refuses %s", (_name, body, code, message) => {
    const status = statusOf(() => selfSubjectAccessReview(body));
    expect(status.code).toBe(code);
    expect(status.message).toContain(message);
  });
});
