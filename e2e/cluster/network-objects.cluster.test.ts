import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runKubectl } from "./kubectl";
import { pollUntil, randomNamespace } from "./test-support";

// Services, Secrets and NetworkPolicies as stored objects, driven by the pinned kubectl the way the
// network and ingress lessons drive them: imperative commands (protobuf where kubectl sends it),
// tables, describe and the API server's validation messages.
const kubeconfigPath = inject("kubeconfigPath");
const namespace = randomNamespace("netobj");
const kubectl = (...args: string[]) => runKubectl(kubeconfigPath, ["-n", namespace, ...args]);
const apply = (manifest: string) => runKubectl(kubeconfigPath, ["apply", "-n", namespace, "-f", "-"], manifest);
const columns = (line: string | undefined) => (line ?? "").trim().split(/\s{2,}/);
const tls = path.join(import.meta.dirname, "..", "..", "grader", "testing", "fixtures", "tls");

describe("Service, Secret and NetworkPolicy objects", () => {
  beforeAll(async () => {
    expect((await runKubectl(kubeconfigPath, ["create", "namespace", namespace])).code).toBe(0);
  });
  afterAll(async () => {
    await runKubectl(kubeconfigPath, ["delete", "namespace", namespace, "--wait=false"]);
  });

  it("exposes a pod as a ClusterIP Service with the pod's labels as selector", async () => {
    expect((await kubectl("run", "web", "--image=nginx", "--labels=app=web", "--port=80")).code).toBe(0);
    expect(await kubectl("expose", "pod", "web", "--port=80")).toMatchObject({
      code: 0,
      stdout: "service/web exposed\n",
    });
    const table = await kubectl("get", "service", "web", "-o", "wide");
    const [head, row] = table.stdout.split("\n");
    expect(columns(head)).toEqual(["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE", "SELECTOR"]);
    const cells = columns(row);
    expect(cells[0]).toBe("web");
    expect(cells[1]).toBe("ClusterIP");
    expect(cells[2]).toMatch(/^10\.96\.\d+\.\d+$/);
    expect(cells.slice(3, 5)).toEqual(["<none>", "80/TCP"]);
    expect(cells[6]).toBe("app=web");
    const stored = JSON.parse((await kubectl("get", "service", "web", "-o", "json")).stdout) as { spec: unknown };
    expect(stored.spec).toMatchObject({
      type: "ClusterIP",
      selector: { app: "web" },
      ports: [{ port: 80, protocol: "TCP", targetPort: 80 }],
      clusterIPs: [cells[2]],
    });
  });

  it("refuses a Service with two unnamed ports", async () => {
    const result = await apply(
      "apiVersion: v1\nkind: Service\nmetadata:\n  name: two\nspec:\n  ports:\n  - port: 80\n  - port: 443\n",
    );
    expect(result.code).not.toBe(0);
    // Every port must be named once there are several, so both are reported, as kubectl lists them.
    expect(result.stderr).toContain(
      'The Service "two" is invalid: \n* spec.ports[0].name: Required value\n* spec.ports[1].name: Required value',
    );
  });

  it("creates a kubernetes.io/tls Secret from files, and kubectl refuses a key of another pair", async () => {
    const created = await kubectl(
      "create",
      "secret",
      "tls",
      "web-tls",
      `--cert=${path.join(tls, "web.crt")}`,
      `--key=${path.join(tls, "web.key")}`,
    );
    expect(created).toMatchObject({ code: 0, stdout: "secret/web-tls created\n" });
    const table = await kubectl("get", "secret", "web-tls");
    const [head, row] = table.stdout.split("\n");
    expect(columns(head)).toEqual(["NAME", "TYPE", "DATA", "AGE"]);
    expect(columns(row).slice(0, 3)).toEqual(["web-tls", "kubernetes.io/tls", "2"]);
    const stored = JSON.parse((await kubectl("get", "secret", "web-tls", "-o", "json")).stdout) as {
      type: string;
      data: Record<string, string>;
    };
    expect(stored.type).toBe("kubernetes.io/tls");
    expect(Buffer.from(stored.data["tls.crt"] ?? "", "base64").toString()).toBe(
      readFileSync(path.join(tls, "web.crt"), "utf8"),
    );
    const wrong = await kubectl(
      "create",
      "secret",
      "tls",
      "wrong",
      `--cert=${path.join(tls, "web.crt")}`,
      `--key=${path.join(tls, "other.key")}`,
    );
    expect(wrong).toMatchObject({ code: 1, stderr: "error: tls: private key does not match public key\n" });
  });

  it("folds stringData into data, defaults the type and requires both keys of a TLS Secret", async () => {
    expect((await kubectl("create", "secret", "generic", "db", "--from-literal=password=s3cret")).code).toBe(0);
    const generic = JSON.parse((await kubectl("get", "secret", "db", "-o", "json")).stdout) as {
      type: string;
      data: Record<string, string>;
    };
    expect(generic).toMatchObject({ type: "Opaque", data: { password: Buffer.from("s3cret").toString("base64") } });
    const half = await apply(
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: half\ntype: kubernetes.io/tls\nstringData:\n  tls.crt: x\n",
    );
    expect(half.code).not.toBe(0);
    expect(half.stderr).toContain('The Secret "half" is invalid: data[tls.key]: Required value');
  });

  it("stores NetworkPolicies with their defaults and prints them as kubectl does", async () => {
    const policy = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web-from-frontend
spec:
  podSelector:
    matchLabels:
      app: web
  ingress:
  - from:
    - podSelector:
        matchLabels:
          app: frontend
    ports:
    - port: 80
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny-egress
spec:
  podSelector: {}
  policyTypes: [Egress]
`;
    expect((await apply(policy)).stdout).toBe(
      "networkpolicy.networking.k8s.io/web-from-frontend created\nnetworkpolicy.networking.k8s.io/default-deny-egress created\n",
    );
    const table = await kubectl("get", "networkpolicy");
    const rows = table.stdout.trim().split("\n").map(columns);
    expect(rows[0]).toEqual(["NAME", "POD-SELECTOR", "AGE"]);
    expect(rows.slice(1).map((r) => r.slice(0, 2))).toEqual([
      ["default-deny-egress", "<none>"],
      ["web-from-frontend", "app=web"],
    ]);
    const stored = JSON.parse((await kubectl("get", "networkpolicy", "web-from-frontend", "-o", "json")).stdout) as {
      spec: unknown;
    };
    expect(stored.spec).toMatchObject({
      policyTypes: ["Ingress"],
      ingress: [{ ports: [{ port: 80, protocol: "TCP" }] }],
    });
    const described = await kubectl("describe", "networkpolicy", "web-from-frontend");
    expect(described.stdout).toContain("  PodSelector:     app=web\n");
    expect(described.stdout).toContain("    To Port: 80/TCP\n    From:\n      PodSelector: app=frontend\n");
    expect(described.stdout).toContain("  Not affecting egress traffic\n  Policy Types: Ingress\n");
  });

  it.each([
    [
      "an except outside the cidr",
      "- ipBlock:\n        cidr: 10.0.0.0/8\n        except: [192.168.0.0/16]",
      'spec.egress[0].to[0].ipBlock.except[0]: Invalid value: "192.168.0.0/16": must be a strict subset of `cidr`',
    ],
    ["an empty peer", "- {}", "spec.egress[0].to[0]: Required value: must specify a peer"],
    [
      "ipBlock beside a selector",
      "- ipBlock:\n        cidr: 10.0.0.0/8\n      podSelector: {}",
      "spec.egress[0].to[0]: Forbidden: may not specify both ipBlock and another peer",
    ],
  ])("refuses %s", async (_name, peer, message) => {
    const manifest = `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: bad\nspec:\n  podSelector: {}\n  egress:\n  - to:\n    ${peer}\n`;
    const result = await apply(manifest);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`The NetworkPolicy "bad" is invalid: ${message}`);
  });

  it("removes them with their namespace", async () => {
    const other = randomNamespace("netgone");
    await runKubectl(kubeconfigPath, ["create", "namespace", other]);
    await runKubectl(
      kubeconfigPath,
      ["apply", "-n", other, "-f", "-"],
      "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p\nspec:\n  podSelector: {}\n",
    );
    await runKubectl(kubeconfigPath, ["delete", "namespace", other]);
    const gone = await pollUntil(
      () => runKubectl(kubeconfigPath, ["get", "networkpolicy", "-A", "-o", "name"]),
      (r) => !r.stdout.includes(other),
      30_000,
    );
    expect(gone.stdout).not.toContain(other);
  });
});
