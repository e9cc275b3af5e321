import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { checkConnection } from "../check-connection";
import { gradeLab } from "../grade-lab";
import type { ClusterPort, KubeObject } from "../port";
import { labWith } from "../testing/lab-builder";
import { connectCluster } from "./connect-cluster";

const kubeconfigPath = inject("kubeconfigPath");
const suffix = randomBytes(3).toString("hex");
const namespace = `grader-it-${suffix}`;
let cluster: ClusterPort;

function connect(): ClusterPort {
  const result = connectCluster({ kubeconfigPath });
  if (!result.ok) throw new Error(result.failure.message);
  return result.cluster;
}

// expect.poll is not available in hooks, so the hook polls with its own deadline.
async function waitForRunning(name: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  let last = "";
  while (Date.now() < deadline) {
    const read = await cluster.readPod(namespace, name);
    last = read.ok ? String((read.value.status as { phase?: string } | undefined)?.phase) : read.failure.kind;
    if (last === "Running") return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`pod ${name} not Running after 60 s (last: ${last})`);
}

const busybox = (name: string, command: string[]): KubeObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name },
  spec: { containers: [{ name: "box", image: "busybox", command }] },
});

beforeAll(async () => {
  cluster = connect();
  const ns = await cluster.create(
    { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace, labels: { "grader-it": suffix } } },
    { namespace },
  );
  if (!ns.ok) throw new Error(`cannot create namespace: ${ns.failure.message}`);
  const pod = await cluster.create(busybox("box", ["sh", "-c", "echo hello-from-box; sleep 3600"]), { namespace });
  if (!pod.ok) throw new Error(`cannot create pod: ${pod.failure.message}`);
  await waitForRunning("box");
});

afterAll(async () => {
  await cluster?.delete({ apiVersion: "v1", kind: "Namespace", name: namespace });
});

describe("ClientNodeCluster against the test cluster", () => {
  it("answers the connectivity probe with the server version", async () => {
    const status = await checkConnection(cluster);
    expect(status).toMatchObject({ ok: true, version: expect.stringMatching(/^v1\./) });
  });

  it("returns not-found for a missing namespace and a missing pod", async () => {
    expect(await cluster.readNamespace(`nope-${suffix}`)).toMatchObject({ ok: false, failure: { kind: "not-found" } });
    expect(await cluster.readPod(namespace, "nope")).toMatchObject({ ok: false, failure: { kind: "not-found" } });
  });

  it("lists pods by label selector, bounded, and says when there were more", async () => {
    const all = await cluster.listObjects({ apiVersion: "v1", kind: "Pod", namespace, limit: 10 });
    expect(all.ok && all.value.items.map((p) => p.metadata?.name)).toEqual(["box"]);
    expect(all.ok && all.value.truncated).toBe(false);
    const none = await cluster.listObjects({
      apiVersion: "v1",
      kind: "Pod",
      namespace,
      labelSelector: "app=none",
      limit: 10,
    });
    expect(none).toEqual({ ok: true, value: { items: [], truncated: false } });
    const extra = await cluster.create(busybox("box-two", ["sleep", "3600"]), { namespace });
    expect(extra.ok).toBe(true);
    const capped = await cluster.listObjects({ apiVersion: "v1", kind: "Pod", namespace, limit: 1 });
    expect(capped.ok && capped.value.items).toHaveLength(1);
    expect(capped.ok && capped.value.truncated).toBe(true);
  });

  it("execs argv and returns exit code, stdout and stderr", async () => {
    const result = await cluster.exec({
      namespace,
      pod: "box",
      container: "box",
      command: ["sh", "-c", "echo out; echo err >&2; exit 3"],
      timeoutMs: 10_000,
    });
    expect(result).toEqual({ ok: true, value: { exitCode: 3, stdout: "out\n", stderr: "err\n" } });
    expect(
      await cluster.exec({ namespace, pod: "box", container: "box", command: ["true"], timeoutMs: 10_000 }),
    ).toEqual({ ok: true, value: { exitCode: 0, stdout: "", stderr: "" } });
  });

  it("ends a command that does not finish with a timeout", async () => {
    const started = performance.now();
    const result = await cluster.exec({
      namespace,
      pod: "box",
      container: "box",
      command: ["sleep", "30"],
      timeoutMs: 500,
    });
    expect(result).toMatchObject({ ok: false, failure: { kind: "timeout" } });
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("exec into a missing pod or container is a failure that says so, not a result", async () => {
    expect(
      await cluster.exec({ namespace, pod: "nope", container: "box", command: ["true"], timeoutMs: 5_000 }),
    ).toMatchObject({ ok: false, failure: { kind: "not-found" } });
    expect(
      await cluster.exec({ namespace, pod: "box", container: "nope", command: ["true"], timeoutMs: 5_000 }),
    ).toMatchObject({
      ok: false,
      // The upgrade's refusal carries the API server's Status, and its words reach the result.
      failure: { kind: "unexpected", code: 400, message: expect.stringContaining("nope") },
    });
  });

  it("reads the container log", async () => {
    const result = await cluster.readLogs({ namespace, pod: "box", container: "box", previous: false });
    expect(result).toMatchObject({ ok: true, value: expect.stringContaining("hello-from-box") });
  });

  it("server-side dry-run does not persist and surfaces admission rejections", async () => {
    const dry = await cluster.create(busybox("dry", ["true"]), { namespace, dryRun: true });
    expect(dry.ok).toBe(true);
    expect(await cluster.readPod(namespace, "dry")).toMatchObject({ ok: false, failure: { kind: "not-found" } });

    const policyName = `grader-it-${suffix}`;
    const policy = {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingAdmissionPolicy",
      metadata: { name: policyName },
      spec: {
        failurePolicy: "Fail",
        matchConstraints: {
          resourceRules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["pods"] }],
        },
        validations: [{ expression: "object.metadata.name != 'forbidden-name'", message: "that name is not allowed" }],
      },
    };
    const binding = {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingAdmissionPolicyBinding",
      metadata: { name: `${policyName}-binding` },
      spec: {
        policyName,
        validationActions: ["Deny"],
        matchResources: { namespaceSelector: { matchLabels: { "grader-it": suffix } } },
      },
    };
    try {
      expect((await cluster.create(policy, { namespace })).ok).toBe(true);
      expect((await cluster.create(binding, { namespace })).ok).toBe(true);
      await expect
        .poll(
          async () => {
            const result = await cluster.create(busybox("forbidden-name", ["true"]), { namespace, dryRun: true });
            return result.ok ? "admitted" : result.failure;
          },
          { timeout: 10_000 },
        )
        .toMatchObject({ kind: "rejected", message: expect.stringContaining("that name is not allowed") });
    } finally {
      await cluster.delete({ apiVersion: binding.apiVersion, kind: binding.kind, name: binding.metadata.name });
      await cluster.delete({ apiVersion: policy.apiVersion, kind: policy.kind, name: policyName });
    }
  });

  it("adds a debug container with a dry-run through pods/ephemeralcontainers, where admission sees it", async () => {
    const debuggerContainer = { name: "debugger", image: "busybox", command: ["sh"] };
    const dry = await cluster.addEphemeralContainer({
      namespace,
      pod: "box",
      container: debuggerContainer,
      dryRun: true,
    });
    expect(dry.ok && (dry.value.spec as { ephemeralContainers?: unknown[] }).ephemeralContainers).toMatchObject([
      { name: "debugger", image: "busybox" },
    ]);
    // Nothing was stored.
    const read = await cluster.readPod(namespace, "box");
    expect(read.ok && (read.value.spec as { ephemeralContainers?: unknown }).ephemeralContainers).toBeUndefined();
    expect(
      await cluster.addEphemeralContainer({ namespace, pod: "absent", container: debuggerContainer, dryRun: true }),
    ).toMatchObject({ ok: false, failure: { kind: "not-found" } });

    const policyName = `grader-it-debug-${suffix}`;
    const policy = {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingAdmissionPolicy",
      metadata: { name: policyName },
      spec: {
        failurePolicy: "Fail",
        matchConstraints: {
          resourceRules: [
            { apiGroups: [""], apiVersions: ["v1"], operations: ["UPDATE"], resources: ["pods/ephemeralcontainers"] },
          ],
        },
        validations: [
          {
            expression: "object.spec.ephemeralContainers.all(c, c.image.startsWith('registry.k8s.io/'))",
            message: "debug images come from registry.k8s.io",
          },
        ],
      },
    };
    const binding = {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingAdmissionPolicyBinding",
      metadata: { name: `${policyName}-binding` },
      spec: {
        policyName,
        validationActions: ["Deny"],
        matchResources: { namespaceSelector: { matchLabels: { "grader-it": suffix } } },
      },
    };
    try {
      expect((await cluster.create(policy, { namespace })).ok).toBe(true);
      expect((await cluster.create(binding, { namespace })).ok).toBe(true);
      await expect
        .poll(
          async () => {
            const result = await cluster.addEphemeralContainer({
              namespace,
              pod: "box",
              container: debuggerContainer,
              dryRun: true,
            });
            return result.ok ? "admitted" : result.failure;
          },
          { timeout: 10_000 },
        )
        .toMatchObject({
          kind: "rejected",
          code: 422,
          message: expect.stringContaining("debug images come from registry.k8s.io"),
        });
      const pinned = await cluster.addEphemeralContainer({
        namespace,
        pod: "box",
        container: { name: "debugger", image: "registry.k8s.io/e2e-test-images/busybox:1.36.1-1" },
        dryRun: true,
      });
      expect(pinned.ok).toBe(true);
    } finally {
      await cluster.delete({ apiVersion: binding.apiVersion, kind: binding.kind, name: binding.metadata.name });
      await cluster.delete({ apiVersion: policy.apiVersion, kind: policy.kind, name: policyName });
    }
  });

  it("reports a bad token as unauthorized", async () => {
    const yaml = readFileSync(kubeconfigPath, "utf8").replace(/token: .*/, "token: wrong-token");
    const result = connectCluster({ kubeconfigYaml: yaml });
    if (!result.ok) throw new Error(result.failure.message);
    expect(await result.cluster.readPod(namespace, "box")).toMatchObject({
      ok: false,
      failure: { kind: "unauthorized" },
    });
    const report = await gradeLab({
      lab: labWith(
        [{ id: "ro", type: "podCondition", pod: "box", container: "box", expect: { phase: ["Running"] } }],
        namespace,
      ),
      cluster: result.cluster,
    });
    expect(report).toMatchObject({ status: "error", score: 0, problem: { outcome: "unauthorized" } });
  });

  it("grades through client-node: a running pod passes, a missing namespace is reported as such", async () => {
    const lab = labWith(
      [
        {
          id: "running",
          type: "podCondition",
          pod: "box",
          container: "box",
          expect: { phase: ["Running"], ready: true },
        },
        { id: "log", type: "logs", pod: "box", container: "box", pattern: "hello-from-box", from: "current" },
        {
          id: "exec",
          type: "exec",
          pod: "box",
          container: "box",
          command: ["touch", "/tmp/{{probeFile}}"],
          expect: { exit: "zero" },
          cleanup: ["rm", "-f", "/tmp/{{probeFile}}"],
        },
      ],
      namespace,
    );
    const report = await gradeLab({ lab, cluster });
    expect(report.results.map((r) => [r.checkId, r.status, r.message])).toEqual([
      ["running", "pass", expect.any(String)],
      ["log", "pass", expect.any(String)],
      ["exec", "pass", expect.any(String)],
    ]);
    const missing = await gradeLab({ lab, cluster, namespace: `nope-${suffix}` });
    expect(missing.problem?.outcome).toBe("namespace-missing");
    expect(missing.results.every((r) => r.outcome === "namespace-missing")).toBe(true);
  });
});
