import { describe, expect, it } from "vitest";
import { gradeLab } from "../grade-lab";
import type { ClusterFailure, KubeObject } from "../port";
import type { CheckResult } from "../report";
import { FakeCluster, podFixture } from "../testing/fake-cluster";
import { labWith } from "../testing/lab-builder";

const NS = "immutable-lab";

async function grade(cluster: FakeCluster, check: Record<string, unknown>): Promise<CheckResult> {
  const report = await gradeLab({ lab: labWith([check]), cluster });
  const result = report.results[0];
  if (!result) throw new Error("no result");
  return result;
}

const crashing = () =>
  new FakeCluster(NS).addPod(NS, podFixture("nginx-broken-crashloop"), {
    current: "",
    previous:
      '2026/11/26 14:03:40 [emerg] 1#1: mkdir() "/var/cache/nginx/client_temp" failed (30: Read-only file system)\nnginx: [emerg] mkdir() "/var/cache/nginx/client_temp" failed (30: Read-only file system)\n',
  });
const running = () =>
  new FakeCluster(NS).addPod(NS, podFixture("nginx-running"), {
    current: "2026/11/26 14:05:02 [notice] 1#1: start worker processes\n",
  });

describe("objectExists", () => {
  const check = {
    id: "policy",
    type: "objectExists",
    object: {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingAdmissionPolicy",
      name: "require-readonly-rootfs",
    },
  };

  it("passes when the object exists", async () => {
    const cluster = new FakeCluster(NS).addObject({
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingAdmissionPolicy",
      metadata: { name: "require-readonly-rootfs" },
    });
    expect(await grade(cluster, check)).toMatchObject({ status: "pass", awarded: 1 });
  });

  it("fails with object-missing when it does not", async () => {
    const result = await grade(new FakeCluster(NS), check);
    expect(result).toMatchObject({
      status: "fail",
      outcome: "object-missing",
      awarded: 0,
      message: "Expected it; found no ValidatingAdmissionPolicy named require-readonly-rootfs.",
    });
    expect(result.evidence).toEqual([expect.objectContaining({ type: "object", found: false })]);
  });
});

describe("podCondition", () => {
  const failing = {
    id: "crash",
    type: "podCondition",
    pod: "nginx-broken",
    container: "nginx",
    expect: { reasonIn: ["Error", "CrashLoopBackOff"] },
  };
  const healthy = {
    id: "ok",
    type: "podCondition",
    pod: "nginx",
    container: "nginx",
    expect: { phase: ["Running"], ready: true },
  };

  it("sees CrashLoopBackOff on a crashing nginx", async () => {
    const result = await grade(crashing(), failing);
    expect(result.status).toBe("pass");
    expect(result.observed).toBe(
      "phase Running, not ready, 4 restarts, waiting: CrashLoopBackOff, last terminated: Error (exit 1)",
    );
  });

  it("sees Error right after the first crash", async () => {
    const cluster = new FakeCluster(NS).addPod(NS, podFixture("nginx-broken-error"));
    expect((await grade(cluster, failing)).status).toBe("pass");
  });

  it("does not see a failure on a running nginx", async () => {
    const cluster = new FakeCluster(NS).addPod(NS, {
      ...podFixture("nginx-running"),
      metadata: { name: "nginx-broken" },
    });
    const result = await grade(cluster, failing);
    expect(result).toMatchObject({ status: "fail", outcome: "failed" });
    expect(result.message).toBe("Expected it; found phase Running, ready, 0 restarts, running.");
  });

  it("requires Running and ready", async () => {
    expect((await grade(running(), healthy)).status).toBe("pass");
    const pending = new FakeCluster(NS).addPod(NS, podFixture("nginx-pending"));
    expect(await grade(pending, healthy)).toMatchObject({
      status: "fail",
      observed: "phase Pending, not ready, 0 restarts, waiting: ContainerCreating",
    });
  });

  it("counts restarts", async () => {
    const check = {
      id: "restarts",
      type: "podCondition",
      pod: "nginx-broken",
      container: "nginx",
      expect: { restartCountAtLeast: 5 },
    };
    expect((await grade(crashing(), check)).status).toBe("fail");
    expect((await grade(crashing(), { ...check, expect: { restartCountAtLeast: 4 } })).status).toBe("pass");
  });

  it("tells a missing pod, a missing container and a missing namespace apart", async () => {
    expect(await grade(new FakeCluster(NS), healthy)).toMatchObject({
      status: "fail",
      outcome: "pod-missing",
      message: `Pod nginx not found in namespace ${NS}: create it first.`,
      evidence: [{ type: "call", call: `kubectl get pod nginx -n ${NS}`, failure: "not-found" }],
    });
    expect(await grade(running(), { ...healthy, container: "sidecar" })).toMatchObject({
      outcome: "container-missing",
    });
    expect(await grade(new FakeCluster(), healthy)).toMatchObject({
      outcome: "namespace-missing",
      message: `Namespace ${NS} does not exist: kubectl create namespace ${NS}`,
    });
  });
});

describe("field", () => {
  const ro = {
    id: "ro",
    type: "field",
    pod: "nginx",
    container: "nginx",
    path: "securityContext.readOnlyRootFilesystem",
    equals: true,
  };
  const notPrivileged = {
    id: "np",
    type: "field",
    pod: "nginx",
    container: "nginx",
    path: "securityContext.privileged",
    absentOrFalse: true,
  };

  it("equals: passes on true, fails when unset (never true over nothing)", async () => {
    expect((await grade(running(), ro)).status).toBe("pass");
    const writable = podFixture("nginx-running") as { spec: { containers: { securityContext?: object }[] } };
    delete writable.spec.containers[0]!.securityContext;
    const result = await grade(new FakeCluster(NS).addPod(NS, writable), ro);
    expect(result).toMatchObject({ status: "fail", observed: "securityContext.readOnlyRootFilesystem not set" });
    expect(result.evidence).toEqual([
      {
        type: "field",
        target: "pod nginx container nginx",
        path: "securityContext.readOnlyRootFilesystem",
        values: [],
      },
    ]);
  });

  it("absentOrFalse: passes when privileged is unset, fails when true, fails on a missing pod", async () => {
    expect((await grade(running(), notPrivileged)).status).toBe("pass");
    const privileged = new FakeCluster(NS).addPod(NS, {
      ...podFixture("nginx-privileged-running"),
      metadata: { name: "nginx" },
    });
    expect(await grade(privileged, notPrivileged)).toMatchObject({
      status: "fail",
      observed: "securityContext.privileged = true",
    });
    expect(await grade(new FakeCluster(NS), notPrivileged)).toMatchObject({ status: "fail", outcome: "pod-missing" });
  });

  it("equals over list[*]: fails when one element lacks the field", async () => {
    const mounts = {
      id: "mro",
      type: "field",
      pod: "nginx",
      container: "nginx",
      path: "volumeMounts[*].readOnly",
      equals: true,
    };
    const pod = podFixture("nginx-running") as { spec: { containers: { volumeMounts: { readOnly?: boolean }[] }[] } };
    pod.spec.containers[0]!.volumeMounts[0]!.readOnly = true;
    expect(pod.spec.containers[0]!.volumeMounts.length).toBeGreaterThan(1);
    const result = await grade(new FakeCluster(NS).addPod(NS, pod), mounts);
    expect(result).toMatchObject({
      status: "fail",
      observed: expect.stringMatching(/^volumeMounts\[\*\]\.readOnly = true(, true)* \(unset in 1 place\)$/),
    });
  });

  it("a [key=value] selector that matches nothing fails instead of reading as an absent field", async () => {
    const wrongName = {
      id: "w",
      type: "field",
      pod: "nginx",
      container: "nginx",
      path: "volumeMounts[mountPath=/nope].readOnly",
      absentOrFalse: true,
    };
    expect(await grade(running(), wrongName)).toMatchObject({
      status: "fail",
      observed: "volumeMounts[mountPath=/nope].readOnly selects no element",
    });
  });

  it("emptyDirMountAt: accepts emptyDir, names the wrong volume source or a missing mount", async () => {
    const check = { id: "run", type: "field", pod: "nginx", container: "nginx", emptyDirMountAt: "/var/run" };
    expect(await grade(running(), check)).toMatchObject({
      status: "pass",
      observed: "/var/run is emptyDir volume run",
    });
    const hostPath = new FakeCluster(NS).addPod(NS, podFixture("nginx-hostpath-run"));
    expect(await grade(hostPath, check)).toMatchObject({
      status: "fail",
      observed: "/var/run is backed by hostPath (volume run)",
    });
    const broken = new FakeCluster(NS).addPod(NS, {
      ...podFixture("nginx-broken-crashloop"),
      metadata: { name: "nginx" },
    });
    const result = await grade(broken, check);
    expect(result).toMatchObject({ status: "fail", message: "Expected it; found no volumeMount at /var/run." });
    expect(result.evidence).toEqual([
      { type: "mount", pod: "nginx", container: "nginx", mountPath: "/var/run", volume: null, source: null },
    ]);
  });

  it("contains: substring of any list item, or membership of a list", async () => {
    const policy = {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingAdmissionPolicy",
      metadata: { name: "p" },
      spec: {
        validations: [
          { expression: "object.spec.containers.all(c, c.securityContext.readOnlyRootFilesystem == true)" },
        ],
      },
    };
    const binding = {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingAdmissionPolicyBinding",
      metadata: { name: "b" },
      spec: { validationActions: ["Warn", "Audit"] },
    };
    const cluster = new FakeCluster(NS).addObject(policy).addObject(binding);
    const object = (kind: string, name: string) => ({ apiVersion: "admissionregistration.k8s.io/v1", kind, name });
    expect(
      (
        await grade(cluster, {
          id: "e",
          type: "field",
          object: object("ValidatingAdmissionPolicy", "p"),
          path: "spec.validations[*].expression",
          contains: "readOnlyRootFilesystem",
        })
      ).status,
    ).toBe("pass");
    expect(
      (
        await grade(cluster, {
          id: "e",
          type: "field",
          object: object("ValidatingAdmissionPolicy", "p"),
          path: "spec.validations[*].expression",
          contains: "runAsNonRoot",
        })
      ).status,
    ).toBe("fail");
    const deny = await grade(cluster, {
      id: "d",
      type: "field",
      object: object("ValidatingAdmissionPolicyBinding", "b"),
      path: "spec.validationActions",
      contains: "Deny",
    });
    expect(deny).toMatchObject({ status: "fail", observed: 'spec.validationActions = ["Warn","Audit"]' });
    expect(
      await grade(cluster, {
        id: "d",
        type: "field",
        object: object("ValidatingAdmissionPolicyBinding", "nope"),
        path: "spec.x",
        contains: "Deny",
      }),
    ).toMatchObject({ outcome: "object-missing" });
  });
});

describe("exec", () => {
  const rootWrite = {
    id: "root",
    type: "exec",
    pod: "nginx",
    container: "nginx",
    command: ["touch", "/{{probeFile}}"],
    expect: { exit: "nonzero", outputMatches: "Read-only file system" },
    cleanup: ["rm", "-f", "/{{probeFile}}"],
  };
  const cacheWrite = {
    id: "cache",
    type: "exec",
    pod: "nginx",
    container: "nginx",
    command: ["touch", "/var/cache/nginx/{{probeFile}}"],
    expect: { exit: "zero" },
  };

  it("expects failure with the pattern, using a fresh file name per run and cleaning up", async () => {
    const cluster = running();
    const first = await grade(cluster, rootWrite);
    const second = await grade(cluster, rootWrite);
    expect(first.status).toBe("pass");
    const evidence = first.evidence[0];
    expect(evidence).toMatchObject({
      type: "exec",
      exitCode: 1,
      stderr: expect.stringContaining("Read-only file system"),
    });
    if (evidence?.type !== "exec" || second.evidence[0]?.type !== "exec") throw new Error("exec evidence expected");
    expect(evidence.argv[1]).toMatch(/^\/cks-probe-[0-9a-f]{8}-root$/);
    expect(second.evidence[0].argv[1]).not.toBe(evidence.argv[1]);
    expect(evidence.cleanup).toBeNull();
    expect(first.observed).toMatch(/^exit 1: touch: cannot touch '\/cks-probe-.*': Read-only file system$/);
  });

  it("fails when the write to / unexpectedly works, and then removes the file it wrote", async () => {
    const cluster = running();
    cluster.execHandler = () => ({ ok: true, value: { exitCode: 0, stdout: "", stderr: "" } });
    const result = await grade(cluster, rootWrite);
    expect(result).toMatchObject({ status: "fail", observed: "exit 0, no output" });
    const execs = cluster.calls
      .filter((c) => c.method === "exec")
      .map((c) => (c.args as { command: string[] }).command);
    expect(execs).toEqual([
      ["touch", expect.stringMatching(/^\/cks-probe-/)],
      ["rm", "-f", execs[0]?.[1]],
    ]);
    expect(result.evidence[0]).toMatchObject({ cleanup: { argv: ["rm", "-f", execs[0]?.[1]], exitCode: 0 } });
  });

  it("expects success under an emptyDir mount and fails without it", async () => {
    expect((await grade(running(), cacheWrite)).status).toBe("pass");
    const writeAndRemove = {
      ...cacheWrite,
      command: ["sh", "-c", 'touch "$1" && rm "$1"', "probe", "/var/cache/nginx/{{probeFile}}"],
    };
    expect((await grade(running(), writeAndRemove)).status).toBe("pass");
    expect(
      (
        await grade(running(), {
          ...writeAndRemove,
          command: ["sh", "-c", 'touch "$1" && rm "$1"', "probe", "/etc/{{probeFile}}"],
        })
      ).status,
    ).toBe("fail");
    const hostPathless = new FakeCluster(NS).addPod(NS, {
      ...podFixture("nginx-broken-crashloop"),
      metadata: { name: "nginx" },
    });
    const result = await grade(hostPathless, cacheWrite);
    expect(result).toMatchObject({ status: "fail", outcome: "container-not-running" });
    expect(result.message).toContain("waiting: CrashLoopBackOff");
  });

  it("shows the output line that matched, not apt's CLI warning", async () => {
    const cluster = new FakeCluster(NS).addPod(NS, podFixture("nginx-privileged-running"));
    cluster.execHandler = () => ({
      ok: true,
      value: {
        exitCode: 100,
        stdout: "",
        stderr:
          "\nWARNING: apt does not have a stable CLI interface. Use with caution in scripts.\n\nE: List directory /var/lib/apt/lists/partial is missing. - Acquire (30: Read-only file system)\n",
      },
    });
    const check = {
      id: "apt",
      type: "exec",
      pod: "nginx-privileged",
      container: "nginx",
      command: ["apt", "update"],
      expect: { exit: "nonzero", outputMatches: "Read-only file system" },
    };
    expect(await grade(cluster, check)).toMatchObject({
      status: "pass",
      observed:
        "exit 100: E: List directory /var/lib/apt/lists/partial is missing. - Acquire (30: Read-only file system)",
    });
    expect(await grade(cluster, { ...check, expect: { exit: 0 } })).toMatchObject({
      status: "fail",
      observed: "exit 100: WARNING: apt does not have a stable CLI interface. Use with caution in scripts.",
    });
  });

  it("fails (not errors) when the command cannot start in a running container", async () => {
    const cluster = running();
    cluster.execHandler = () => ({
      ok: false,
      failure: { kind: "exec-not-started", message: 'exec: "apt": executable file not found in $PATH' },
    });
    const result = await grade(cluster, rootWrite);
    expect(result).toMatchObject({
      status: "fail",
      outcome: "failed",
      observed: 'touch could not run: exec: "apt": executable file not found in $PATH',
    });
  });

  it("reports a kubelet or stream failure in a running container as an error, not the learner's fail", async () => {
    const cluster = running();
    cluster.execHandler = () => ({
      ok: false,
      failure: {
        kind: "unexpected",
        code: 500,
        message: "error dialing backend: dial tcp 10.0.0.2:10250: i/o timeout",
      },
    });
    expect(await grade(cluster, rootWrite)).toMatchObject({ status: "error", outcome: "unexpected" });
  });

  it("reports a hung command as exec-timeout", async () => {
    const cluster = running();
    cluster.execHandler = () => ({ ok: false, failure: { kind: "timeout", message: "no exit status" } });
    const result = await grade(cluster, rootWrite);
    expect(result).toMatchObject({ status: "error", outcome: "exec-timeout", awarded: 0 });
  });

  it("says which permission is missing on 403", async () => {
    const cluster = running();
    cluster.failures.exec = {
      kind: "forbidden",
      verb: "create",
      resource: "pods/exec",
      namespace: NS,
      message: "forbidden",
    };
    const result = await grade(cluster, cacheWrite);
    expect(result).toMatchObject({
      status: "error",
      outcome: "forbidden",
      message: `Permission denied: your user needs RBAC "create pods/exec" in namespace ${NS}.`,
    });
  });
});

describe("logs", () => {
  const check = {
    id: "log",
    type: "logs",
    pod: "nginx-broken",
    container: "nginx",
    pattern: "\\(30: Read-only file system\\)",
    from: "any",
  };

  it("finds the error in the previous container's log", async () => {
    const result = await grade(crashing(), check);
    expect(result.status).toBe("pass");
    expect(result.evidence[0]).toMatchObject({ type: "logs", source: "previous" });
  });

  it("respects from: current", async () => {
    expect((await grade(crashing(), { ...check, from: "current" })).status).toBe("fail");
  });

  it("reports a server error reading the log as an error, not as 'no log output'", async () => {
    const cluster = crashing();
    cluster.failures.readLogs = { kind: "unexpected", code: 500, message: "error dialing backend" };
    expect(await grade(cluster, check)).toMatchObject({ status: "error" });
    cluster.failures.readLogs = { kind: "unexpected", code: 400, message: "previous terminated container not found" };
    expect(await grade(cluster, check)).toMatchObject({ status: "fail", observed: "no log output" });
  });

  it("fails on a healthy log and shows its last line", async () => {
    const cluster = new FakeCluster(NS).addPod(
      NS,
      { ...podFixture("nginx-running"), metadata: { name: "nginx-broken" } },
      { current: "ready\nstart worker processes\n" },
    );
    expect(await grade(cluster, check)).toMatchObject({
      status: "fail",
      observed: "log ends with: start worker processes",
    });
  });

  it("turns a 403 on pods/log into an actionable error", async () => {
    const cluster = crashing();
    cluster.failures.readLogs = {
      kind: "forbidden",
      verb: "get",
      resource: "pods/log",
      namespace: NS,
      message: "forbidden",
    };
    expect(await grade(cluster, check)).toMatchObject({
      status: "error",
      outcome: "forbidden",
      message: expect.stringContaining('"get pods/log"'),
    });
  });
});

describe("dryRunRejected", () => {
  const check = {
    id: "dry",
    type: "dryRunRejected",
    manifest: {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "probe" },
      spec: { containers: [{ name: "web", image: "nginx" }] },
    },
    messageMatches: "require-readonly-rootfs",
  };
  const denial = {
    kind: "rejected" as const,
    code: 422,
    reason: "Invalid",
    message: `pods "probe" is forbidden: ValidatingAdmissionPolicy 'require-readonly-rootfs' with binding 'require-readonly-rootfs-binding' denied request: Every container must set securityContext.readOnlyRootFilesystem: true.`,
  };

  it("passes when admission rejects the pod with the expected message", async () => {
    const cluster = new FakeCluster(NS);
    cluster.admission = () => denial;
    const result = await grade(cluster, check);
    expect(result.status).toBe("pass");
    expect(result.evidence[0]).toMatchObject({ type: "dryRun", admitted: false, code: 422 });
    const created = cluster.calls.find((c) => c.method === "create")?.args as { options: { dryRun: boolean } };
    expect(created.options.dryRun).toBe(true);
  });

  it("fails when the pod is admitted, or rejected for another reason", async () => {
    expect(await grade(new FakeCluster(NS), check)).toMatchObject({
      status: "fail",
      outcome: "admitted",
      observed: "Pod probe was admitted",
    });
    const cluster = new FakeCluster(NS);
    cluster.admission = () => ({
      ...denial,
      message: 'pods "probe" is forbidden: violates PodSecurity "restricted:latest"',
    });
    expect((await grade(cluster, check)).status).toBe("fail");
  });

  it("reports a missing namespace instead of a pass", async () => {
    expect(await grade(new FakeCluster(), check)).toMatchObject({ status: "fail", outcome: "namespace-missing" });
  });
});

describe("dryRunAdmitted", () => {
  const writable = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "cks-dry-run-writable" },
    spec: { containers: [{ name: "web", image: "nginx" }] },
  };
  const compliant = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "cks-dry-run-compliant" },
    spec: { containers: [{ name: "web", image: "nginx", securityContext: { readOnlyRootFilesystem: true } }] },
  };
  const rejected = { id: "bad-rejected", type: "dryRunRejected", manifest: writable, messageMatches: "readonly" };
  const admitted = { id: "good-admitted", type: "dryRunAdmitted", manifest: compliant, requires: ["bad-rejected"] };
  const elsewhere = {
    id: "bad-admitted-in-default",
    type: "dryRunAdmitted",
    manifest: writable,
    namespace: "default",
    requires: ["bad-rejected"],
  };
  // The policy of the immutability lab, bound to the lab namespace only.
  const policy = (manifest: KubeObject, namespace: string) => {
    const containers = (manifest.spec as { containers: { securityContext?: { readOnlyRootFilesystem?: boolean } }[] })
      .containers;
    if (namespace !== NS || containers.every((c) => c.securityContext?.readOnlyRootFilesystem === true)) return null;
    return {
      kind: "rejected" as const,
      code: 422,
      reason: "Invalid",
      message: `pods "${manifest.metadata?.name}" is forbidden: ValidatingAdmissionPolicy 'require-readonly-rootfs' with binding 'b' denied request: readOnlyRootFilesystem`,
    };
  };
  const results = async (cluster: FakeCluster) => {
    const report = await gradeLab({ lab: labWith([rejected, admitted, elsewhere]), cluster });
    return Object.fromEntries(report.results.map((r) => [r.checkId, r]));
  };
  const withPolicy = (reject: (manifest: KubeObject, namespace: string) => ClusterFailure | null) => {
    const cluster = new FakeCluster(NS);
    cluster.admission = (manifest) => reject(manifest, manifest.metadata?.namespace ?? "");
    return cluster;
  };

  it("passes when the compliant pod is admitted, and the bad pod is admitted where the binding does not reach", async () => {
    const cluster = withPolicy(policy);
    const byId = await results(cluster);
    expect(byId["good-admitted"]).toMatchObject({ status: "pass", observed: "Pod cks-dry-run-compliant was admitted" });
    expect(byId["bad-admitted-in-default"]).toMatchObject({
      status: "pass",
      observed: "Pod cks-dry-run-writable was admitted in namespace default",
    });
    // The evidence says what was sent, where, what was needed and what came back.
    expect(byId["bad-admitted-in-default"]?.evidence).toEqual([
      {
        type: "dryRun",
        kind: "Pod",
        name: "cks-dry-run-writable",
        namespace: "default",
        expected: "admitted",
        sent: { ...writable, metadata: { name: "cks-dry-run-writable", namespace: "default" } },
        admitted: true,
        code: null,
        reason: null,
        message: null,
      },
    ]);
    const creates = cluster.calls
      .filter((c) => c.method === "create")
      .map((c) => c.args as { manifest: KubeObject; options: { namespace: string; dryRun: boolean } });
    expect(creates.map((c) => [c.manifest.metadata?.name, c.options.namespace, c.options.dryRun]).sort()).toEqual([
      ["cks-dry-run-compliant", NS, true],
      ["cks-dry-run-writable", "default", true],
      ["cks-dry-run-writable", NS, true],
    ]);
  });

  it("fails with outcome rejected when a policy refuses everything, showing the admission message", async () => {
    const cluster = withPolicy((manifest) => ({
      kind: "rejected",
      code: 422,
      reason: "Invalid",
      message: `pods "${manifest.metadata?.name}" is forbidden: ValidatingAdmissionPolicy 'require-readonly-rootfs' denied request: readOnlyRootFilesystem`,
    }));
    const byId = await results(cluster);
    expect(byId["bad-rejected"]?.status).toBe("pass");
    expect(byId["good-admitted"]).toMatchObject({
      status: "fail",
      outcome: "rejected",
      observed: expect.stringMatching(/^rejected \(422\): pods "cks-dry-run-compliant" is forbidden/),
    });
    expect(byId["good-admitted"]?.evidence[0]).toMatchObject({ admitted: false, expected: "admitted", code: 422 });
    expect(byId["bad-admitted-in-default"]).toMatchObject({
      status: "fail",
      observed: expect.stringMatching(/^rejected in namespace default \(422\)/),
    });
  });

  it("counts only once the policy is shown to reject: on a cluster without it, admitted proves nothing", async () => {
    const byId = await results(withPolicy(() => null));
    expect(byId["bad-rejected"]).toMatchObject({ status: "fail", outcome: "admitted" });
    expect(byId["good-admitted"]).toMatchObject({ status: "fail", outcome: "requires-unmet" });
    expect(byId["bad-admitted-in-default"]).toMatchObject({ status: "fail", outcome: "requires-unmet" });
  });

  it("tells a missing lab namespace (the learner's step) from a missing other namespace (the cluster's)", async () => {
    const cluster = new FakeCluster();
    const lab = labWith([
      { id: "other", type: "dryRunRejected", manifest: writable, namespace: "nowhere", messageMatches: "x" },
      { ...rejected, id: "here" },
    ]);
    const report = await gradeLab({ lab, cluster });
    expect(report.results.find((r) => r.checkId === "other")).toMatchObject({
      status: "error",
      message:
        "The check dry-runs in namespace nowhere, which this cluster does not have (kubectl get namespace nowhere).",
    });
    expect(report.results.find((r) => r.checkId === "here")).toMatchObject({ outcome: "namespace-missing" });
  });
});

describe("container names are not part of the contract", () => {
  const named = (pod: KubeObject, names: string[]): KubeObject => {
    const copy = structuredClone(pod) as {
      spec: { containers: { name: string }[] };
      status: { containerStatuses: { name: string }[] };
    };
    const [first] = copy.spec.containers;
    const [firstStatus] = copy.status.containerStatuses;
    copy.spec.containers = names.map((name) => ({ ...first!, name }));
    copy.status.containerStatuses = names.map((name) => ({ ...firstStatus!, name }));
    return copy;
  };
  const checks = [
    { id: "ro", type: "field", pod: "nginx", path: "securityContext.readOnlyRootFilesystem", equals: true },
    { id: "run", type: "field", pod: "nginx", emptyDirMountAt: "/var/run" },
    { id: "up", type: "podCondition", pod: "nginx", expect: { phase: ["Running"], ready: true } },
    {
      id: "write",
      type: "exec",
      pod: "nginx",
      command: ["touch", "/var/cache/nginx/{{probeFile}}"],
      expect: { exit: "zero" },
    },
    { id: "log", type: "logs", pod: "nginx", pattern: "start worker processes", from: "current" },
  ];

  it.each([["nginx"], ["web"], ["nginx-fixed"]])(
    "a check without container reads the pod's only container, here named %s",
    async (name) => {
      const cluster = new FakeCluster(NS).addPod(NS, named(podFixture("nginx-running"), [name]), {
        current: "2026/11/26 14:05:02 [notice] 1#1: start worker processes\n",
      });
      const report = await gradeLab({ lab: labWith(checks), cluster });
      expect(report.results.map((r) => [r.checkId, r.status])).toEqual(checks.map((c) => [c.id, "pass"]));
      const exec = cluster.calls.find((c) => c.method === "exec")?.args as { container: string };
      expect(exec.container).toBe(name);
      expect(report.results.find((r) => r.checkId === "write")?.evidence[0]).toMatchObject({ container: name });
    },
  );

  it("fails every kind with a clear message when the pod has several containers and the check names none", async () => {
    const cluster = new FakeCluster(NS).addPod(NS, named(podFixture("nginx-running"), ["nginx", "sidecar"]));
    const report = await gradeLab({ lab: labWith(checks), cluster });
    for (const result of report.results) {
      expect(result).toMatchObject({
        status: "fail",
        outcome: "container-ambiguous",
        message: "Pod nginx has 2 containers (nginx, sidecar); this task expects a pod with one container.",
      });
    }
    expect(cluster.count("exec")).toBe(0);
    expect(cluster.count("readLogs")).toBe(0);
  });

  it("a named container that is missing lists the containers the pod has", async () => {
    const cluster = new FakeCluster(NS).addPod(NS, named(podFixture("nginx-running"), ["web"]));
    const result = await grade(cluster, { ...checks[0], container: "nginx" });
    expect(result).toMatchObject({
      outcome: "container-missing",
      message: "Pod nginx has no container named nginx; its containers: web.",
    });
  });
});

describe("order and shape independence", () => {
  const pod = (spec: Record<string, unknown>): KubeObject => {
    const base = podFixture("nginx-running") as { spec: Record<string, unknown> };
    return { ...base, spec: { ...base.spec, ...spec } };
  };
  const container = (extra: Record<string, unknown>) => ({
    ...(podFixture("nginx-running") as { spec: { containers: object[] } }).spec.containers[0],
    ...extra,
  });

  it("emptyDirMountAt accepts any of several paths, whatever the volumes are called and in any order", async () => {
    const check = { id: "run", type: "field", pod: "nginx", emptyDirMountAt: ["/var/run", "/run"] };
    const atRun = pod({
      volumes: [
        { name: "pid", emptyDir: {} },
        { name: "z-cache", emptyDir: {} },
      ],
      containers: [
        container({
          volumeMounts: [
            { name: "z-cache", mountPath: "/var/cache/nginx" },
            { name: "pid", mountPath: "/run/" },
          ],
        }),
      ],
    });
    expect(await grade(new FakeCluster(NS).addPod(NS, atRun), check)).toMatchObject({
      status: "pass",
      observed: "/run is emptyDir volume pid",
    });
    const none = pod({ containers: [container({ volumeMounts: [] })] });
    const result = await grade(new FakeCluster(NS).addPod(NS, none), check);
    expect(result).toMatchObject({ status: "fail", observed: "no volumeMount at /var/run or /run" });
    expect(result.evidence).toHaveLength(2);
    const hostRun = pod({
      volumes: [{ name: "pid", hostPath: { path: "/run" } }],
      containers: [container({ volumeMounts: [{ name: "pid", mountPath: "/run" }] })],
    });
    expect(await grade(new FakeCluster(NS).addPod(NS, hostRun), check)).toMatchObject({
      status: "fail",
      observed: "/run is backed by hostPath (volume pid)",
    });
  });

  it("contains over several paths: a policy's logic in validations or in variables", async () => {
    const check = {
      id: "expr",
      type: "field",
      object: { apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingAdmissionPolicy", name: "p" },
      path: ["spec.validations[*].expression", "spec.variables[*].expression"],
      contains: "readOnlyRootFilesystem",
    };
    const policy = (spec: object) => ({
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingAdmissionPolicy",
      metadata: { name: "p" },
      spec,
    });
    const inVariables = policy({
      variables: [
        { name: "w", expression: "object.spec.containers.filter(c, c.securityContext.readOnlyRootFilesystem != true)" },
      ],
      validations: [{ expression: "size(variables.w) == 0" }],
    });
    expect(await grade(new FakeCluster(NS).addObject(inVariables), check)).toMatchObject({
      status: "pass",
      evidence: [
        { type: "field", path: "spec.validations[*].expression", values: ["size(variables.w) == 0"] },
        { type: "field", path: "spec.variables[*].expression", values: [expect.stringContaining("readOnly")] },
      ],
    });
    const inValidations = policy({
      validations: [{ expression: "object.spec.containers.all(c, c.securityContext.readOnlyRootFilesystem)" }],
    });
    expect((await grade(new FakeCluster(NS).addObject(inValidations), check)).status).toBe("pass");
    const unrelated = policy({ validations: [{ expression: "object.spec.hostNetwork != true" }] });
    expect(await grade(new FakeCluster(NS).addObject(unrelated), check)).toMatchObject({
      status: "fail",
      observed: "spec.validations[*].expression | spec.variables[*].expression = object.spec.hostNetwork != true",
    });
  });

  it("a container securityContext field set on the pod counts, and the container's own value wins", async () => {
    const check = { id: "nonroot", type: "field", pod: "nginx", path: "securityContext.runAsNonRoot", equals: true };
    const seccomp = {
      id: "seccomp",
      type: "field",
      pod: "nginx",
      path: "securityContext.seccompProfile.type",
      equals: "RuntimeDefault",
    };
    const podLevel = pod({
      securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
      containers: [container({ securityContext: { readOnlyRootFilesystem: true } })],
    });
    const cluster = new FakeCluster(NS).addPod(NS, podLevel);
    expect(await grade(cluster, check)).toMatchObject({
      status: "pass",
      observed: "securityContext.runAsNonRoot = true (from the pod's securityContext)",
      evidence: [{ target: "pod nginx (pod-level securityContext, applies to container nginx)" }],
    });
    expect((await grade(cluster, seccomp)).status).toBe("pass");
    const overridden = pod({
      securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
      containers: [container({ securityContext: { runAsNonRoot: false, seccompProfile: { type: "Unconfined" } } })],
    });
    const own = new FakeCluster(NS).addPod(NS, overridden);
    expect(await grade(own, check)).toMatchObject({ status: "fail", observed: "securityContext.runAsNonRoot = false" });
    expect(await grade(own, seccomp)).toMatchObject({
      status: "fail",
      observed: "securityContext.seccompProfile.type = Unconfined",
    });
    // Fields the pod's securityContext does not have are never read from it.
    const privileged = pod({ securityContext: { privileged: true }, containers: [container({ securityContext: {} })] });
    const notPrivileged = {
      id: "np",
      type: "field",
      pod: "nginx",
      path: "securityContext.privileged",
      absentOrFalse: true,
    };
    expect((await grade(new FakeCluster(NS).addPod(NS, privileged), notPrivileged)).status).toBe("pass");
  });
});

describe("ephemeralContainerDryRun", () => {
  const SUPPLY = "supply-lab";
  const app = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "app", namespace: SUPPLY },
    spec: { containers: [{ name: "app", image: "registry.k8s.io/e2e-test-images/busybox:1.36.1-1" }] },
    status: { phase: "Running", containerStatuses: [{ name: "app", ready: true, state: { running: {} } }] },
  };
  const dockerHub = {
    id: "debug-docker-hub-rejected",
    type: "ephemeralContainerDryRun",
    pod: "app",
    ephemeralContainer: { name: "debugger", image: "busybox:1.37" },
    expect: "rejected",
    messageMatches: "allowed-registries",
  };
  const pinned = {
    id: "debug-pinned-admitted",
    type: "ephemeralContainerDryRun",
    pod: "app",
    ephemeralContainer: { name: "debugger", image: "registry.k8s.io/e2e-test-images/busybox:1.36.1-1" },
    expect: "admitted",
    requires: ["debug-docker-hub-rejected"],
  };
  // A policy on pods/ephemeralcontainers that allows registry.k8s.io only.
  const registryPolicy = (pod: KubeObject): ClusterFailure | null => {
    const ephemeral = (pod.spec as { ephemeralContainers?: { image: string }[] }).ephemeralContainers ?? [];
    return ephemeral.every((c) => c.image.startsWith("registry.k8s.io/"))
      ? null
      : {
          kind: "rejected",
          code: 422,
          reason: "Invalid",
          message:
            "pods \"app\" is forbidden: ValidatingAdmissionPolicy 'allowed-registries' with binding 'allowed-registries-binding' denied request: images must come from registry.k8s.io",
        };
  };
  const byId = async (cluster: FakeCluster) => {
    const report = await gradeLab({ lab: labWith([dockerHub, pinned], SUPPLY), cluster });
    return Object.fromEntries(report.results.map((r) => [r.checkId, r]));
  };

  it("adds the debug container with a dry-run, as kubectl debug would, and judges admission's answer", async () => {
    const cluster = new FakeCluster(SUPPLY).addPod(SUPPLY, app);
    cluster.admission = registryPolicy;
    const results = await byId(cluster);
    expect(results["debug-docker-hub-rejected"]).toMatchObject({ status: "pass" });
    expect(results["debug-docker-hub-rejected"]?.observed).toMatch(
      /^debug container debugger \(busybox:1\.37\) in pod app rejected \(422\): pods "app" is forbidden: ValidatingAdmissionPolicy 'allowed-registries'/,
    );
    expect(results["debug-pinned-admitted"]).toMatchObject({
      status: "pass",
      observed: "debug container debugger (registry.k8s.io/e2e-test-images/busybox:1.36.1-1) in pod app was admitted",
    });
    expect(results["debug-pinned-admitted"]?.evidence).toEqual([
      {
        type: "dryRun",
        operation: "debug",
        kind: "EphemeralContainer",
        name: "app",
        namespace: SUPPLY,
        expected: "admitted",
        container: { name: "debugger", image: "registry.k8s.io/e2e-test-images/busybox:1.36.1-1" },
        sent: { spec: { ephemeralContainers: [pinned.ephemeralContainer] } },
        admitted: true,
        code: null,
        reason: null,
        message: null,
      },
    ]);
    const calls = cluster.calls
      .filter((c) => c.method === "addEphemeralContainer")
      .map((c) => c.args as { pod: string; dryRun: boolean });
    expect(calls).toHaveLength(2);
    expect(calls.every((c) => c.pod === "app" && c.dryRun)).toBe(true);
    // A dry run stores nothing.
    const after = await cluster.readPod(SUPPLY, "app");
    expect(after.ok && (after.value.spec as { ephemeralContainers?: unknown[] }).ephemeralContainers).toBeUndefined();
  });

  it("fails a policy that lets the Docker Hub debug image through, or rejects for another reason", async () => {
    const open = new FakeCluster(SUPPLY).addPod(SUPPLY, app);
    const results = await byId(open);
    expect(results["debug-docker-hub-rejected"]).toMatchObject({ status: "fail", outcome: "admitted" });
    expect(results["debug-pinned-admitted"]).toMatchObject({ status: "fail", outcome: "requires-unmet" });
    const psa = new FakeCluster(SUPPLY).addPod(SUPPLY, app);
    psa.admission = () => ({
      kind: "rejected",
      code: 403,
      reason: "Forbidden",
      message: 'pods "app" is forbidden: violates PodSecurity "restricted:latest"',
    });
    expect((await byId(psa))["debug-docker-hub-rejected"]).toMatchObject({ status: "fail", outcome: "failed" });
  });

  it("asks for the pod first: a missing pod or namespace is the learner's next step", async () => {
    expect((await byId(new FakeCluster(SUPPLY)))["debug-docker-hub-rejected"]).toMatchObject({
      status: "fail",
      outcome: "pod-missing",
    });
    expect((await byId(new FakeCluster()))["debug-docker-hub-rejected"]).toMatchObject({
      status: "fail",
      outcome: "namespace-missing",
    });
  });

  it("reports a cluster without the subresource as an error, never a pass", async () => {
    const cluster = new FakeCluster(SUPPLY).addPod(SUPPLY, app);
    cluster.failures.addEphemeralContainer = {
      kind: "not-found",
      message: "the server could not find the requested resource",
    };
    const result = (await byId(cluster))["debug-docker-hub-rejected"];
    expect(result).toMatchObject({ status: "error" });
    expect(result?.message).toContain("no pods/ephemeralcontainers subresource");
  });
});
