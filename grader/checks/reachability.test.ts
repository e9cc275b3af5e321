import { describe, expect, it } from "vitest";
import { gradeLab } from "../grade-lab";
import type { KubeObject } from "../port";
import type { CheckResult, ReachabilityEvidence } from "../report";
import { FakeCluster } from "../testing/fake-cluster";
import { labWith } from "../testing/lab-builder";

const NS = "netpol-lab";

function pod(name: string, labels: Record<string, string>, ip: string, ports: object[] = []): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, labels },
    spec: { containers: [{ name, image: "busybox", ports }] },
    status: {
      phase: "Running",
      podIP: ip,
      podIPs: [{ ip }],
      containerStatuses: [
        { name, ready: true, restartCount: 0, state: { running: { startedAt: "2026-11-27T10:00:00Z" } } },
      ],
    },
  };
}

function policy(name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, namespace: NS }, spec };
}

const denyIngress = policy("default-deny-ingress", { podSelector: {}, policyTypes: ["Ingress"] });
const allowFrontend = policy("backend-from-frontend", {
  podSelector: { matchLabels: { app: "backend" } },
  policyTypes: ["Ingress"],
  ingress: [{ from: [{ podSelector: { matchLabels: { app: "frontend" } } }], ports: [{ protocol: "TCP", port: 80 }] }],
});

/** The lab's world: wget exits 0 when `connects(pod)` says so, else times out like a dropped packet. */
function lab(policies: KubeObject[], connects: (pod: string, argv: string[]) => boolean = () => true): FakeCluster {
  const cluster = new FakeCluster(NS)
    .addPod(NS, pod("frontend", { app: "frontend" }, "10.244.0.5"))
    .addPod(NS, pod("intruder", { app: "intruder" }, "10.244.0.6"))
    .addPod(
      NS,
      pod("backend", { app: "backend" }, "10.244.0.7", [{ name: "http", containerPort: 80, protocol: "TCP" }]),
    );
  for (const p of policies) cluster.addObject(p, NS);
  cluster.execHandler = (args) => ({
    ok: true,
    value: connects(args.pod, args.command)
      ? { exitCode: 0, stdout: "<title>Welcome to nginx!</title>\n", stderr: "" }
      : { exitCode: 1, stdout: "", stderr: "wget: download timed out\n" },
  });
  return cluster;
}

const wget = ["wget", "-q", "-T", "2", "-O", "/dev/null", "http://backend"];
const frontendToBackend = {
  id: "frontend-reaches-backend",
  type: "reachability",
  from: { pod: "frontend" },
  to: { pod: "backend" },
  port: 80,
  expect: "allowed",
  probe: { command: wget },
};
const intruderToBackend = { ...frontendToBackend, id: "intruder-blocked", from: { pod: "intruder" }, expect: "denied" };

async function grade(cluster: FakeCluster, ...checks: Record<string, unknown>[]): Promise<CheckResult[]> {
  return (await gradeLab({ lab: labWith(checks, NS), cluster })).results;
}

function reach(result: CheckResult | undefined): ReachabilityEvidence {
  const evidence = result?.evidence.find((e) => e.type === "reachability");
  if (!evidence || evidence.type !== "reachability") throw new Error("no reachability evidence");
  return evidence;
}

describe("reachability", () => {
  it("passes on both kinds of evidence when policies and probe agree", async () => {
    const cluster = lab([denyIngress, allowFrontend], (p) => p === "frontend");
    const [allowed, denied] = await grade(cluster, frontendToBackend, intruderToBackend);
    expect(allowed).toMatchObject({ status: "pass", message: "OK: policies and probe: allowed" });
    expect(reach(allowed)).toMatchObject({
      decidedBy: "policies and probe",
      policies: "allowed",
      probe: "connected",
      sides: [
        { direction: "egress", pod: `${NS}/frontend`, selectedBy: [], outcome: "allowed" },
        {
          direction: "ingress",
          pod: `${NS}/backend`,
          selectedBy: ["default-deny-ingress", "backend-from-frontend"],
          allowedBy: ["backend-from-frontend ingress rule 1"],
        },
      ],
    });
    expect(denied).toMatchObject({ status: "pass" });
    expect(reach(denied)).toMatchObject({ decidedBy: "policies and probe", probe: "failed" });
    expect(denied?.evidence).toContainEqual(expect.objectContaining({ type: "exec", pod: "intruder", exitCode: 1 }));
  });

  it("grades by the policies on a cluster that does not enforce them, and says so", async () => {
    const [denied] = await grade(
      lab([denyIngress, allowFrontend], () => true),
      intruderToBackend,
    );
    expect(denied).toMatchObject({ status: "pass", awarded: 1 });
    expect(denied?.message).toMatch(/not enforced by this cluster's network plugin/);
    expect(reach(denied)).toMatchObject({ decidedBy: "policies", probe: "connected" });
    expect(reach(denied).notes.join(" ")).toMatch(/does not enforce NetworkPolicy/);
  });

  it("fails when the policies do not give the expected answer, whatever the probe says", async () => {
    const [denied] = await grade(
      lab([], () => false),
      intruderToBackend,
    );
    expect(denied).toMatchObject({ status: "fail", outcome: "failed" });
    expect(denied?.observed).toBe("policies: allowed (no policy isolates either end); probe failed");
    // A policy for backend alone leaves the other pods open: frontend still reaches intruder.
    const frontendToIntruder = {
      ...frontendToBackend,
      id: "f2i",
      to: { pod: "intruder" },
      expect: "denied",
      probe: undefined,
    };
    const [open] = await grade(lab([allowFrontend]), frontendToIntruder);
    expect(open).toMatchObject({ status: "fail", observed: "policies: allowed (no policy isolates either end)" });
    expect(reach(open)).toMatchObject({ decidedBy: "policies", probe: "not run" });
  });

  it("lets a failed probe fail an allowed connection: the traffic must really get through", async () => {
    const [result] = await grade(
      lab([denyIngress, allowFrontend], () => false),
      frontendToBackend,
    );
    expect(result).toMatchObject({ status: "fail" });
    expect(result?.observed).toBe(
      "the policies allow it, but the probe from frontend failed: exit 1: wget: download timed out",
    );
    expect(reach(result)).toMatchObject({ decidedBy: "probe", policies: "allowed", probe: "failed" });
  });

  it("judges DNS against the real DNS pods in kube-system, by namespace and pod labels", async () => {
    const dnsPod = pod("coredns-7c65d6cfc9-x2x8v", { "k8s-app": "kube-dns" }, "10.244.0.3", [
      { name: "dns", containerPort: 53, protocol: "UDP" },
    ]);
    const egress = [
      policy("default-deny-egress", { podSelector: {}, policyTypes: ["Egress"] }),
      policy("allow-dns", {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
          {
            to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }],
            ports: [{ protocol: "UDP", port: 53 }],
          },
        ],
      }),
    ];
    const dns = {
      id: "dns",
      type: "reachability",
      from: { pod: "intruder" },
      to: { pods: { namespace: "kube-system", matchLabels: { "k8s-app": "kube-dns" } } },
      port: 53,
      protocol: "UDP",
      expect: "allowed",
      probe: { command: ["nslookup", "-timeout=2", "backend.{{namespace}}.svc.cluster.local"] },
    };
    const cluster = lab(egress).addPod("kube-system", dnsPod);
    const [result] = await grade(cluster, dns);
    expect(result).toMatchObject({ status: "pass" });
    expect(cluster.calls).toContainEqual({
      method: "listObjects",
      args: { apiVersion: "v1", kind: "Pod", namespace: "kube-system", labelSelector: "k8s-app=kube-dns", limit: 20 },
    });
    expect(cluster.calls).toContainEqual(
      expect.objectContaining({
        method: "exec",
        args: expect.objectContaining({ command: ["nslookup", "-timeout=2", `backend.${NS}.svc.cluster.local`] }),
      }),
    );
    expect(reach(result).notes).toEqual([
      "ingress of kube-system/coredns-7c65d6cfc9-x2x8v not evaluated: the grader does not read policies in that namespace",
    ]);

    const [tcp] = await grade(lab(egress).addPod("kube-system", dnsPod), { ...dns, protocol: "TCP", probe: undefined });
    expect(tcp).toMatchObject({ status: "fail" });
    const [none] = await grade(lab(egress), dns);
    expect(none).toMatchObject({ status: "fail", outcome: "pod-missing" });
    expect(none?.message).toBe(
      "No pod labelled k8s-app=kube-dns runs in namespace kube-system, so there is nothing to reach.",
    );
  });

  it("asks about pods that do not exist, such as a look-alike in another namespace", async () => {
    const lookalike = {
      id: "lookalike",
      type: "reachability",
      from: { hypotheticalPod: { namespace: "elsewhere", labels: { app: "frontend" } } },
      to: { pod: "backend" },
      port: 80,
      expect: "denied",
    };
    const [good] = await grade(lab([denyIngress, allowFrontend]), lookalike);
    expect(good).toMatchObject({ status: "pass" });
    // The classic slip: namespaceSelector and podSelector as two entries lets every pod of every namespace in.
    const anyNamespace = policy("backend-from-frontend", {
      podSelector: { matchLabels: { app: "backend" } },
      ingress: [{ from: [{ namespaceSelector: {} }, { podSelector: { matchLabels: { app: "frontend" } } }] }],
    });
    const [bad] = await grade(lab([denyIngress, anyNamespace]), lookalike);
    expect(bad).toMatchObject({ status: "fail" });
    expect(reach(bad)).toMatchObject({ notes: [], policies: "allowed" });
  });

  it("judges an address range such as the metadata service", async () => {
    const metadata = {
      id: "metadata",
      type: "reachability",
      from: { pod: "frontend" },
      to: { cidr: "169.254.169.254/32" },
      port: 80,
      expect: "denied",
    };
    const blockMetadata = policy("no-metadata", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["169.254.169.254/32"] } }] }],
    });
    expect((await grade(lab([blockMetadata]), metadata))[0]).toMatchObject({ status: "pass" });
    expect((await grade(lab([]), metadata))[0]).toMatchObject({ status: "fail" });
  });

  it("lists the namespace's policies once per run, however many checks ask", async () => {
    const cluster = lab([denyIngress, allowFrontend], (p) => p === "frontend");
    await grade(cluster, frontendToBackend, intruderToBackend, { ...intruderToBackend, id: "again", probe: undefined });
    expect(cluster.count("listObjects")).toBe(1);
  });

  it("refuses to judge a truncated list of policies", async () => {
    const cluster = lab([]);
    for (let i = 0; i < 201; i++) cluster.addObject(policy(`p${i}`, { podSelector: {} }), NS);
    const [result] = await grade(cluster, intruderToBackend);
    expect(result).toMatchObject({ status: "error", observed: "more than 200 NetworkPolicies in netpol-lab" });
  });

  it("reports a missing namespace, a missing pod and a forbidden list as such", async () => {
    const [missingNs] = await grade(new FakeCluster(), intruderToBackend);
    expect(missingNs).toMatchObject({ status: "fail", outcome: "namespace-missing" });
    const noBackend = new FakeCluster(NS).addPod(NS, pod("intruder", { app: "intruder" }, "10.244.0.6"));
    const [missingPod] = await grade(noBackend, intruderToBackend);
    expect(missingPod).toMatchObject({ status: "fail", outcome: "pod-missing" });
    const forbidden = lab([]);
    forbidden.failures.listObjects = {
      kind: "forbidden",
      verb: "list",
      resource: "networkpolicies",
      namespace: NS,
      message: "forbidden",
    };
    const [denied] = await grade(forbidden, intruderToBackend);
    expect(denied).toMatchObject({ status: "error", outcome: "forbidden" });
    expect(denied?.message).toBe(`Permission denied: your user needs RBAC "list networkpolicies" in namespace ${NS}.`);
  });

  it("treats a probe that cannot start as no evidence and a hung one as no connection", async () => {
    const notStarted = lab([denyIngress]);
    notStarted.execHandler = () => ({
      ok: false,
      failure: { kind: "exec-not-started", message: 'exec: "wget": executable file not found in $PATH' },
    });
    const [denied] = await grade(notStarted, intruderToBackend);
    expect(denied).toMatchObject({ status: "pass" });
    expect(reach(denied)).toMatchObject({ probe: "could not run", decidedBy: "policies" });
    const hung = lab([]);
    hung.execHandler = () => ({ ok: false, failure: { kind: "timeout", message: "no exit status" } });
    const [allowed] = await grade(hung, frontendToBackend);
    expect(allowed).toMatchObject({ status: "fail" });
    expect(allowed?.observed).toMatch(/probe from frontend failed: no exit within 8000 ms/);
  });

  it("rejects lab files that ask the impossible", () => {
    expect(() =>
      labWith([{ ...frontendToBackend, from: { cidr: "10.0.0.0/8" }, to: { cidr: "10.1.0.0/16" }, probe: undefined }]),
    ).toThrow(/a connection needs a pod at one end at least/);
    expect(() => labWith([{ ...frontendToBackend, from: { cidr: "10.0.0.0/8" } }])).toThrow(
      /a probe runs in the source pod/,
    );
    expect(() => labWith([{ ...frontendToBackend, to: { cidr: "10.0.0.300/32" } }])).toThrow(/valid IPv4 or IPv6 CIDR/);
  });
});
