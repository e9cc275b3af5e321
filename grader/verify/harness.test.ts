import { describe, expect, it } from "vitest";
import type { KubeObject } from "../port";
import { FakeCluster, podFixture } from "../testing/fake-cluster";
import { labWith } from "../testing/lab-builder";
import { applyManifests, removeApplied } from "./apply-manifests";
import { gradeUntil, waitForFullMarks } from "./grade-until";

const NS = "immutable-lab";
const lab = labWith([
  {
    id: "ro",
    type: "field",
    pod: "nginx",
    container: "nginx",
    path: "securityContext.readOnlyRootFilesystem",
    equals: true,
  },
]);
const policy = {
  apiVersion: "admissionregistration.k8s.io/v1",
  kind: "ValidatingAdmissionPolicy",
  metadata: { name: "require-readonly-rootfs" },
};
const pod = (name: string) => ({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: NS }, spec: {} });

describe("applyManifests and removeApplied", () => {
  it("creates the namespace with its labels and each manifest moved into it, remembering what it created", async () => {
    const cluster = new FakeCluster();
    const { applied, failure } = await applyManifests({
      cluster,
      lab,
      namespace: "cks-fresh",
      labels: { team: "a" },
      manifests: [pod("web"), policy] as never,
    });
    expect(failure).toBeNull();
    const created = cluster.calls.filter((c) => c.method === "create").map((c) => c.args as { manifest: KubeObject });
    expect(created.map((c) => [c.manifest.kind, c.manifest.metadata?.namespace ?? null])).toEqual([
      ["Namespace", null],
      ["Pod", "cks-fresh"],
      ["ValidatingAdmissionPolicy", null],
    ]);
    expect(created[0]!.manifest.metadata).toEqual({ name: "cks-fresh", labels: { team: "a" } });
    expect(applied).toEqual({
      namespace: "cks-fresh",
      created: [
        { apiVersion: "v1", kind: "Pod", name: "web", namespace: "cks-fresh" },
        {
          apiVersion: "admissionregistration.k8s.io/v1",
          kind: "ValidatingAdmissionPolicy",
          name: "require-readonly-rootfs",
        },
      ],
    });
  });

  it("stops at the first refusal and says which manifest and why, keeping what exists for clean-up", async () => {
    const cluster = new FakeCluster();
    cluster.admission = (m) =>
      m.metadata?.name === "bad" ? { kind: "rejected", code: 422, reason: "Invalid", message: "spec is wrong" } : null;
    const { applied, failure } = await applyManifests({
      cluster,
      lab,
      namespace: "cks-x",
      labels: {},
      manifests: [pod("good"), pod("bad"), pod("never")] as never,
    });
    expect(failure).toBe("applying Pod bad failed: rejected: spec is wrong");
    expect(applied.created.map((r) => r.name)).toEqual(["good"]);
  });

  it("deletes cluster-scoped objects newest first, then the namespace, and reports what it could not delete", async () => {
    const cluster = new FakeCluster();
    const applied = {
      namespace: "cks-x",
      created: [
        { apiVersion: "v1", kind: "Pod", name: "web", namespace: "cks-x" },
        { apiVersion: "a/v1", kind: "Policy", name: "first" },
        { apiVersion: "a/v1", kind: "Binding", name: "second" },
      ],
    };
    cluster.failures.delete = { kind: "forbidden", verb: "delete", resource: "x", message: "no" };
    expect(await removeApplied(cluster, applied)).toEqual([
      "cleanup: deleting Binding second failed: forbidden: no",
      "cleanup: deleting Policy first failed: forbidden: no",
      "cleanup: deleting Namespace cks-x failed: forbidden: no",
    ]);
    cluster.failures = {};
    // Already gone is not a failure.
    expect(await removeApplied(cluster, applied)).toEqual([]);
  });
});

describe("gradeUntil and waitForFullMarks", () => {
  it("grades again until the solution scores full marks", async () => {
    const cluster = new FakeCluster(NS);
    setTimeout(() => cluster.addPod(NS, podFixture("nginx-running")), 30);
    const settled = await waitForFullMarks({ lab, cluster, namespace: NS, timeoutMs: 5_000, pollMs: 5 });
    expect(settled).toMatchObject({ ok: true, report: { status: "passed", score: 1, maxScore: 1 } });
    expect(cluster.count("readPod")).toBeGreaterThan(1);
  });

  it("gives up after the timeout, naming each check that still fails", async () => {
    const settled = await waitForFullMarks({
      lab,
      cluster: new FakeCluster(NS),
      namespace: NS,
      timeoutMs: 20,
      pollMs: 5,
    });
    expect(settled).toMatchObject({
      ok: false,
      failure: expect.stringMatching(/^the reference solution never reached full marks: ro: /),
    });
  });

  it("does not accept an answer before minSettleMs, and grades once with maxAttempts 1", async () => {
    const cluster = new FakeCluster(NS).addPod(NS, podFixture("nginx-running"));
    const base = { lab, cluster, namespace: NS, judge: () => [], settleMs: 5_000, pollMs: 5 };
    const settled = await gradeUntil({ ...base, minSettleMs: 40 });
    expect(settled.attempts).toBeGreaterThan(1);
    expect(settled.deviations).toEqual([]);
    const once = await gradeUntil({ ...base, judge: () => ["still wrong"], maxAttempts: 1 });
    expect(once).toMatchObject({ attempts: 1, deviations: ["still wrong"] });
  });
});
