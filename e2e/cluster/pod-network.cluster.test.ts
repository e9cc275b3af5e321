import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runKubectl } from "./kubectl";
import { podRow, pollUntil, randomNamespace } from "./test-support";

const kubeconfigPath = inject("kubeconfigPath");
const onPodman = inject("clusterKind") === "podman";
const namespace = randomNamespace("podnet");
const kubectl = (...args: string[]) => runKubectl(kubeconfigPath, ["-n", namespace, ...args]);
const apply = (manifest: string) => runKubectl(kubeconfigPath, ["-n", namespace, "apply", "-f", "-"], manifest);
const running = (name: string) =>
  pollUntil(
    () => podRow(kubeconfigPath, namespace, name),
    (row) => row.status === "Running",
    90_000,
    150,
  );
const podIp = async (name: string) =>
  (await kubectl("get", "pod", name, "-o", "jsonpath={.status.podIP}")).stdout.trim();

describe("pod networking", () => {
  beforeAll(async () => {
    await runKubectl(kubeconfigPath, ["create", "namespace", namespace]);
    await apply(`apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  containers:
  - name: nginx
    image: nginx
    ports: [{containerPort: 80}]
  - name: sidecar
    image: busybox
    command: ["sleep", "3600"]
---
apiVersion: v1
kind: Pod
metadata:
  name: client
spec:
  containers:
  - name: client
    image: busybox
    command: ["sleep", "3600"]
`);
    await Promise.all([running("web"), running("client")]);
  });
  afterAll(async () => {
    await runKubectl(kubeconfigPath, ["delete", "namespace", namespace]);
  });

  it("gives each pod its own address, shown by kubectl get -o wide", async () => {
    const [web, client] = [await podIp("web"), await podIp("client")];
    expect(web).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(client).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(web).not.toBe(client);
    if (onPodman) expect(web).toMatch(/^10\.244\.0\./);
    const wide = await kubectl("get", "pods", "-o", "wide");
    const row = wide.stdout.split("\n").find((line) => line.startsWith("web "));
    expect(row?.split(/\s{2,}/)[5]).toBe(web);
    expect(await kubectl("get", "pod", "web", "-o", "jsonpath={.status.podIPs[0].ip}")).toMatchObject({ stdout: web });
    // Inside the pod, eth0 carries the address the API reports.
    expect((await kubectl("exec", "client", "--", "ip", "-4", "addr", "show", "eth0")).stdout).toContain(
      `inet ${client}/`,
    );
  });

  it("lets one pod reach another by its pod IP, and the server sees the client's address", async () => {
    const web = await podIp("web");
    const fetched = await kubectl("exec", "client", "--", "wget", "-q", "-O-", "-T", "5", `http://${web}/`);
    expect(fetched.stderr).toBe("");
    expect(fetched.stdout).toContain("Welcome to nginx!");
    const log = await kubectl("logs", "web", "-c", "nginx");
    expect(log.stdout).toContain(`${await podIp("client")} - - [`);
  });

  it("shares the network namespace, and localhost, between the containers of a pod", async () => {
    const local = await kubectl(
      "exec",
      "web",
      "-c",
      "sidecar",
      "--",
      "wget",
      "-q",
      "-O-",
      "-T",
      "5",
      "http://127.0.0.1/",
    );
    expect(local.stdout).toContain("Welcome to nginx!");
    expect((await kubectl("exec", "web", "-c", "sidecar", "--", "hostname")).stdout.trim()).toBe("web");
  });

  it("writes the kubelet's hosts file (with the pod's address) and resolv.conf (cluster DNS, ndots:5)", async () => {
    const hosts = await kubectl("exec", "client", "--", "cat", "/etc/hosts");
    expect(hosts.stdout).toContain("# Kubernetes-managed hosts file.");
    expect(hosts.stdout).toContain(`${await podIp("client")}\tclient\n`);
    const resolv = await kubectl("exec", "client", "--", "cat", "/etc/resolv.conf");
    expect(resolv.stdout).toContain(`search ${namespace}.svc.cluster.local svc.cluster.local cluster.local`);
    expect(resolv.stdout).toContain("options ndots:5");
    if (onPodman) expect(resolv.stdout).toContain("nameserver 10.96.0.10\n");
  });

  it("gives a pod that stops its address back, and a connection to it then fails", async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata:
  name: brief
spec:
  containers:
  - name: nginx
    image: nginx
`);
    await running("brief");
    const address = await podIp("brief");
    expect(
      (await kubectl("exec", "client", "--", "wget", "-q", "-O-", "-T", "3", `http://${address}/`)).stdout,
    ).toContain("Welcome to nginx!");
    await kubectl("delete", "pod", "brief", "--wait=true");
    const after = await kubectl("exec", "client", "--", "wget", "-q", "-O-", "-T", "2", `http://${address}/`);
    expect(after.code).not.toBe(0);
  });

  it.skipIf(!onPodman)("runs hostNetwork pods in the node's network namespace, with the node's address", async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata:
  name: on-node
spec:
  hostNetwork: true
  containers:
  - name: shell
    image: busybox
    command: ["sleep", "3600"]
`);
    await running("on-node");
    expect(await podIp("on-node")).toBe("172.18.0.2");
    expect((await kubectl("exec", "on-node", "--", "hostname")).stdout.trim()).toBe("cks-test-node");
    // The node routes to every pod directly.
    const fetched = await kubectl(
      "exec",
      "on-node",
      "--",
      "wget",
      "-q",
      "-O-",
      "-T",
      "5",
      `http://${await podIp("web")}/`,
    );
    expect(fetched.stdout).toContain("Welcome to nginx!");
  });

  it.skipIf(!onPodman)(
    "serves a fake cloud metadata endpoint at 169.254.169.254 inside the cluster's network",
    async () => {
      const answer = await kubectl(
        "exec",
        "client",
        "--",
        "wget",
        "-q",
        "-O-",
        "-T",
        "5",
        "http://169.254.169.254/latest/meta-data/",
      );
      expect(answer.stdout).toContain("instance-id");
    },
  );
});
