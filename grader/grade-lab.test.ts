import path from "node:path";
import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors/app-error";
import { fillTemplate, gradeLab } from "./grade-lab";
import { findLab } from "./lab/load-lab";
import type { Lab, TManifest } from "./lab/schema";
import type { CheckResult } from "./report";
import { FakeCluster, podFixture } from "./testing/fake-cluster";
import { labWith } from "./testing/lab-builder";

const NS = "immutable-lab";
const podChecks = [
  {
    id: "ro",
    type: "field",
    pod: "nginx",
    container: "nginx",
    path: "securityContext.readOnlyRootFilesystem",
    equals: true,
  },
  { id: "run", type: "field", pod: "nginx", container: "nginx", emptyDirMountAt: "/var/run" },
  { id: "ready", type: "podCondition", pod: "nginx", container: "nginx", expect: { ready: true } },
  {
    id: "write",
    type: "exec",
    pod: "nginx",
    container: "nginx",
    command: ["touch", "/{{probeFile}}"],
    expect: { exit: "nonzero" },
  },
];

describe("gradeLab", () => {
  it("reads each pod once per run, calls onResult once per check and totals the score", async () => {
    const cluster = new FakeCluster(NS).addPod(NS, podFixture("nginx-running"));
    const streamed: CheckResult[] = [];
    const report = await gradeLab({ lab: labWith(podChecks), cluster, onResult: (r) => streamed.push(r) });
    expect(cluster.count("readPod")).toBe(1);
    expect(streamed.map((r) => r.checkId).sort()).toEqual(["ready", "ro", "run", "write"]);
    expect(report).toMatchObject({
      status: "passed",
      score: 4,
      maxScore: 4,
      counts: { pass: 4, fail: 0, error: 0, unsupported: 0 },
      problem: null,
      namespace: NS,
    });
    expect(report.results.map((r) => r.checkId)).toEqual(["ro", "run", "ready", "write"]);
    expect(report.tasks).toEqual([{ taskId: "task", title: "Task", score: 4, maxScore: 4, unsupportedPoints: 0 }]);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it("grades another namespace when asked", async () => {
    const cluster = new FakeCluster("other").addPod("other", podFixture("nginx-running"));
    const report = await gradeLab({ lab: labWith(podChecks), cluster, namespace: "other" });
    expect(report.score).toBe(4);
  });

  it("scores 0 with a namespace-missing problem when the namespace does not exist", async () => {
    const report = await gradeLab({ lab: labWith(podChecks), cluster: new FakeCluster() });
    expect(report.score).toBe(0);
    expect(report.problem).toEqual({
      outcome: "namespace-missing",
      message: `Namespace ${NS} does not exist: kubectl create namespace ${NS}`,
    });
    expect(new Set(report.results.map((r) => r.outcome))).toEqual(new Set(["namespace-missing"]));
  });

  it("turns an unreachable cluster into errors on every check and one problem, never a pass", async () => {
    const cluster = new FakeCluster(NS).addPod(NS, podFixture("nginx-running"));
    const down = { kind: "unreachable" as const, message: "connect ECONNREFUSED 127.0.0.1:6443" };
    for (const method of ["readNamespace", "readPod", "exec", "readObject", "readLogs", "create"] as const)
      cluster.failures[method] = down;
    const report = await gradeLab({ lab: labWith(podChecks), cluster });
    expect(report.status).toBe("error");
    expect(report.score).toBe(0);
    expect(report.counts).toEqual({ pass: 0, fail: 0, error: 4, unsupported: 0 });
    expect(report.problem?.outcome).toBe("cluster-unreachable");
    expect(report.results[0]?.message).toBe(
      "Cannot reach the cluster at https://127.0.0.1:6443: is it running? (kind create cluster --name cks)",
    );
  });

  it("reports 401 as unauthorized", async () => {
    const cluster = new FakeCluster(NS);
    const denied = { kind: "unauthorized" as const, message: "Unauthorized" };
    cluster.failures.readNamespace = denied;
    cluster.failures.readPod = denied;
    cluster.failures.exec = denied;
    const report = await gradeLab({ lab: labWith(podChecks), cluster });
    expect(report.problem?.outcome).toBe("unauthorized");
    expect(report.results[0]).toMatchObject({
      status: "error",
      outcome: "unauthorized",
      message: expect.stringContaining("(401) of context kind-cks"),
    });
  });

  it("ends a hung check with a timeout and the run keeps its other results", async () => {
    const cluster = new FakeCluster(NS).addPod(NS, podFixture("nginx-running"));
    cluster.failures.exec = "hang";
    const report = await gradeLab({ lab: labWith(podChecks), cluster, timeouts: { checkMs: 50, runMs: 1000 } });
    expect(report.results.find((r) => r.checkId === "write")).toMatchObject({
      status: "error",
      outcome: "timeout",
      awarded: 0,
    });
    expect(report.score).toBe(3);
    // The hung exec was not left running: the check's timeout aborted it.
    expect(cluster.aborted).toEqual(["exec"]);
  });

  it("calls a cluster that does not answer unreachable, with every check an error", async () => {
    const cluster = new FakeCluster(NS).addPod(NS, podFixture("nginx-running"));
    const silent = { kind: "timeout" as const, message: "no answer within 10000 ms" };
    for (const method of ["readNamespace", "readPod", "exec"] as const) cluster.failures[method] = silent;
    const report = await gradeLab({ lab: labWith(podChecks), cluster });
    expect(report.problem).toEqual({
      outcome: "cluster-unreachable",
      message: "The cluster at https://127.0.0.1:6443 did not answer in time: is it running and reachable from here?",
    });
    expect(report.results.map((r) => r.status)).toEqual(["error", "error", "error", "error"]);
  });

  it("ends the whole run at its deadline and still reports every check once", async () => {
    const cluster = new FakeCluster(NS).addPod(NS, podFixture("nginx-running"));
    cluster.failures.readPod = "hang";
    const streamed: string[] = [];
    const started = performance.now();
    const report = await gradeLab({
      lab: labWith(podChecks),
      cluster,
      timeouts: { checkMs: 5000, runMs: 80 },
      onResult: (r) => streamed.push(r.checkId),
    });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(report.results.map((r) => r.outcome)).toEqual(["run-timeout", "run-timeout", "run-timeout", "run-timeout"]);
    expect(streamed).toHaveLength(4);
    // Nothing of the run is still waiting on the cluster once the report is made.
    await expect.poll(() => cluster.aborted).toEqual(["readPod"]);
  });

  it("bounds what the cluster says and strips control characters before anything streams or is stored", async () => {
    const hostile = `<script>alert(1)</script>\u001b[2J\rFAKE: all checks passed\u202e${"x".repeat(10_000)}`;
    const pod = podFixture("nginx-running");
    // A huge, escape-laden value where a check reads a field, and the same words in the exec's output.
    const spec = pod.spec as { containers: Array<{ securityContext?: Record<string, unknown> }> };
    spec.containers[0]!.securityContext = { ...spec.containers[0]!.securityContext, readOnlyRootFilesystem: hostile };
    const cluster = new FakeCluster(NS).addPod(NS, pod);
    cluster.execHandler = () => ({ ok: true, value: { exitCode: 1, stdout: hostile.repeat(10), stderr: hostile } });
    cluster.failures.readNamespace = { kind: "unauthorized", message: hostile };
    const streamed: CheckResult[] = [];
    const report = await gradeLab({ lab: labWith(podChecks), cluster, onResult: (r) => streamed.push(r) });

    const strings: string[] = [];
    const collect = (value: unknown): void => {
      if (typeof value === "string") strings.push(value);
      else if (value && typeof value === "object") Object.values(value).forEach(collect);
    };
    collect({ report, streamed });
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    expect(strings.filter((s) => /[\u0000-\u0008\u000b-\u001f\u202e]/.test(s))).toEqual([]);
    expect(strings.some((s) => s.includes("<script>alert(1)</script>"))).toBe(true);
    for (const result of report.results) {
      expect(result.message.length).toBeLessThanOrEqual(199);
      expect(result.observed.length).toBeLessThanOrEqual(300);
      expect(JSON.stringify(result.evidence).length).toBeLessThan(40_000);
    }
    expect(report.problem?.message.length).toBeLessThanOrEqual(1000);
  });

  it("reports answers the grader refused (a redirect) as errors with a banner, never as fails", async () => {
    const cluster = new FakeCluster(NS).addPod(NS, podFixture("nginx-running"));
    const redirect = {
      kind: "refused" as const,
      message: "get namespaces lab: the API server answered 302 with a redirect to http://169.254.169.254/",
    };
    for (const method of ["readNamespace", "readPod", "exec"] as const) cluster.failures[method] = redirect;
    const report = await gradeLab({ lab: labWith(podChecks), cluster });
    expect(report.results.map((r) => [r.status, r.outcome])).toEqual(Array(4).fill(["error", "refused"]));
    expect(report.results[0]?.message).toMatch(/^The grader refused the cluster's answer: get namespaces lab: .*302/);
    expect(report.problem).toEqual({
      outcome: "refused",
      message: `The cluster at https://127.0.0.1:6443 answered in a way the grader refuses: ${redirect.message}`,
    });
  });

  it("does not count a check whose required check failed", async () => {
    const cluster = new FakeCluster(NS).addPod(NS, podFixture("nginx-running"));
    const lab = labWith([
      {
        id: "privileged-variant",
        type: "field",
        pod: "nginx-privileged",
        container: "nginx",
        path: "securityContext.privileged",
        equals: true,
      },
      {
        id: "final",
        type: "field",
        pod: "nginx",
        container: "nginx",
        path: "securityContext.privileged",
        absentOrFalse: true,
        requires: ["privileged-variant"],
      },
    ]);
    const report = await gradeLab({ lab, cluster });
    expect(report.results[1]).toMatchObject({
      status: "fail",
      outcome: "requires-unmet",
      awarded: 0,
      message: 'This counts once "privileged-variant" passes; do that step first.',
    });
    cluster.addPod(NS, podFixture("nginx-privileged-running"));
    expect((await gradeLab({ lab, cluster })).score).toBe(2);
  });

  it("keeps the cluster-unreachable banner when the namespace read never answers", async () => {
    const cluster = new FakeCluster(NS).addPod(NS, podFixture("nginx-running"));
    cluster.failures.readNamespace = "hang";
    cluster.failures.readPod = { kind: "unreachable", message: "connect ECONNREFUSED 127.0.0.1:6443" };
    const report = await gradeLab({ lab: labWith(podChecks), cluster, timeouts: { checkMs: 200, runMs: 400 } });
    expect(report.problem).toMatchObject({
      outcome: "cluster-unreachable",
      message: expect.stringContaining("Cannot reach the cluster"),
    });
  });

  it("reports an error, not 'do that step first', when the prerequisite could not be checked", async () => {
    const cluster = new FakeCluster(NS)
      .addPod(NS, podFixture("nginx-running"))
      .addPod(NS, podFixture("nginx-privileged-running"));
    cluster.failures.readObject = { kind: "timeout", message: "no answer" };
    const lab = labWith([
      {
        id: "policy",
        type: "objectExists",
        object: { apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingAdmissionPolicy", name: "p" },
      },
      {
        id: "ro",
        type: "field",
        pod: "nginx",
        container: "nginx",
        path: "securityContext.readOnlyRootFilesystem",
        equals: true,
        requires: ["policy"],
      },
    ]);
    const report = await gradeLab({ lab, cluster });
    expect(report.results[0]).toMatchObject({ status: "error", outcome: "timeout" });
    expect(report.results[1]).toMatchObject({
      status: "error",
      outcome: "timeout",
      observed: expect.stringMatching(/^policy: /),
    });
  });

  it("turns a port that rejects (against its contract) into error results, not a crash", async () => {
    const cluster = new FakeCluster(NS).addPod(NS, podFixture("nginx-running"));
    const boom = () => Promise.reject(new Error("socket exploded"));
    cluster.readNamespace = boom;
    cluster.readPod = boom;
    cluster.exec = boom;
    const report = await gradeLab({ lab: labWith(podChecks), cluster });
    expect(report.counts).toEqual({ pass: 0, fail: 0, error: 4, unsupported: 0 });
    expect(report.results[0]?.message).toContain("socket exploded");
  });

  it("survives a throwing onResult listener", async () => {
    const cluster = new FakeCluster(NS).addPod(NS, podFixture("nginx-running"));
    const report = await gradeLab({
      lab: labWith(podChecks),
      cluster,
      onResult: () => {
        throw new Error("stream closed");
      },
    });
    expect(report.score).toBe(4);
  });

  it("rejects invalid options with the one application error", async () => {
    const promise = gradeLab({ lab: labWith(podChecks), cluster: new FakeCluster(NS), namespace: "Not A Namespace" });
    await expect(promise).rejects.toBeInstanceOf(AppError);
    await expect(promise).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });

  it("never puts credentials in a report", async () => {
    const cluster = new FakeCluster(NS).addPod(NS, podFixture("nginx-running"));
    const text = JSON.stringify(await gradeLab({ lab: labWith(podChecks), cluster }));
    expect(text).not.toMatch(/token|password|client-key|Bearer/i);
  });
});

describe("fillTemplate", () => {
  it("fills {observed} and keeps the message under 200 characters", () => {
    expect(fillTemplate("Expected X; found {observed}.", "Y")).toBe("Expected X; found Y.");
    const long = fillTemplate(`Expected ${"x".repeat(150)}; found {observed}.`, "y".repeat(300));
    expect(long.length).toBeLessThan(200);
    expect(long.endsWith("....")).toBe(true);
  });
});

// The immutability lab against in-memory clusters shaped like its solution, its mutants and nothing.
describe("immutability lab over a fake cluster", () => {
  async function lab(): Promise<Lab> {
    const found = await findLab(
      "runtime-security/immutable-containers",
      path.join(import.meta.dirname, "..", "lessons"),
    );
    if (!found) throw new Error("lab missing");
    return found;
  }

  // Plays kubelet: turns applied manifests into pods with the status the real image would reach.
  function clusterFrom(manifests: TManifest[], namespaceLabels: Record<string, string>): FakeCluster {
    const cluster = new FakeCluster(NS);
    for (const manifest of manifests) {
      if (manifest.kind !== "Pod") {
        cluster.addObject(manifest);
        continue;
      }
      const spec = manifest.spec as {
        containers: {
          securityContext?: { readOnlyRootFilesystem?: boolean };
          volumeMounts?: { mountPath: string }[];
        }[];
      };
      const container = spec.containers[0]!;
      const mounts = (container.volumeMounts ?? []).map((m) => m.mountPath);
      // /var/run is a symlink to /run in the image, so a volume at either holds the PID file.
      const crashes =
        container.securityContext?.readOnlyRootFilesystem === true &&
        !(mounts.includes("/var/cache/nginx") && (mounts.includes("/var/run") || mounts.includes("/run")));
      const fixture = (crashes ? podFixture("nginx-broken-crashloop") : podFixture("nginx-running")).status as {
        containerStatuses: { name: string }[];
      };
      // The container keeps whatever name the manifest gave it (kubectl run names it after the pod).
      const status = {
        ...fixture,
        containerStatuses: fixture.containerStatuses.map((s) => ({ ...s, name: (container as { name: string }).name })),
      };
      cluster.addPod(
        NS,
        { ...manifest, status },
        crashes
          ? {
              current: "",
              previous: 'nginx: [emerg] mkdir() "/var/cache/nginx/client_temp" failed (30: Read-only file system)\n',
            }
          : { current: "start worker processes\n" },
      );
    }
    // Plays the API server's admission for a policy that behaves like the reference one: CEL is not
    // evaluated here (mutants that differ only in the policy's expressions are proven on a real API
    // server by labs:verify; see policyOnly below). Scope and actions come from the binding.
    cluster.admission = (object) => {
      const policy = manifests.find((m) => m.kind === "ValidatingAdmissionPolicy");
      const binding = manifests.find((m) => m.kind === "ValidatingAdmissionPolicyBinding") as
        | {
            spec?: {
              validationActions?: string[];
              matchResources?: {
                namespaceSelector?: {
                  matchLabels?: Record<string, string>;
                  matchExpressions?: { key: string; operator: string; values?: string[] }[];
                };
              };
            };
          }
        | undefined;
      if (!policy || !binding || !binding.spec?.validationActions?.includes("Deny")) return null;
      // Only the lab namespace carries labels; other namespaces (default) have none.
      const labels = (object.metadata?.namespace ?? NS) === NS ? namespaceLabels : {};
      const selector = binding.spec.matchResources?.namespaceSelector ?? {};
      if (!Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v)) return null;
      const inValues = (e: { key: string; operator: string; values?: string[] }) =>
        e.operator === "In" && (e.values ?? []).includes(labels[e.key] ?? "");
      if (!(selector.matchExpressions ?? []).every(inValues)) return null;
      const spec = object.spec as {
        containers: { securityContext?: { readOnlyRootFilesystem?: boolean } }[];
        initContainers?: { securityContext?: { readOnlyRootFilesystem?: boolean } }[];
      };
      const all = [...spec.containers, ...(spec.initContainers ?? [])];
      if (all.every((c) => c.securityContext?.readOnlyRootFilesystem === true)) return null;
      return {
        kind: "rejected",
        code: 422,
        reason: "Invalid",
        message: `ValidatingAdmissionPolicy 'require-readonly-rootfs' with binding 'require-readonly-rootfs-binding' denied request`,
      };
    };
    return cluster;
  }

  it("scores 0 on an empty namespace, with no check passing", async () => {
    const report = await gradeLab({ lab: await lab(), cluster: new FakeCluster(NS) });
    expect(report.score).toBe(0);
    expect(report.counts.pass).toBe(0);
    expect(report.counts.error).toBe(0);
  });

  it("gives the reference solution full marks", async () => {
    const l = await lab();
    const report = await gradeLab({ lab: l, cluster: clusterFrom(l.solution.manifests, l.solution.namespaceLabels) });
    expect(report.results.filter((r) => r.status !== "pass").map((r) => `${r.checkId}: ${r.message}`)).toEqual([]);
    expect(report.score).toBe(report.maxScore);
    expect(report.maxScore).toBe(35);
  });

  it("gives every alternative solution full marks", async () => {
    const l = await lab();
    expect(l.alternatives.length).toBeGreaterThanOrEqual(2);
    for (const alternative of l.alternatives) {
      const report = await gradeLab({
        lab: l,
        cluster: clusterFrom(alternative.manifests, alternative.namespaceLabels ?? l.solution.namespaceLabels),
      });
      const failing = report.results.filter((r) => r.status !== "pass").map((r) => `${r.checkId}: ${r.message}`);
      expect({ alternative: alternative.id, failing }).toEqual({ alternative: alternative.id, failing: [] });
    }
  });

  // A mutant whose manifests equal the solution's except for the policy differs in CEL only.
  function policyOnly(l: Lab, mutant: Lab["mutants"][number]): boolean {
    const rest = (manifests: TManifest[]) =>
      JSON.stringify(manifests.filter((m) => m.kind !== "ValidatingAdmissionPolicy"));
    return (
      rest(mutant.manifests) === rest(l.solution.manifests) &&
      JSON.stringify(mutant.namespaceLabels ?? l.solution.namespaceLabels) ===
        JSON.stringify(l.solution.namespaceLabels)
    );
  }

  it("leaves only the CEL mutants to the real API server", async () => {
    const l = await lab();
    expect(l.mutants.filter((m) => policyOnly(l, m)).map((m) => m.id)).toEqual([
      "policy-rejects-every-pod",
      "policy-exists-instead-of-all",
      "policy-has-without-true",
      "policy-ignores-init-containers",
    ]);
  });

  it("fails exactly the checks each mutant declares", async () => {
    const l = await lab();
    for (const mutant of l.mutants.filter((m) => !policyOnly(l, m))) {
      const report = await gradeLab({
        lab: l,
        cluster: clusterFrom(mutant.manifests, mutant.namespaceLabels ?? l.solution.namespaceLabels),
      });
      const failed = report.results
        .filter((r) => r.status !== "pass")
        .map((r) => r.checkId)
        .sort();
      expect({ mutant: mutant.id, failed }).toEqual({ mutant: mutant.id, failed: [...mutant.mustFail].sort() });
    }
  });
});

describe("checks a node cannot evaluate (unsupported)", () => {
  const SYS = "syscall-lab";
  const apparmorChecks = [
    {
      id: "profile-field",
      type: "field",
      pod: "confined",
      container: "confined",
      path: "securityContext.appArmorProfile.type",
      equals: "Localhost",
      points: 2,
    },
    {
      id: "write-denied",
      type: "exec",
      pod: "confined",
      container: "confined",
      command: ["touch", "/tmp/{{probeFile}}"],
      expect: { exit: "nonzero", outputMatches: "Permission denied" },
      nodeFeature: "apparmor",
      points: 3,
    },
  ];

  it("reports the behaviour check as unsupported when the kubelet refused the pod for lack of AppArmor, and leaves its points out", async () => {
    const cluster = new FakeCluster(SYS).addPod(SYS, podFixture("busybox-apparmor-rejected"));
    const report = await gradeLab({ lab: labWith(apparmorChecks, SYS), cluster });
    const [field, behaviour] = report.results;
    expect(field).toMatchObject({ checkId: "profile-field", status: "pass", awarded: 2 });
    expect(behaviour).toMatchObject({
      checkId: "write-denied",
      status: "unsupported",
      outcome: "unsupported",
      awarded: 0,
      points: 3,
      observed: "AppArmor not available on the node (AppArmor)",
      message:
        "Not gradable on this cluster: its node cannot enforce AppArmor (the kubelet refused pod confined). Left out of your score.",
    });
    expect(behaviour?.evidence).toEqual([
      {
        type: "nodeSupport",
        feature: "apparmor",
        pod: "confined",
        source: "kubelet",
        reason: "AppArmor",
        message: "Pod was rejected: Cannot enforce AppArmor: AppArmor is not enabled on the host",
      },
    ]);
    // Never a pass and never a fail: full marks out of what this cluster can show, status passed.
    expect(report).toMatchObject({
      status: "passed",
      score: 2,
      maxScore: 2,
      unsupportedPoints: 3,
      counts: { pass: 1, fail: 0, error: 0, unsupported: 1 },
    });
    expect(report.tasks).toEqual([{ taskId: "task", title: "Task", score: 2, maxScore: 2, unsupportedPoints: 3 }]);
  });

  it("also when the runtime could not apply AppArmor to a pod the kubelet admitted", async () => {
    const cluster = new FakeCluster(SYS).addPod(SYS, podFixture("busybox-apparmor-runtime-unsupported"));
    const report = await gradeLab({ lab: labWith(apparmorChecks, SYS), cluster });
    expect(report.results[1]).toMatchObject({
      status: "unsupported",
      message:
        "Not gradable on this cluster: its node cannot enforce AppArmor (the container runtime could not start pod confined). Left out of your score.",
    });
    expect(report.results[1]?.evidence[0]).toMatchObject({ source: "runtime", reason: "CreateContainerError" });
  });

  it("fails, and counts, when the node has AppArmor but the profile was never loaded (the learner's step)", async () => {
    const cluster = new FakeCluster(SYS).addPod(SYS, podFixture("busybox-apparmor-not-loaded"));
    const report = await gradeLab({ lab: labWith(apparmorChecks, SYS), cluster });
    expect(report.results[1]).toMatchObject({ status: "fail", outcome: "container-not-running", awarded: 0 });
    expect(report.results[1]?.message).toContain("waiting: CreateContainerError");
    expect(report).toMatchObject({ status: "failed", score: 2, maxScore: 5, unsupportedPoints: 0 });
  });

  it("never excuses a check that does not declare the node feature", async () => {
    const cluster = new FakeCluster(SYS).addPod(SYS, podFixture("busybox-apparmor-rejected"));
    const [, behaviour] = apparmorChecks;
    const { nodeFeature: _dropped, ...plain } = behaviour!;
    const report = await gradeLab({ lab: labWith([plain], SYS), cluster });
    expect(report.results[0]).toMatchObject({ status: "fail", outcome: "container-not-running" });
    expect(report.maxScore).toBe(3);
  });

  it("probes the behaviour where the node enforces AppArmor, and a step that requires an unsupported one is unsupported too", async () => {
    const running = podFixture("busybox-apparmor-rejected");
    running.status = {
      phase: "Running",
      containerStatuses: [{ name: "confined", ready: true, restartCount: 0, state: { running: {} } }],
    };
    const denied = new FakeCluster(SYS).addPod(SYS, running);
    denied.execHandler = () => ({
      ok: true,
      value: { exitCode: 1, stdout: "", stderr: "touch: /tmp/x: Permission denied\n" },
    });
    const checks = [
      ...apparmorChecks,
      {
        id: "after",
        type: "field",
        pod: "confined",
        container: "confined",
        path: "image",
        contains: "busybox",
        requires: ["write-denied"],
      },
    ];
    const enforced = await gradeLab({ lab: labWith(checks, SYS), cluster: denied });
    expect(enforced.results.map((r) => r.status)).toEqual(["pass", "pass", "pass"]);
    expect(enforced).toMatchObject({ score: 6, maxScore: 6, unsupportedPoints: 0 });

    const refused = new FakeCluster(SYS).addPod(SYS, podFixture("busybox-apparmor-rejected"));
    const report = await gradeLab({ lab: labWith(checks, SYS), cluster: refused });
    expect(report.results.map((r) => r.status)).toEqual(["pass", "unsupported", "unsupported"]);
    expect(report.results[2]?.observed).toBe("write-denied: AppArmor not available on the node (AppArmor)");
    expect(report).toMatchObject({ score: 2, maxScore: 2, unsupportedPoints: 4, status: "passed" });
  });
});
