import http from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClientNodeCluster } from "./client-node-cluster";

// A pod as a newer API server would send it: fields client-node's models do not know.
const POD = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "nginx", namespace: "lab" },
  spec: {
    futureField: true,
    containers: [{ name: "nginx", image: "nginx", securityContext: { privileged: true, someNewFlag: "on" } }],
  },
  status: { phase: "Running" },
};
const RESOURCES = {
  kind: "APIResourceList",
  groupVersion: "v1",
  resources: [{ name: "pods", namespaced: true, kind: "Pod", verbs: ["get"] }],
};

let server: http.Server;
let cluster: ClientNodeCluster;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const body =
      req.url === "/api/v1" ? RESOURCES : req.url?.startsWith("/api/v1/namespaces/lab/pods/nginx") ? POD : null;
    res.writeHead(body ? 200 : 404, { "content-type": "application/json" });
    res.end(
      JSON.stringify(
        body ?? {
          kind: "Status",
          apiVersion: "v1",
          status: "Failure",
          reason: "NotFound",
          code: 404,
          message: "not found",
        },
      ),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      { name: "c", server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true },
    ],
    users: [{ name: "u", token: "t" }],
    contexts: [{ name: "ctx", cluster: "c", user: "u" }],
    currentContext: "ctx",
  });
  cluster = new ClientNodeCluster(kc);
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("ClientNodeCluster reads", () => {
  it("hands checks the pod exactly as the API server sent it, fields unknown to client-node included", async () => {
    const read = await cluster.readPod("lab", "nginx");
    expect(read).toEqual({ ok: true, value: POD });
  });

  it("reports a missing pod as not-found data", async () => {
    expect(await cluster.readPod("lab", "nope")).toMatchObject({ ok: false, failure: { kind: "not-found" } });
  });
});
