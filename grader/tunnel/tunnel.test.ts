import path from "node:path";
import { describe, expect, it } from "vitest";
import { gradeLab } from "../grade-lab";
import { loadAllLabs } from "../lab/load-lab";
import type { CallResult, ClusterPort } from "../port";
import { FakeCluster, podFixture } from "../testing/fake-cluster";
import { labWith } from "../testing/lab-builder";
import { createAgentEndpoint } from "./agent-endpoint";
import { agentAllowList, refusalOf } from "./allow-list";
import { parseFrame, ZAgentFrameSchema, ZServerFrameSchema, type TTunnelCall } from "./protocol";
import { createTunnelCluster } from "./tunnel-cluster";

const NS = "immutable-lab";
const checks = [
  {
    id: "ro",
    type: "field",
    pod: "nginx",
    container: "nginx",
    path: "securityContext.readOnlyRootFilesystem",
    equals: true,
  },
  { id: "ready", type: "podCondition", pod: "nginx", container: "nginx", expect: { ready: true } },
  {
    id: "write",
    type: "exec",
    pod: "nginx",
    container: "nginx",
    command: ["touch", "/{{probeFile}}"],
    expect: { exit: "nonzero" },
  },
  { id: "logs", type: "logs", pod: "nginx", container: "nginx", pattern: "worker", from: "current" },
];

/**
 * A server and an agent joined by an in-memory "socket" that carries JSON text both ways, as the
 * WebSocket does; `cut()` drops the connection as a closed laptop lid would.
 */
function tunnel(local: ClusterPort, lab = labWith(checks)) {
  const lines: string[] = [];
  let open = true;
  const tunnelCluster = createTunnelCluster({
    server: "agent on laptop-1",
    context: "kind-cks",
    link: {
      send(frame) {
        if (!open) throw new Error("closed");
        const parsed = parseFrame(ZServerFrameSchema, JSON.stringify(frame));
        if (parsed) queueMicrotask(() => open && agent.handle(parsed));
      },
    },
  });
  const agent = createAgentEndpoint({
    cluster: local,
    allowList: agentAllowList([lab]),
    log: (line) => lines.push(line),
    send(frame) {
      if (!open) throw new Error("closed");
      const parsed = parseFrame(ZAgentFrameSchema, JSON.stringify(frame));
      if (parsed?.type === "answer") queueMicrotask(() => tunnelCluster.receive(parsed.id, parsed.answer));
    },
  });
  const cut = () => {
    open = false;
    agent.abortAll();
    tunnelCluster.close("the agent on laptop-1 disconnected");
  };
  return { cluster: tunnelCluster.cluster, tunnelCluster, lines, cut, lab };
}

describe("grading through the agent tunnel", () => {
  it("gives the same report as grading the cluster directly, and the agent prints one line per request", async () => {
    const local = new FakeCluster(NS).addPod(NS, podFixture("nginx-running"), { current: "start worker processes\n" });
    const { cluster, lines, lab } = tunnel(local);
    const direct = await gradeLab({ lab, cluster: local });
    const callsDirect = local.calls.length;
    const through = await gradeLab({ lab, cluster });
    expect(direct.score).toBe(direct.maxScore);
    expect(through.score).toBe(direct.score);
    expect(through.results.map((r) => [r.checkId, r.status, r.outcome])).toEqual(
      direct.results.map((r) => [r.checkId, r.status, r.outcome]),
    );
    expect(lines).toHaveLength(local.calls.length - callsDirect);
    expect(lines.every((line) => line.startsWith("allowed "))).toBe(true);
    expect(
      lines.some((line) => /^allowed {2}exec nginx -c nginx -n immutable-lab -- touch \/cks-probe-/.test(line)),
    ).toBe(true);
  });

  it("grades a lab's accessReview checks through the tunnel as directly, asking only about the lab's ServiceAccount", async () => {
    const labs = await loadAllLabs(path.join(import.meta.dirname, "..", "..", "lessons"));
    const rbac = labs.find((l) => l.tasks.some((t) => t.checks.some((c) => c.type === "accessReview")))!;
    const local = new FakeCluster(rbac.namespace);
    const asked: string[] = [];
    local.subjectAuthorizer = (request) => {
      asked.push(request.user);
      const reads = ["get", "list", "watch"].includes(request.verb) && request.resource === "pods";
      const logs = request.verb === "get" && request.resource === "pods" && request.subresource === "log";
      const allowed = request.namespace === rbac.namespace && ((reads && !request.subresource) || logs);
      return { allowed, reason: allowed ? 'RBAC: allowed by RoleBinding "auditor"' : null };
    };
    const { cluster, lines } = tunnel(local, rbac);
    const direct = await gradeLab({ lab: rbac, cluster: local });
    const through = await gradeLab({ lab: rbac, cluster });
    const reviews = direct.results.filter((r) =>
      rbac.tasks.some((t) => t.checks.some((c) => c.id === r.checkId && c.type === "accessReview")),
    );
    expect(reviews.length).toBeGreaterThan(1);
    expect(reviews.every((r) => r.status === "pass")).toBe(true);
    expect(through.results.map((r) => [r.checkId, r.status, r.outcome])).toEqual(
      direct.results.map((r) => [r.checkId, r.status, r.outcome]),
    );
    expect(lines.filter((line) => line.startsWith("refused "))).toEqual([]);
    expect(
      lines.some((line) => /^allowed {2}can-i get pods\/log .*--as system:serviceaccount:rbac-lab:/.test(line)),
    ).toBe(true);
    expect(new Set(asked)).toEqual(new Set([`system:serviceaccount:${rbac.namespace}:auditor`]));

    const list = agentAllowList([rbac]);
    const review = (user: string): TTunnelCall => ({
      method: "reviewSubjectAccess",
      request: { verb: "get", group: "", resource: "secrets", namespace: "kube-system", user, groups: [] },
    });
    expect(refusalOf(list, review(`system:serviceaccount:${rbac.namespace}:auditor`))).toBeNull();
    expect(refusalOf(list, review("system:serviceaccount:kube-system:admin"))).toBe(
      "only a lab ServiceAccount's access may be reviewed",
    );
    expect(refusalOf(list, review("alice@example.org"))).toBe("only a lab ServiceAccount's access may be reviewed");
    // A lab without accessReview checks gives the server no subject access reviews at all.
    expect(refusalOf(agentAllowList([labWith(checks)]), review(`system:serviceaccount:${NS}:default`))).toBe(
      "not on the agent's allow-list",
    );
  });

  it("refuses at once a call the protocol cannot carry, instead of waiting for the agent that would drop it", async () => {
    const local = new FakeCluster(NS).addPod(NS, podFixture("nginx-running"));
    const { cluster } = tunnel(local);
    const answer = await cluster.readPod(NS, "x".repeat(300));
    expect(answer).toMatchObject({ ok: false, failure: { kind: "refused" } });
    expect(answer.ok ? "" : answer.failure.message).toMatch(/^the agent tunnel cannot carry this readPod \(name: /);
    expect(local.calls).toHaveLength(0);
  });

  it("turns the checks still running when the agent drops into 'agent disconnected' errors, never fails", async () => {
    const local = new FakeCluster(NS).addPod(NS, podFixture("nginx-running"), { current: "start worker processes\n" });
    local.failures.exec = "hang";
    const { cluster, cut, lab } = tunnel(local);
    const running = gradeLab({ lab, cluster });
    // Cut once the exec is under way on the agent's side.
    await expect.poll(() => local.calls.some((c) => c.method === "exec")).toBe(true);
    cut();
    const report = await running;
    const write = report.results.find((r) => r.checkId === "write")!;
    expect(write).toMatchObject({ status: "error", outcome: "agent-disconnected" });
    expect(write.message).toMatch(/^agent disconnected/);
    expect(report.results.filter((r) => r.status === "fail")).toEqual([]);
    expect(local.aborted).toContain("exec");
    // Later runs end at once with the same outcome, nothing is sent.
    const after = await gradeLab({ lab, cluster });
    expect(after.problem?.outcome).toBe("agent-disconnected");
    expect(after.counts.fail).toBe(0);
  });

  it("caps the calls in flight through one tunnel and queues the rest", async () => {
    const local = new FakeCluster(NS).addPod(NS, podFixture("nginx-running"));
    local.failures.readPod = "hang";
    const { cluster, tunnelCluster, cut } = tunnel(local);
    const calls = Array.from({ length: 12 }, () => cluster.readPod(NS, "nginx"));
    await expect.poll(() => local.count("readPod")).toBe(8);
    expect(tunnelCluster.inFlight()).toBe(8);
    cut();
    const results = await Promise.all(calls);
    expect(results.every((r) => !r.ok && r.failure.kind === "disconnected")).toBe(true);
    expect(local.count("readPod")).toBe(8);
  });

  it("ends a call the check gave up on and tells the agent to stop it", async () => {
    const local = new FakeCluster(NS).addPod(NS, podFixture("nginx-running"));
    local.failures.readLogs = "hang";
    const { cluster, lines } = tunnel(local);
    const controller = new AbortController();
    const call = cluster.readLogs(
      { namespace: NS, pod: "nginx", container: "nginx", previous: false },
      {
        signal: controller.signal,
      },
    );
    await expect.poll(() => local.count("readLogs")).toBe(1);
    controller.abort();
    expect(await call).toMatchObject({ ok: false, failure: { kind: "timeout" } });
    await expect.poll(() => lines.at(-1)).toMatch(/get pods\/log nginx -n immutable-lab -> cancelled/);
    expect(local.aborted).toContain("readLogs");
  });

  it("treats a malformed answer from the agent as an unexpected failure, not a value", async () => {
    const sent: number[] = [];
    const t = createTunnelCluster({
      server: "agent",
      context: null,
      link: { send: (frame) => frame.type === "call" && sent.push(frame.id) },
    });
    const pending = t.cluster.exec({ namespace: NS, pod: "p", container: "c", command: ["true"], timeoutMs: 1000 });
    t.receive(sent[0]!, { ok: true, value: { exitCode: "0", stdout: 1 } });
    expect(await pending).toMatchObject({ ok: false, failure: { kind: "unexpected" } });
  });
});

describe("the agent's allow-list", () => {
  const lab = labWith(checks);
  const refusedLines = async (call: TTunnelCall) => {
    const local = new FakeCluster(NS).addPod(NS, podFixture("nginx-running"));
    local.addObject({ apiVersion: "v1", kind: "Secret", metadata: { name: "db-password", namespace: NS } }, NS);
    const lines: string[] = [];
    let answer: CallResult<unknown> | null = null;
    const agent = createAgentEndpoint({
      cluster: local,
      allowList: agentAllowList([lab]),
      log: (line) => lines.push(line),
      send: (frame) => {
        if (frame.type === "answer") answer = frame.answer;
      },
    });
    agent.handle({ type: "call", id: 1, call });
    await expect.poll(() => answer).not.toBeNull();
    return { answer: answer!, lines, calls: local.calls.length };
  };

  it.each<[string, TTunnelCall]>([
    ["a DELETE", { method: "delete", ref: { apiVersion: "v1", kind: "Pod", name: "nginx", namespace: NS } }],
    [
      "a secret read",
      { method: "readObject", ref: { apiVersion: "v1", kind: "Secret", name: "db-password", namespace: NS } },
    ],
    [
      "an exec of a command no lab declares",
      {
        method: "exec",
        args: { namespace: NS, pod: "nginx", container: "nginx", command: ["cat", "/etc/shadow"], timeoutMs: 1000 },
      },
    ],
    [
      "a declared command with a file name no run would make",
      {
        method: "exec",
        args: { namespace: NS, pod: "nginx", container: "nginx", command: ["touch", "/etc/passwd"], timeoutMs: 1000 },
      },
    ],
    ["a read outside the lab namespaces", { method: "readPod", namespace: "kube-system", name: "kube-apiserver" }],
    [
      "a create that is not a dry-run",
      {
        method: "create",
        manifest: { apiVersion: "v1", kind: "Pod", metadata: { name: "x" } },
        target: { namespace: NS },
      },
    ],
    [
      "a dry-run of another kind",
      {
        method: "create",
        manifest: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", metadata: { name: "x" } },
        target: { namespace: NS, dryRun: true },
      },
    ],
    [
      "a list of secrets",
      { method: "listObjects", args: { apiVersion: "v1", kind: "Secret", namespace: NS, limit: 10 } },
    ],
  ])("refuses %s without touching the cluster, and logs it", async (_what, call) => {
    const { answer, lines, calls } = await refusedLines(call);
    expect(answer).toMatchObject({ ok: false, failure: { kind: "refused" } });
    expect(calls).toBe(0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^refused /);
  });

  it("allows what grading needs: pod reads, logs, the declared probe, a dry-run pod, version and access reviews", () => {
    const list = agentAllowList([lab]);
    const allowed: TTunnelCall[] = [
      { method: "version" },
      { method: "readNamespace", name: NS },
      { method: "readPod", namespace: NS, name: "nginx" },
      { method: "readLogs", args: { namespace: NS, pod: "nginx", container: "nginx", previous: true } },
      {
        method: "exec",
        args: {
          namespace: NS,
          pod: "nginx",
          container: "nginx",
          command: ["touch", "/cks-probe-0a1b2c3d-write"],
          timeoutMs: 8000,
        },
      },
      { method: "create", manifest: { apiVersion: "v1", kind: "Pod" }, target: { namespace: NS, dryRun: true } },
      { method: "reviewAccess", request: { verb: "get", group: "", resource: "pods", namespace: NS } },
    ];
    expect(allowed.map((call) => [call.method, refusalOf(list, call)])).toEqual(allowed.map((c) => [c.method, null]));
    expect(refusalOf(list, { method: "readNamespace", name: "default" })).not.toBeNull();
  });

  it("lets every lab the agent ships grade its own namespace, and reads a lab's TLS secret only by its name", async () => {
    const labs = await loadAllLabs(path.join(import.meta.dirname, "..", "..", "lessons"));
    const list = agentAllowList(labs);
    const ingress = labs.find((l) => l.tasks.some((t) => t.checks.some((c) => c.type === "certificate")))!;
    const certificate = ingress.tasks.flatMap((t) => t.checks).find((c) => c.type === "certificate")!;
    const secret = (name: string): TTunnelCall => ({
      method: "readObject",
      ref: { apiVersion: "v1", kind: "Secret", name, namespace: ingress.namespace },
    });
    expect(refusalOf(list, secret(certificate.type === "certificate" ? certificate.secret : ""))).toBeNull();
    expect(refusalOf(list, secret("other-secret"))).toBe("not on the agent's allow-list");
    for (const lab of labs) expect(refusalOf(list, { method: "readNamespace", name: lab.namespace })).toBeNull();
  });
});
