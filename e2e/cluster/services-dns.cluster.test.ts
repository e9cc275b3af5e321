import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runKubectl } from "./kubectl";
import { podRow, pollUntil, randomNamespace } from "./test-support";

const kubeconfigPath = inject("kubeconfigPath");
const onPodman = inject("clusterKind") === "podman";
const namespace = randomNamespace("svcdns");
const kubectl = (...args: string[]) => runKubectl(kubeconfigPath, ["-n", namespace, ...args]);
const apply = (manifest: string) => runKubectl(kubeconfigPath, ["-n", namespace, "apply", "-f", "-"], manifest);
const running = (name: string) =>
  pollUntil(
    () => podRow(kubeconfigPath, namespace, name),
    (row) => row.status === "Running",
    90_000,
    150,
  );
const jsonpath = async (kind: string, name: string, path: string) =>
  (await kubectl("get", kind, name, "-o", `jsonpath=${path}`)).stdout.trim();
/** wget from the `frontend` pod; Service rules follow pods within moments, as kube-proxy's do. */
const fetchFrom = (pod: string, url: string, until: (result: { code: number; stdout: string }) => boolean) =>
  pollUntil(() => kubectl("exec", pod, "--", "wget", "-q", "-O-", "-T", "3", url), until, 30_000, 300);

// A busybox web server answering with its own pod name on `port`.
const webPod = (name: string, labels: string, port: number, portName = "http") => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: {${labels}}
spec:
  containers:
  - name: web
    image: busybox
    command: ["sh", "-c", "mkdir -p /tmp/www && echo ${name} > /tmp/www/index.html && exec httpd -f -p ${port} -h /tmp/www"]
    ports: [{name: ${portName}, containerPort: ${port}}]
`;

describe("Services and cluster DNS", () => {
  beforeAll(async () => {
    await runKubectl(kubeconfigPath, ["create", "namespace", namespace]);
    await apply(`${webPod("backend", "app: backend", 80)}---
apiVersion: v1
kind: Pod
metadata:
  name: frontend
spec:
  containers:
  - name: shell
    image: busybox
    command: ["sleep", "3600"]
`);
    await kubectl("expose", "pod", "backend", "--port", "80");
    await Promise.all([running("backend"), running("frontend")]);
  });
  afterAll(async () => {
    await runKubectl(kubeconfigPath, ["delete", "namespace", namespace]);
  });

  it("forwards a ClusterIP and port to the ready pod behind the Service", async () => {
    const clusterIp = await jsonpath("service", "backend", "{.spec.clusterIP}");
    const answer = await fetchFrom("frontend", `http://${clusterIp}/`, (result) => result.code === 0);
    expect(answer.stdout).toBe("backend\n");
  });

  it("resolves backend, backend.<ns> and backend.<ns>.svc.cluster.local to the ClusterIP, and not other names", async () => {
    const clusterIp = await jsonpath("service", "backend", "{.spec.clusterIP}");
    for (const name of ["backend", `backend.${namespace}`, `backend.${namespace}.svc.cluster.local`]) {
      const answer = await fetchFrom("frontend", `http://${name}/`, (result) => result.code === 0);
      expect(answer.stdout, name).toBe("backend\n");
    }
    const lookup = await kubectl("exec", "frontend", "--", "nslookup", `backend.${namespace}.svc.cluster.local`);
    expect(lookup.stdout).toContain(`Name:\tbackend.${namespace}.svc.cluster.local\nAddress: ${clusterIp}\n`);
    if (onPodman) expect(lookup.stdout).toContain("Server:\t\t10.96.0.10\n");
    const missing = await kubectl("exec", "frontend", "--", "wget", "-q", "-O-", "-T", "3", "http://nothing-here/");
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("bad address 'nothing-here'");
  });

  it("has the kube-dns Service at kind's address in kube-system, in front of a running CoreDNS pod", async () => {
    const dns = await runKubectl(kubeconfigPath, ["-n", "kube-system", "get", "service", "kube-dns", "--no-headers"]);
    expect(dns.stdout).toMatch(/^kube-dns\s+ClusterIP\s+10\.96\.0\.10\s+<none>\s+53\/UDP,53\/TCP,9153\/TCP\s/);
    const coredns = await runKubectl(kubeconfigPath, [
      "-n",
      "kube-system",
      "get",
      "pods",
      "-l",
      "k8s-app=kube-dns",
      "--no-headers",
    ]);
    expect(coredns.stdout).toMatch(/^coredns-\S+\s+1\/1\s+Running\s/);
  });

  it("resolves a named targetPort against each pod's container ports", async () => {
    await apply(`${webPod("named", "app: named", 8080, "web")}---
apiVersion: v1
kind: Service
metadata:
  name: named
spec:
  selector: {app: named}
  ports:
  - port: 80
    targetPort: web
`);
    await running("named");
    const answer = await fetchFrom("frontend", "http://named/", (result) => result.code === 0);
    expect(answer.stdout).toBe("named\n");
  });

  it("rejects at once a Service without ready endpoints, and forwards once a matching pod is ready", async () => {
    await apply(`apiVersion: v1
kind: Service
metadata:
  name: later
spec:
  selector: {app: later}
  ports:
  - port: 80
`);
    const clusterIp = await jsonpath("service", "later", "{.spec.clusterIP}");
    const refused = await fetchFrom("frontend", `http://${clusterIp}/`, (result) => result.code !== 0);
    expect(refused.code).not.toBe(0);
    await apply(webPod("later", "app: later", 80));
    await running("later");
    const answer = await fetchFrom("frontend", `http://later/`, (result) => result.code === 0);
    expect(answer.stdout).toBe("later\n");
  });

  it("lets a pod reach itself through its own Service (hairpin)", async () => {
    const answer = await fetchFrom("backend", "http://backend/", (result) => result.code === 0);
    expect(answer.stdout).toBe("backend\n");
  });

  it("stops forwarding to a pod once it is deleted", async () => {
    await apply(webPod("gone", "app: gone", 80));
    await kubectl("expose", "pod", "gone", "--port", "80");
    await running("gone");
    expect((await fetchFrom("frontend", "http://gone/", (result) => result.code === 0)).stdout).toBe("gone\n");
    await kubectl("delete", "pod", "gone", "--wait=true");
    const after = await fetchFrom("frontend", "http://gone/", (result) => result.code !== 0);
    expect(after.code).not.toBe(0);
  });
});
