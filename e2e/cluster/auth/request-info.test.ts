import { describe, expect, it } from "vitest";
import { requestAttributes } from "./request-info";

const at = (method: string, path: string) => requestAttributes(method, new URL(path, "https://127.0.0.1"));

describe("requestAttributes", () => {
  it.each([
    ["GET", "/api/v1/namespaces/lab/pods", { verb: "list", resource: "pods", namespace: "lab", name: "" }],
    ["GET", "/api/v1/namespaces/lab/pods?watch=true", { verb: "watch", resource: "pods", namespace: "lab" }],
    ["GET", "/api/v1/namespaces/lab/pods?fieldSelector=metadata.name%3Dweb", { verb: "list", name: "web" }],
    ["GET", "/api/v1/namespaces/lab/pods/web", { verb: "get", resource: "pods", name: "web" }],
    ["GET", "/api/v1/namespaces/lab/pods/web/log", { verb: "get", resource: "pods", subresource: "log", name: "web" }],
    ["POST", "/api/v1/namespaces/lab/pods/web/exec", { verb: "create", subresource: "exec" }],
    ["POST", "/api/v1/namespaces/lab/pods?dryRun=All", { verb: "create", resource: "pods", name: "" }],
    ["PUT", "/api/v1/namespaces/lab/pods/web", { verb: "update" }],
    ["PATCH", "/api/v1/namespaces/lab/pods/web", { verb: "patch" }],
    ["DELETE", "/api/v1/namespaces/lab/pods/web", { verb: "delete", name: "web" }],
    ["DELETE", "/api/v1/namespaces/lab/pods", { verb: "deletecollection", name: "" }],
    ["GET", "/api/v1/pods", { verb: "list", resource: "pods", namespace: "" }],
    // A namespace's own namespace is its name, so a Role in it can grant reading it.
    ["GET", "/api/v1/namespaces/lab", { verb: "get", resource: "namespaces", namespace: "lab", name: "lab" }],
    [
      "PUT",
      "/api/v1/namespaces/lab/status",
      { verb: "update", resource: "namespaces", subresource: "status", name: "lab" },
    ],
    ["GET", "/api/v1/namespaces", { verb: "list", resource: "namespaces", namespace: "" }],
    [
      "POST",
      "/apis/rbac.authorization.k8s.io/v1/namespaces/lab/roles",
      { verb: "create", apiGroup: "rbac.authorization.k8s.io", resource: "roles", namespace: "lab" },
    ],
    [
      "GET",
      "/apis/rbac.authorization.k8s.io/v1/clusterroles/view",
      { verb: "get", resource: "clusterroles", name: "view", namespace: "" },
    ],
  ])("%s %s", (method, path, expected) => {
    expect(at(method, path)).toMatchObject({ resourceRequest: true, ...expected });
  });

  it.each([
    ["GET", "/version", "get"],
    ["GET", "/api", "get"],
    ["GET", "/api/v1", "get"],
    ["GET", "/apis/apps/v1", "get"],
    ["GET", "/openapi/v3/api/v1", "get"],
    ["POST", "/healthz", "post"],
  ])("%s %s is a non-resource request", (method, path, verb) => {
    expect(at(method, path)).toEqual({ resourceRequest: false, verb, path });
  });
});
