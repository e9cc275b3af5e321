import { describe, expect, it } from "vitest";
import { parseResourcePath, strategicMergePatch } from "./api-server";

describe("parseResourcePath", () => {
  it.each([
    ["/api/v1/namespaces", { resource: "namespaces", namespace: "", name: undefined, subresource: undefined }],
    ["/api/v1/namespaces/lab", { resource: "namespaces", namespace: "", name: "lab", subresource: undefined }],
    ["/api/v1/namespaces/lab/status", { resource: "namespaces", namespace: "", name: "lab", subresource: "status" }],
    ["/api/v1/pods", { resource: "pods", namespace: "", name: undefined, subresource: undefined }],
    ["/api/v1/namespaces/lab/pods", { resource: "pods", namespace: "lab", name: undefined, subresource: undefined }],
    ["/api/v1/namespaces/lab/pods/web", { resource: "pods", namespace: "lab", name: "web", subresource: undefined }],
    ["/api/v1/namespaces/lab/pods/web/exec", { resource: "pods", namespace: "lab", name: "web", subresource: "exec" }],
    ["/api/v1/namespaces/lab/pods/web/log", { resource: "pods", namespace: "lab", name: "web", subresource: "log" }],
    [
      "/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies/p",
      { resource: "validatingadmissionpolicies", namespace: "", name: "p", subresource: undefined },
    ],
  ])("%s", (path, expected) => {
    const target = parseResourcePath(path);
    expect(
      target && {
        resource: target.info.ref.resource,
        namespace: target.namespace,
        name: target.name,
        subresource: target.subresource,
      },
    ).toEqual(expected);
  });

  it.each([
    "/api/v2/pods",
    "/apis/apps/v1/namespaces/lab/deployments",
    "/api/v1/namespaces/lab/secrets",
    "/api/v1/pods/web",
    "/apis/admissionregistration.k8s.io/v1/pods",
  ])("%s is not served", (path) => {
    expect(parseResourcePath(path)).toBeUndefined();
  });
});

describe("strategicMergePatch", () => {
  const pod = {
    metadata: { labels: { a: "1" } },
    spec: {
      containers: [
        { name: "c", image: "busybox", command: ["sleep", "1"] },
        { name: "d", image: "nginx" },
      ],
    },
  };
  it.each([
    [
      "merges a container by name",
      { spec: { containers: [{ name: "c", command: ["sleep", "2"] }] } },
      {
        metadata: { labels: { a: "1" } },
        spec: {
          containers: [
            { name: "c", image: "busybox", command: ["sleep", "2"] },
            { name: "d", image: "nginx" },
          ],
        },
      },
    ],
    [
      "adds a container",
      { spec: { containers: [{ name: "e", image: "x" }] } },
      { ...pod, spec: { containers: [...pod.spec.containers, { name: "e", image: "x" }] } },
    ],
    [
      "deletes with $patch",
      { spec: { containers: [{ name: "d", $patch: "delete" }] } },
      { ...pod, spec: { containers: [pod.spec.containers[0]] } },
    ],
    [
      "null removes a label",
      { metadata: { labels: { a: null, b: "2" } } },
      { ...pod, metadata: { labels: { b: "2" } } },
    ],
    ["directives are dropped", { $setElementOrder: [], metadata: { labels: { a: "1" } } }, pod],
  ])("%s", (_name, patch, expected) => {
    expect(strategicMergePatch(pod, patch)).toEqual(expected);
  });
});
