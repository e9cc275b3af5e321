import { describe, expect, it } from "vitest";
import { gradeLab } from "../grade-lab";
import type { SubjectAccessRequest } from "../port";
import type { AccessReviewEvidence, CheckResult } from "../report";
import { FakeCluster } from "../testing/fake-cluster";
import { labWith } from "../testing/lab-builder";

const NS = "rbac-lab";
const reads = {
  id: "auditor-reads",
  type: "accessReview",
  serviceAccount: "auditor",
  requests: [
    { verb: "get", resource: "pods", expect: "allowed" },
    { verb: "list", resource: "pods", expect: "allowed" },
    { verb: "get", resource: "pods", subresource: "log", expect: "allowed" },
  ],
};
const nothingElse = {
  id: "auditor-nothing-else",
  type: "accessReview",
  serviceAccount: "auditor",
  requires: ["auditor-reads"],
  requests: [
    { verb: "create", resource: "pods", expect: "denied" },
    { verb: "create", resource: "pods", subresource: "exec", expect: "denied" },
    { verb: "list", resource: "pods", namespace: "default", expect: "denied" },
    { verb: "list", resource: "pods", namespace: "", expect: "denied" },
  ],
};

/** A cluster whose RBAC lets the auditor do `may` (as "verb resource[/sub] namespace" strings). */
function clusterWhere(may: string[]): FakeCluster {
  const cluster = new FakeCluster(NS);
  cluster.subjectAuthorizer = (request: SubjectAccessRequest) => {
    const key = `${request.verb} ${request.resource}${request.subresource ? `/${request.subresource}` : ""} ${request.namespace ?? ""}`;
    const allowed = request.user === `system:serviceaccount:${NS}:auditor` && may.includes(key);
    return { allowed, reason: allowed ? 'RBAC: allowed by RoleBinding "auditor/rbac-lab" of Role "pod-reader"' : null };
  };
  return cluster;
}

async function grade(cluster: FakeCluster): Promise<CheckResult[]> {
  const report = await gradeLab({ lab: labWith([reads, nothingElse], NS), cluster });
  return report.results;
}

describe("accessReview checks", () => {
  it("pass when every answer is the expected one, asking as the ServiceAccount with its groups", async () => {
    const cluster = clusterWhere(["get pods rbac-lab", "list pods rbac-lab", "get pods/log rbac-lab"]);
    const results = await grade(cluster);
    expect(results.map((r) => [r.checkId, r.status])).toEqual([
      ["auditor-reads", "pass"],
      ["auditor-nothing-else", "pass"],
    ]);
    expect(cluster.calls.filter((c) => c.method === "reviewSubjectAccess").map((c) => c.args)).toContainEqual({
      user: "system:serviceaccount:rbac-lab:auditor",
      groups: ["system:serviceaccounts", "system:serviceaccounts:rbac-lab", "system:authenticated"],
      verb: "get",
      group: "",
      resource: "pods",
      subresource: "log",
      namespace: "rbac-lab",
    });
    const evidence = results[0]?.evidence[0] as AccessReviewEvidence;
    expect(evidence.rows[2]).toEqual({
      request: "get pods/log in rbac-lab",
      command: "kubectl auth can-i get pods --subresource=log -n rbac-lab --as=system:serviceaccount:rbac-lab:auditor",
      expected: "allowed",
      answer: "allowed",
      reason: 'RBAC: allowed by RoleBinding "auditor/rbac-lab" of Role "pod-reader"',
    });
  });

  it("fails on nothing granted, and the all-denied check does not count then", async () => {
    const results = await grade(clusterWhere([]));
    expect(results[0]).toMatchObject({
      status: "fail",
      observed: expect.stringContaining("auditor may not get pods in rbac-lab"),
    });
    expect(results[1]).toMatchObject({ status: "fail", outcome: "requires-unmet" });
  });

  it("names what is allowed that should not be (wildcard verbs, a ClusterRoleBinding)", async () => {
    const results = await grade(
      clusterWhere([
        "get pods rbac-lab",
        "list pods rbac-lab",
        "get pods/log rbac-lab",
        "create pods rbac-lab",
        "list pods default",
        "list pods ",
      ]),
    );
    expect(results[0]?.status).toBe("pass");
    expect(results[1]).toMatchObject({
      status: "fail",
      observed: "auditor may create pods in rbac-lab; may list pods in default; may list pods in all namespaces",
    });
  });

  it("reports a grader without create subjectaccessreviews as a permission error, not a fail", async () => {
    const cluster = clusterWhere([]);
    cluster.failures.reviewSubjectAccess = {
      kind: "forbidden",
      verb: "create",
      resource: "subjectaccessreviews",
      message: 'subjectaccessreviews.authorization.k8s.io is forbidden: User "x" cannot create resource',
    };
    const results = await grade(cluster);
    expect(results[0]).toMatchObject({ status: "error", outcome: "forbidden" });
  });
});

describe("accessReview in a lab file", () => {
  it("refuses a check that only expects denied and requires nothing that grants", () => {
    expect(() => labWith([{ ...nothingElse, requires: undefined }], NS)).toThrow(
      /expects only \W+denied\W+ which an empty cluster answers too/,
    );
    expect(() => labWith([{ ...reads }, { ...nothingElse, requires: undefined }], NS)).toThrow(
      /expects only \W+denied/,
    );
  });

  it("refuses the lab namespace written out, and the same question twice", () => {
    const named = { ...reads, requests: [{ verb: "get", resource: "pods", namespace: NS, expect: "allowed" }] };
    expect(() => labWith([named], NS)).toThrow(/omit namespace for the lab namespace \(rbac-lab\)/);
    const twice = { ...reads, requests: [reads.requests[0], reads.requests[0]] };
    expect(() => labWith([twice], NS)).toThrow(/asks the same question as an earlier request/);
  });
});
