import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { checkPermissions, graderPermissions, type Perm } from "./check-permissions";
import { loadAllLabs } from "./lab/load-lab";
import type { AccessRequest } from "./port";
import { FakeCluster } from "./testing/fake-cluster";
import { labWith } from "./testing/lab-builder";

const namespace = "immutable-lab";

describe("checkPermissions", () => {
  it("reports every permission granted on a cluster-admin connection", async () => {
    const cluster = new FakeCluster(namespace);
    const report = await checkPermissions(cluster, namespace);
    expect(report).toMatchObject({ ok: true, namespace, server: cluster.server, missing: [] });
    if (report.ok) expect(report.granted).toHaveLength(graderPermissions(namespace).length);
    // One SelfSubjectAccessReview per permission, asked with the attributes RBAC sees (no `why`).
    expect(cluster.calls.map((c) => c.args)).toContainEqual({
      verb: "create",
      group: "",
      resource: "pods",
      subresource: "exec",
      namespace,
    });
    expect(cluster.calls.map((c) => c.args)).toContainEqual({
      verb: "get",
      group: "",
      resource: "namespaces",
      namespace,
      name: namespace,
    });
  });

  it("lists what a restricted user lacks, with why the grader needs it", async () => {
    const cluster = new FakeCluster(namespace);
    // A learner's "view"-like role: reads pods and logs but cannot exec, create or read policies.
    cluster.authorizer = (request: AccessRequest) => ({
      allowed: request.verb === "get" && request.group === "" && request.resource === "pods",
      reason: null,
    });
    const report = await checkPermissions(cluster, namespace);
    expect(report.ok).toBe(true);
    if (!report.ok) return;
    const label = (p: Perm) =>
      `${p.verb} ${p.group ? `${p.resource}.${p.group}` : p.resource}${p.subresource ? `/${p.subresource}` : ""}`;
    // "get" on group "" pods matches every pods/<subresource> in this fake authorizer, as `get` on `pods/*` would.
    expect(report.granted.map(label)).toEqual(["get pods", "get pods/log", "get pods/exec"]);
    expect(report.missing.map(label)).toEqual([
      "create pods/exec",
      "create pods",
      "get namespaces",
      "get validatingadmissionpolicies.admissionregistration.k8s.io",
      "get validatingadmissionpolicybindings.admissionregistration.k8s.io",
    ]);
    expect(report.missing.find((p) => p.subresource === "exec")?.why).toMatch(/exec checks run the lab's probe/);
    // The WebSocket upgrade is a GET: without get, exec is refused on every version.
    expect(report.granted.find((p) => p.subresource === "exec" && p.verb === "get")?.why).toMatch(
      /authorises it as get/,
    );
  });

  it("adds exactly what a lab's reachability checks need, once however many checks ask", async () => {
    const lab = labWith(
      [
        { id: "to-backend", type: "reachability", from: { pod: "a" }, to: { pod: "b" }, port: 80, expect: "allowed" },
        ...["tcp", "udp"].map((id) => ({
          id,
          type: "reachability",
          from: { pod: "a" },
          to: { pods: { namespace: "kube-system", matchLabels: { "k8s-app": "kube-dns" } } },
          port: 53,
          expect: "allowed",
        })),
      ],
      "netpol-lab",
    );
    const checks = lab.tasks.flatMap((task) => task.checks);
    const extra = graderPermissions("netpol-lab", checks).slice(graderPermissions("netpol-lab").length);
    expect(extra.map(({ why: _why, ...attributes }) => attributes)).toEqual([
      { verb: "list", group: "networking.k8s.io", resource: "networkpolicies", namespace: "netpol-lab" },
      { verb: "list", group: "", resource: "pods", namespace: "kube-system" },
      { verb: "get", group: "", resource: "namespaces", namespace: "kube-system", name: "kube-system" },
    ]);
    const cluster = new FakeCluster("netpol-lab");
    cluster.authorizer = (request) => ({ allowed: request.resource !== "networkpolicies", reason: null });
    const report = await checkPermissions(cluster, "netpol-lab", checks);
    expect(report.ok && report.missing.map((p) => p.why)).toEqual([
      "reachability checks evaluate the lab namespace's NetworkPolicies",
    ]);
  });

  it("adds create subjectaccessreviews, cluster-scoped, for accessReview checks, and reads a Namespace by its name", () => {
    const lab = labWith(
      [
        {
          id: "reads",
          type: "accessReview",
          serviceAccount: "auditor",
          requests: [{ verb: "get", resource: "pods", expect: "allowed" }],
        },
        { id: "ns", type: "objectExists", object: { apiVersion: "v1", kind: "Namespace", name: "rbac-lab" } },
      ],
      "rbac-lab",
    );
    const checks = lab.tasks.flatMap((task) => task.checks);
    const extra = graderPermissions("rbac-lab", checks).slice(graderPermissions("rbac-lab").length);
    expect(extra.map(({ why: _why, ...attributes }) => attributes)).toEqual([
      { verb: "create", group: "authorization.k8s.io", resource: "subjectaccessreviews" },
    ]);
    // The Namespace read is the base permission already (get namespaces, namespace and name rbac-lab).
    expect(graderPermissions("rbac-lab", checks).filter((p) => p.resource === "namespaces")).toHaveLength(1);
  });

  it("names the one Secret a certificate check reads, and the objects field checks read", () => {
    const lab = labWith(
      [
        {
          id: "cert",
          type: "certificate",
          secret: "web-tls",
          servedBy: { ingress: "web", host: "secure.cks.test" },
          expect: { keyMatches: true },
        },
        {
          id: "class",
          type: "field",
          object: { apiVersion: "networking.k8s.io/v1", kind: "Ingress", name: "web" },
          path: "spec.ingressClassName",
          equals: "nginx",
        },
        {
          id: "nginx-class",
          type: "objectExists",
          object: { apiVersion: "networking.k8s.io/v1", kind: "IngressClass", name: "nginx" },
        },
        { id: "svc", type: "objectExists", object: { apiVersion: "v1", kind: "Service", name: "web" } },
      ],
      "ingress-lab",
    );
    const checks = lab.tasks.flatMap((task) => task.checks);
    const extra = graderPermissions("ingress-lab", checks).slice(graderPermissions("ingress-lab").length);
    expect(extra.map(({ why: _why, ...attributes }) => attributes)).toEqual([
      { verb: "get", group: "", resource: "secrets", namespace: "ingress-lab", name: "web-tls" },
      { verb: "get", group: "networking.k8s.io", resource: "ingresses", namespace: "ingress-lab" },
      { verb: "get", group: "networking.k8s.io", resource: "ingressclasses" },
      { verb: "get", group: "", resource: "services", namespace: "ingress-lab" },
    ]);
  });

  it("asks to patch pods/ephemeralcontainers in the lab namespace only for ephemeral container dry-runs", () => {
    const lab = labWith(
      [
        {
          id: "debug-rejected",
          type: "ephemeralContainerDryRun",
          pod: "app",
          ephemeralContainer: { name: "debugger", image: "busybox" },
          expect: "rejected",
          messageMatches: "allowed-registries",
        },
      ],
      "supply-lab",
    );
    const checks = lab.tasks.flatMap((task) => task.checks);
    const extra = graderPermissions("supply-lab", checks).slice(graderPermissions("supply-lab").length);
    expect(extra.map(({ why: _why, ...attributes }) => attributes)).toEqual([
      { verb: "patch", group: "", resource: "pods", subresource: "ephemeralcontainers", namespace: "supply-lab" },
    ]);
  });

  it.each([
    [{ kind: "unreachable" as const, message: "connect ECONNREFUSED 127.0.0.1:6443" }, "cluster-unreachable"],
    [{ kind: "unauthorized" as const, message: "Unauthorized" }, "unauthorized"],
  ])("turns a failed review ($kind) into one outcome instead of a permission list", async (failure, outcome) => {
    const cluster = new FakeCluster(namespace);
    cluster.failures.reviewAccess = failure;
    const report = await checkPermissions(cluster, namespace);
    expect(report).toMatchObject({ ok: false, outcome, namespace });
    expect(report).not.toHaveProperty("granted");
  });

  it("survives a port that rejects", async () => {
    const cluster = new FakeCluster(namespace);
    cluster.reviewAccess = () => Promise.reject(new Error("boom"));
    expect(await checkPermissions(cluster, namespace)).toMatchObject({ ok: false, outcome: "unexpected" });
  });

  it("refuses a namespace that is not a DNS label", async () => {
    await expect(checkPermissions(new FakeCluster(), "Bad_Namespace")).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
  });
});

type Rule = { apiGroups?: string[]; resources?: string[]; verbs?: string[]; resourceNames?: string[] };
type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: Rule[];
  roleRef?: { kind: string; name: string };
  subjects?: { kind: string; name: string; namespace?: string }[];
};

const rbacFile = path.join(import.meta.dirname, "..", "docs", "grader-rbac.yaml");

function loadManifests(): Manifest[] {
  return parseAllDocuments(readFileSync(rbacFile, "utf8")).map((document) => {
    expect(document.errors).toEqual([]);
    return document.toJS() as Manifest;
  });
}

// Just enough of the RBAC authorizer to evaluate this one file for the grader's ServiceAccount.
function rbacAllows(manifests: Manifest[], request: Omit<Perm, "why">): boolean {
  const isGrader = (b: Manifest) =>
    (b.subjects ?? []).some(
      (s) => s.kind === "ServiceAccount" && s.name === "cks-grader" && s.namespace === "cks-grader",
    );
  const role = (kind: string, name: string, ns?: string) =>
    manifests.find(
      (m) => m.kind === kind && m.metadata.name === name && (kind === "ClusterRole" || m.metadata.namespace === ns),
    );
  const rules: Rule[] = [];
  for (const binding of manifests.filter(isGrader)) {
    if (binding.kind === "ClusterRoleBinding") rules.push(...(role("ClusterRole", binding.roleRef!.name)?.rules ?? []));
    if (binding.kind === "RoleBinding" && binding.metadata.namespace === request.namespace) {
      rules.push(...(role(binding.roleRef!.kind, binding.roleRef!.name, binding.metadata.namespace)?.rules ?? []));
    }
  }
  const resource = request.subresource ? `${request.resource}/${request.subresource}` : request.resource;
  const has = (list: string[] | undefined, value: string) => (list ?? []).includes(value) || (list ?? []).includes("*");
  return rules.some(
    (r) =>
      has(r.apiGroups, request.group) &&
      has(r.resources, resource) &&
      has(r.verbs, request.verb) &&
      (!r.resourceNames?.length || (request.name !== undefined && r.resourceNames.includes(request.name))),
  );
}

describe("docs/grader-rbac.yaml", () => {
  it("is a list of manifests that each have apiVersion, kind and metadata.name", () => {
    const manifests = loadManifests();
    expect(manifests.length).toBeGreaterThan(0);
    for (const manifest of manifests) {
      expect(manifest).toMatchObject({
        apiVersion: expect.stringMatching(/^(v1|rbac\.authorization\.k8s\.io\/v1)$/),
        kind: expect.any(String),
        metadata: { name: expect.any(String) },
      });
    }
    // Only RBAC and the grader's own identity; one Role and RoleBinding per namespace it works in.
    expect(new Set(manifests.map((m) => m.kind))).toEqual(
      new Set(["ClusterRole", "ClusterRoleBinding", "Namespace", "Role", "RoleBinding", "ServiceAccount"]),
    );
    const roles = manifests.filter((m) => m.kind === "Role").map((m) => `${m.metadata.namespace}/${m.metadata.name}`);
    const bindings = manifests
      .filter((m) => m.kind === "RoleBinding")
      .map((m) => `${m.metadata.namespace}/${m.metadata.name}`);
    expect(bindings.sort()).toEqual(roles.sort());
  });

  it("grants the ServiceAccount every permission the probe asks for, in every lab's namespace", async () => {
    const manifests = loadManifests();
    const labs = await loadAllLabs();
    expect(labs.length).toBeGreaterThan(0);
    for (const lab of labs) {
      const checks = lab.tasks.flatMap((task) => task.checks);
      for (const perm of graderPermissions(lab.namespace, checks)) {
        expect({
          perm: `${perm.verb} ${perm.resource}${perm.subresource ? `/${perm.subresource}` : ""}`,
          namespace: lab.namespace,
          allowed: rbacAllows(manifests, perm),
        }).toMatchObject({ allowed: true });
      }
    }
  });

  it("grants namespaced access only where a lab works or dry-runs, and dry-runs only pods", async () => {
    const labs = await loadAllLabs();
    const used = new Set(
      labs.flatMap((lab) => [
        lab.namespace,
        ...graderPermissions(
          lab.namespace,
          lab.tasks.flatMap((task) => task.checks),
        ).flatMap((p) => (p.verb === "create" && p.resource === "pods" && !p.subresource ? [p.namespace ?? ""] : [])),
      ]),
    );
    const granted = loadManifests()
      .filter((m) => (m.kind === "Role" || m.kind === "RoleBinding") && m.metadata.name.includes("dry-run"))
      .map((m) => m.metadata.namespace ?? "");
    for (const namespace of granted) expect(used).toContain(namespace);
    // The RBAC grants create on pods only, so every dry-run check must send a Pod.
    const sent = labs.flatMap((lab) =>
      lab.tasks.flatMap((task) =>
        task.checks.flatMap((check) =>
          check.type === "dryRunAdmitted" || check.type === "dryRunRejected"
            ? [`${check.manifest.apiVersion} ${check.manifest.kind}`]
            : [],
        ),
      ),
    );
    expect(new Set(sent)).toEqual(new Set(["v1 Pod"]));
  });

  it("asks for create pods in each other namespace a dry-run check names, once, and nothing else there", async () => {
    const { labWith } = await import("./testing/lab-builder");
    const manifest = { apiVersion: "v1", kind: "Pod", metadata: { name: "p" } };
    const lab = labWith([
      { id: "no", type: "dryRunRejected", manifest, messageMatches: "x" },
      { id: "here", type: "dryRunAdmitted", manifest, requires: ["no"], namespace },
      { id: "there", type: "dryRunAdmitted", manifest, requires: ["no"], namespace: "default" },
      { id: "again", type: "dryRunRejected", manifest, messageMatches: "x", namespace: "default" },
    ]);
    const perms = graderPermissions(
      namespace,
      lab.tasks.flatMap((t) => t.checks),
    );
    const extra = perms.filter((p) => p.namespace === "default");
    expect(extra).toEqual([
      expect.objectContaining({ verb: "create", group: "", resource: "pods", namespace: "default" }),
    ]);
    expect(extra[0]?.why).toMatch(/does not reach it/);
    expect(perms).toHaveLength(graderPermissions(namespace).length + 1);
  });

  it.each([
    ["list pods", { verb: "list", group: "", resource: "pods", namespace }],
    ["delete pods", { verb: "delete", group: "", resource: "pods", namespace }],
    ["read secrets", { verb: "get", group: "", resource: "secrets", namespace }],
    [
      "exec in kube-system",
      { verb: "create", group: "", resource: "pods", subresource: "exec", namespace: "kube-system" },
    ],
    ["read pods in kube-system", { verb: "get", group: "", resource: "pods", namespace: "kube-system" }],
    ["read pods in default", { verb: "get", group: "", resource: "pods", namespace: "default" }],
    ["exec in default", { verb: "create", group: "", resource: "pods", subresource: "exec", namespace: "default" }],
    ["create pods in kube-system", { verb: "create", group: "", resource: "pods", namespace: "kube-system" }],
    ["list namespaces", { verb: "list", group: "", resource: "namespaces" }],
    // kube-system's own Namespace object is readable (reachability checks match its labels); others are not.
    [
      "read another namespace object",
      { verb: "get", group: "", resource: "namespaces", namespace: "default", name: "default" },
    ],
    [
      "read pod logs in kube-system",
      { verb: "get", group: "", resource: "pods", subresource: "log", namespace: "kube-system" },
    ],
    [
      "create policies",
      { verb: "create", group: "admissionregistration.k8s.io", resource: "validatingadmissionpolicies" },
    ],
    [
      "create role bindings",
      { verb: "create", group: "rbac.authorization.k8s.io", resource: "rolebindings", namespace },
    ],
  ])("does not let the grader %s", (_name, request) => {
    expect(rbacAllows(loadManifests(), request)).toBe(false);
  });
});
