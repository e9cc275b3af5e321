import { ApiException, CoreV1Api, Exec, KubeConfig, type V1Pod, type V1Status } from "@kubernetes/client-node";
import { PassThrough } from "node:stream";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { pollUntil, randomNamespace } from "./test-support";

const kubeconfig = new KubeConfig();
kubeconfig.loadFromFile(inject("kubeconfigPath"));
const core = kubeconfig.makeApiClient(CoreV1Api);
const namespace = randomNamespace("client");

function busyboxPod(name: string, labels: Record<string, string>, script: string): V1Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, labels },
    spec: { restartPolicy: "Never", containers: [{ name: "main", image: "busybox", command: ["sh", "-c", script] }] },
  };
}

/** Runs a command through client-node's Exec and waits for the status frame (Exec resolves when the socket opens). */
async function execInPod(
  pod: string,
  command: string[],
): Promise<{ status: V1Status; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const status = await new Promise<V1Status>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no exec status within 15 s")), 15_000);
    void new Exec(kubeconfig)
      .exec(namespace, pod, "main", command, stdout, stderr, null, false, (result) => {
        clearTimeout(timer);
        resolve(result);
      })
      .catch((error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      });
  });
  await new Promise((resolve) => setImmediate(resolve));
  return { status, stdout: out, stderr: err };
}

describe("@kubernetes/client-node against the cluster", () => {
  beforeAll(async () => {
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await core.createNamespacedPod({
      namespace,
      body: busyboxPod("sleeper", { app: "sleeper", tier: "back" }, "echo started; sleep 3600"),
    });
    await core.createNamespacedPod({ namespace, body: busyboxPod("other", { app: "other" }, "sleep 3600") });
    await pollUntil(
      () => core.readNamespacedPod({ name: "sleeper", namespace }),
      (pod) => pod.status?.phase === "Running",
    );
  });
  afterAll(async () => {
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  it("readNamespacedPod returns a Running pod with a ready container status", async () => {
    const pod = await core.readNamespacedPod({ name: "sleeper", namespace });
    expect(pod.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(pod.status?.phase).toBe("Running");
    expect(pod.status?.conditions?.find((condition) => condition.type === "Ready")?.status).toBe("True");
    expect(pod.status?.containerStatuses?.[0]).toMatchObject({ name: "main", ready: true, restartCount: 0 });
    expect(pod.status?.containerStatuses?.[0]?.state?.running?.startedAt).toBeInstanceOf(Date);
  });

  it("listNamespacedPod filters with a label selector", async () => {
    const all = await core.listNamespacedPod({ namespace });
    expect(all.items.map((pod) => pod.metadata?.name).sort()).toEqual(["other", "sleeper"]);
    const selected = await core.listNamespacedPod({ namespace, labelSelector: "app in (sleeper),tier=back" });
    expect(selected.items.map((pod) => pod.metadata?.name)).toEqual(["sleeper"]);
    const none = await core.listNamespacedPod({ namespace, labelSelector: "app=nothing" });
    expect(none.items).toEqual([]);
  });

  it("readNamespacedPodLog returns what the container printed", async () => {
    const log = await pollUntil(
      () => core.readNamespacedPodLog({ name: "sleeper", namespace, container: "main" }),
      (text) => text.includes("started"),
    );
    expect(log).toBe("started\n");
  });

  it("Exec reports Success for exit 0 and NonZeroExitCode with the code otherwise", async () => {
    const ok = await execInPod("sleeper", ["sh", "-c", "echo out; echo err >&2"]);
    expect(ok.status.status).toBe("Success");
    expect(ok.stdout).toBe("out\n");
    expect(ok.stderr).toBe("err\n");

    const failed = await execInPod("sleeper", ["sh", "-c", "exit 7"]);
    expect(failed.status.status).toBe("Failure");
    expect(failed.status.reason).toBe("NonZeroExitCode");
    expect(failed.status.details?.causes).toEqual([{ reason: "ExitCode", message: "7" }]);
  });

  it("speaks v4.channel.k8s.io to clients that do not offer v5", async () => {
    const cluster = kubeconfig.getCurrentCluster();
    if (!cluster) throw new Error("kubeconfig has no current cluster");
    const options: WebSocket.ClientOptions = {};
    await kubeconfig.applyToHTTPSOptions(options);
    const url = `${cluster.server.replace(/^http/, "ws")}/api/v1/namespaces/${namespace}/pods/sleeper/exec?command=sh&command=-c&command=echo%20v4%3B%20exit%203&stdout=true&stderr=true`;
    const frames = await new Promise<Array<{ channel: number; text: string }>>((resolve, reject) => {
      const socket = new WebSocket(url, ["v4.channel.k8s.io"], options);
      const received: Array<{ channel: number; text: string }> = [];
      socket.on("message", (data: Buffer) =>
        received.push({ channel: data[0] ?? -1, text: data.subarray(1).toString() }),
      );
      socket.on("close", () => resolve(received));
      socket.on("error", reject);
    });
    expect(
      frames
        .filter((frame) => frame.channel === 1)
        .map((frame) => frame.text)
        .join(""),
    ).toBe("v4\n");
    const status = frames.find((frame) => frame.channel === 3);
    expect(JSON.parse(status?.text ?? "{}")).toMatchObject({
      status: "Failure",
      reason: "NonZeroExitCode",
      details: { causes: [{ reason: "ExitCode", message: "3" }] },
    });
  });

  it("a missing pod is an ApiException with code 404 and a NotFound Status body", async () => {
    const error = await core
      .readNamespacedPod({ name: "does-not-exist", namespace })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiException);
    const apiError = error as ApiException<string>;
    expect(apiError.code).toBe(404);
    const body = JSON.parse(apiError.body) as V1Status;
    expect(body).toMatchObject({
      kind: "Status",
      status: "Failure",
      reason: "NotFound",
      message: 'pods "does-not-exist" not found',
      code: 404,
    });
  });

  it("deleting the namespace removes its pods", async () => {
    const scratch = randomNamespace("gone");
    await core.createNamespace({ body: { metadata: { name: scratch } } });
    await core.createNamespacedPod({ namespace: scratch, body: busyboxPod("doomed", {}, "sleep 3600") });
    await core.deleteNamespace({ name: scratch });
    const gone = await pollUntil(
      () =>
        core.listNamespacedPod({ namespace: scratch }).then(
          (list) => list.items.length,
          () => 0,
        ),
      (count) => count === 0,
    );
    expect(gone).toBe(0);
    // A real cluster keeps the namespace Terminating for a while after its pods are gone.
    const code = await pollUntil(
      () =>
        core.readNamespace({ name: scratch }).then(
          () => 200,
          (caught: unknown) => (caught as ApiException<string>).code,
        ),
      (status) => status === 404,
      60_000,
    );
    expect(code).toBe(404);
  });
});
