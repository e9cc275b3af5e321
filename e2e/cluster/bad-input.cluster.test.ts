import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runKubectl } from "./kubectl";
import { podRow, pollUntil, randomNamespace } from "./test-support";

const kubeconfigPath = inject("kubeconfigPath");
const namespace = randomNamespace("bad");
const kubectl = (...args: string[]) => runKubectl(kubeconfigPath, ["-n", namespace, ...args]);
const create = (manifest: string) => runKubectl(kubeconfigPath, ["-n", namespace, "create", "-f", "-"], manifest);

function serverOf(kubeconfig: string): string {
  const match = /server: (\S+)/.exec(kubeconfig);
  if (!match?.[1]) throw new Error("kubeconfig has no server");
  return match[1];
}

describe("bad input gets the errors a real API server gives", () => {
  beforeAll(async () => {
    await runKubectl(kubeconfigPath, ["create", "namespace", namespace]);
  });
  afterAll(async () => {
    await runKubectl(kubeconfigPath, ["delete", "namespace", namespace]);
  });

  it("an invalid manifest is 422 Invalid naming each field", async () => {
    const result = await create(`apiVersion: v1
kind: Pod
metadata:
  name: broken
spec:
  containers:
  - name: web
    image: ""
    ports:
    - containerPort: 70000
`);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('The Pod "broken" is invalid');
    expect(result.stderr).toContain("spec.containers[0].image: Required value");
    expect(result.stderr).toContain(
      "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
    );
    const listed = await kubectl("get", "pods", "-o", "name");
    expect(listed.stdout).toBe("");
  });

  it("a volumeMount naming no volume is 422 with Not found", async () => {
    const result = await create(`apiVersion: v1
kind: Pod
metadata:
  name: nomount
spec:
  containers:
  - name: web
    image: nginx
    volumeMounts:
    - name: cache
      mountPath: /var/cache/nginx
`);
    expect(result.stderr).toContain('spec.containers[0].volumeMounts[0].name: Not found: "cache"');
  });

  it("an image no one can pull waits with ErrImageNeverPull, and exec into it fails like kubelet", async () => {
    const created = await kubectl("run", "ghost", "--image=registry.invalid/ghost:1.0", "--image-pull-policy=Never");
    expect(created.stdout).toContain("pod/ghost created");
    const row = await pollUntil(
      () => podRow(kubeconfigPath, namespace, "ghost"),
      (current) => current.status === "ErrImageNeverPull",
    );
    expect(row).toMatchObject({ ready: "0/1", status: "ErrImageNeverPull" });
    const described = await kubectl("describe", "pod", "ghost");
    expect(described.stdout).toMatch(/State:\s+Waiting\s+Reason:\s+ErrImageNeverPull/);
    const exec = await kubectl("exec", "ghost", "--", "true");
    expect(exec.code).toBe(1);
    expect(exec.stderr).toContain('container not found ("ghost")');
  });

  it("exec into a completed pod is refused with its phase", async () => {
    await kubectl("run", "done", "--image=busybox", "--restart=Never", "--", "sh", "-c", "exit 0");
    const row = await pollUntil(
      () => podRow(kubeconfigPath, namespace, "done"),
      (current) => current.status === "Completed",
    );
    expect(row).toMatchObject({ ready: "0/1", status: "Completed" });
    const exec = await kubectl("exec", "done", "--", "true");
    expect(exec.code).toBe(1);
    expect(exec.stderr).toContain("cannot exec into a container in a completed pod; current phase is Succeeded");
  });

  it("a second create of the same name is 409 AlreadyExists", async () => {
    const first = await kubectl("run", "twice", "--image=busybox", "--", "sleep", "3600");
    expect(first.code).toBe(0);
    const second = await kubectl("run", "twice", "--image=busybox", "--", "sleep", "3600");
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('Error from server (AlreadyExists): pods "twice" already exists');
  });

  async function getWithToken(token: string | undefined): Promise<{ status: number; body: string }> {
    const server = serverOf(readFileSync(kubeconfigPath, "utf8"));
    const url = `${server}/api/v1/namespaces/${namespace}/pods`;
    const client = url.startsWith("https:") ? https : http;
    return new Promise((resolve, reject) => {
      // TLS verification is beside the point of these requests; the token is what is being tested.
      client
        .get(
          url,
          { rejectUnauthorized: false, headers: token ? { Authorization: `Bearer ${token}` } : {} },
          (response) => {
            let text = "";
            response.on("data", (chunk: Buffer) => (text += chunk.toString()));
            response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text }));
          },
        )
        .on("error", reject);
    });
  }

  it("a request with a wrong bearer token is 401 Unauthorized", async () => {
    const { status, body } = await getWithToken("not-the-token");
    expect(status).toBe(401);
    expect(JSON.parse(body)).toMatchObject({ kind: "Status", status: "Failure", reason: "Unauthorized", code: 401 });
  });

  // kind allows anonymous requests (then 403s them), so "no token at all" is only 401 on the podman cluster.
  it.skipIf(inject("clusterKind") !== "podman")("a request without any token is 401 Unauthorized", async () => {
    const { status, body } = await getWithToken(undefined);
    expect(status).toBe(401);
    expect(JSON.parse(body)).toMatchObject({ kind: "Status", reason: "Unauthorized", code: 401 });
  });

  it("an unknown field is rejected by strict field validation", async () => {
    const result = await create(`apiVersion: v1
kind: Pod
metadata:
  name: typo
spec:
  containers:
  - name: web
    image: nginx
    imagePullPolicyy: Always
`);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('unknown field "spec.containers[0].imagePullPolicyy"');
  });
});
