import { describe, expect, it } from "vitest";
import { allKinds } from "../kinds";
import { crudVerbs, type TKind } from "../registry/kind";
import { Scheme } from "../registry/scheme";
import { parseResourcePath } from "./router";

const scheme = new Scheme(allKinds);

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
    [
      "/apis/apps/v1/namespaces/lab/deployments/web/scale",
      { resource: "deployments", namespace: "lab", name: "web", subresource: "scale" },
    ],
    [
      "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
      { resource: "selfsubjectaccessreviews", namespace: "", name: undefined, subresource: undefined },
    ],
  ])("%s", (path, expected) => {
    const target = parseResourcePath(path, scheme);
    expect(
      target && {
        resource: target.kind.resource,
        namespace: target.namespace,
        name: target.name,
        subresource: target.subresource,
      },
    ).toEqual(expected);
  });

  it.each([
    "/api/v2/pods",
    "/apis/apps/v1/namespaces/lab/statefulsets",
    "/api/v1/namespaces/lab/persistentvolumeclaims",
    "/api/v1/pods/web",
    "/apis/admissionregistration.k8s.io/v1/pods",
    "/apis/admissionregistration.k8s.io/v2/validatingadmissionpolicies",
    "/api/v1/namespaces/lab/pods/web/exec/more",
    "/api/v1/namespaces/lab/finalize",
    "/apis",
  ])("%s is not served", (path) => {
    expect(parseResourcePath(path, scheme)).toBeUndefined();
  });
});

describe("parseResourcePath for a registered kind in a named group", () => {
  const widgets: TKind = {
    group: "example.test",
    version: "v1",
    kind: "Widget",
    resource: "widgets",
    singular: "widget",
    namespaced: true,
    verbs: crudVerbs,
  };
  const withWidgets = new Scheme([...allKinds, widgets]);

  it.each([
    ["/apis/example.test/v1/widgets", { namespace: "", name: undefined }],
    ["/apis/example.test/v1/namespaces/lab/widgets", { namespace: "lab", name: undefined }],
    ["/apis/example.test/v1/namespaces/lab/widgets/w", { namespace: "lab", name: "w" }],
  ])("%s", (path, expected) => {
    const target = parseResourcePath(path, withWidgets);
    expect(target?.kind).toBe(widgets);
    expect({ namespace: target?.namespace, name: target?.name }).toEqual(expected);
  });

  it("is not served before it is registered", () => {
    expect(parseResourcePath("/apis/example.test/v1/namespaces/lab/widgets", scheme)).toBeUndefined();
  });
});
