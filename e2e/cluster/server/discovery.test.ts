import { describe, expect, it } from "vitest";
import { allKinds } from "../kinds";
import { crudVerbs, type TKind } from "../registry/kind";
import { Scheme } from "../registry/scheme";
import { discoveryDocuments } from "./discovery";

type TResourceList = { apiVersion?: string; groupVersion: string; resources: Array<{ name: string; verbs: string[] }> };

const widgets: TKind = {
  group: "example.test",
  version: "v1",
  kind: "Widget",
  resource: "widgets",
  singular: "widget",
  namespaced: true,
  verbs: crudVerbs,
  subresources: { scale: { kind: "Scale", verbs: ["get", "patch", "update"] } },
};

describe("discoveryDocuments", () => {
  const documents = discoveryDocuments(new Scheme(allKinds));

  it("lists the core kinds and pod subresources kubectl needs (pods/exec above all), without apiVersion like the real /api/v1", () => {
    const core = documents["/api/v1"] as TResourceList;
    expect(core.apiVersion).toBeUndefined();
    expect(core.resources.map((resource) => resource.name)).toEqual([
      "namespaces",
      "pods",
      "pods/attach",
      "pods/ephemeralcontainers",
      "pods/exec",
      "pods/log",
      "pods/status",
      "events",
      "services",
      "secrets",
      "configmaps",
      "serviceaccounts",
      "serviceaccounts/token",
    ]);
    // kubectl create token posts an authentication.k8s.io/v1 TokenRequest to this subresource of the core group.
    expect(core.resources.find((resource) => resource.name === "serviceaccounts/token")).toEqual({
      name: "serviceaccounts/token",
      singularName: "",
      namespaced: true,
      group: "authentication.k8s.io",
      version: "v1",
      kind: "TokenRequest",
      verbs: ["create"],
    });
    // kubectl debug patches this subresource; the real server lists it with these verbs.
    expect(core.resources.find((resource) => resource.name === "pods/ephemeralcontainers")).toMatchObject({
      kind: "Pod",
      namespaced: true,
      verbs: ["get", "patch", "update"],
    });
  });

  it("derives a new kind's group, its resource list, its subresources and its OpenAPI PATCH path", () => {
    const derived = discoveryDocuments(new Scheme([...allKinds, widgets]));
    expect(derived["/apis"]).toMatchObject({
      groups: expect.arrayContaining([expect.objectContaining({ name: "example.test" })]),
    });
    expect(derived["/apis/example.test"]).toMatchObject({ kind: "APIGroup", preferredVersion: { version: "v1" } });
    const list = derived["/apis/example.test/v1"] as TResourceList;
    expect(list).toMatchObject({ apiVersion: "v1", groupVersion: "example.test/v1" });
    expect(list.resources).toEqual([
      expect.objectContaining({ name: "widgets", namespaced: true, kind: "Widget", verbs: crudVerbs }),
      expect.objectContaining({ name: "widgets/scale", kind: "Scale" }),
    ]);
    expect(derived["/openapi/v3"]).toMatchObject({
      paths: { "apis/example.test/v1": { serverRelativeURL: "/openapi/v3/apis/example.test/v1?hash=cks-test-1" } },
    });
    expect(Object.keys((derived["/openapi/v3/apis/example.test/v1"] as { paths: object }).paths)).toEqual([
      "/apis/example.test/v1/namespaces/{namespace}/widgets/{name}",
    ]);
    expect(documents["/apis/example.test/v1"]).toBeUndefined();
  });

  it("lists apps/v1 Deployments and ReplicaSets with their autoscaling/v1 Scale, as kubectl scale resolves it", () => {
    const apps = documents["/apis/apps/v1"] as TResourceList;
    expect(apps.resources).toEqual([
      expect.objectContaining({ name: "deployments", kind: "Deployment", shortNames: ["deploy"], categories: ["all"] }),
      {
        name: "deployments/scale",
        singularName: "",
        namespaced: true,
        group: "autoscaling",
        version: "v1",
        kind: "Scale",
        verbs: ["get", "patch", "update"],
      },
      expect.objectContaining({ name: "replicasets", kind: "ReplicaSet", shortNames: ["rs"], categories: ["all"] }),
      {
        name: "replicasets/scale",
        singularName: "",
        namespaced: true,
        group: "autoscaling",
        version: "v1",
        kind: "Scale",
        verbs: ["get", "patch", "update"],
      },
    ]);
  });

  it("gives create-only review kinds their collection path so kubectl create -f leaves validation to the server", () => {
    expect(Object.keys((documents["/openapi/v3/apis/authorization.k8s.io/v1"] as { paths: object }).paths)).toEqual([
      "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
      "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
      "/apis/authorization.k8s.io/v1/subjectaccessreviews",
      "/apis/authorization.k8s.io/v1/namespaces/{namespace}/localsubjectaccessreviews",
    ]);
  });
});
