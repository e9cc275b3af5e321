import { describe, expect, it } from "vitest";
import { gradeLab } from "../grade-lab";
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
      path: "volumeMounts[name=nope].readOnly",
      absentOrFalse: true,
    };
    expect(await grade(running(), wrongName)).toMatchObject({
      status: "fail",
      observed: "volumeMounts[name=nope].readOnly selects no element",
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
