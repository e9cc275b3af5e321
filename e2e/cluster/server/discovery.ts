/** Static discovery documents: what kubectl reads before any verb. */

export const serverVersion = {
  major: "1",
  minor: "35",
  gitVersion: "v1.35.0-cks-test",
  gitCommit: "0000000000000000000000000000000000000000",
  gitTreeState: "clean",
  buildDate: "2026-11-26T00:00:00Z",
  goVersion: "go1.25.0",
  compiler: "gc",
  platform: "linux/amd64",
};

export const coreVersions = {
  kind: "APIVersions",
  versions: ["v1"],
  serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "127.0.0.1" }],
};

const admissionGroup = {
  name: "admissionregistration.k8s.io",
  versions: [{ groupVersion: "admissionregistration.k8s.io/v1", version: "v1" }],
  preferredVersion: { groupVersion: "admissionregistration.k8s.io/v1", version: "v1" },
};

// Only SelfSubjectAccessReview is served (what `kubectl auth can-i` and the grader's permission probe send).
const authorizationGroup = {
  name: "authorization.k8s.io",
  versions: [{ groupVersion: "authorization.k8s.io/v1", version: "v1" }],
  preferredVersion: { groupVersion: "authorization.k8s.io/v1", version: "v1" },
};

export const groupList = { kind: "APIGroupList", apiVersion: "v1", groups: [admissionGroup, authorizationGroup] };

export const admissionGroupDocument = { kind: "APIGroup", apiVersion: "v1", ...admissionGroup };

export const authorizationGroupDocument = { kind: "APIGroup", apiVersion: "v1", ...authorizationGroup };

export const authorizationResources = {
  kind: "APIResourceList",
  apiVersion: "v1",
  groupVersion: "authorization.k8s.io/v1",
  resources: [
    {
      name: "selfsubjectaccessreviews",
      singularName: "selfsubjectaccessreview",
      namespaced: false,
      kind: "SelfSubjectAccessReview",
      verbs: ["create"],
    },
  ],
};

const crud = ["create", "delete", "get", "list", "watch", "patch", "update"];

export const coreResources = {
  kind: "APIResourceList",
  groupVersion: "v1",
  resources: [
    {
      name: "namespaces",
      singularName: "namespace",
      namespaced: false,
      kind: "Namespace",
      verbs: ["create", "delete", "get", "list", "watch", "patch", "update"],
      shortNames: ["ns"],
    },
    {
      name: "pods",
      singularName: "pod",
      namespaced: true,
      kind: "Pod",
      verbs: [...crud, "deletecollection"],
      shortNames: ["po"],
      categories: ["all"],
    },
    { name: "pods/attach", singularName: "", namespaced: true, kind: "PodAttachOptions", verbs: ["create", "get"] },
    { name: "pods/exec", singularName: "", namespaced: true, kind: "PodExecOptions", verbs: ["create", "get"] },
    { name: "pods/log", singularName: "", namespaced: true, kind: "Pod", verbs: ["get"] },
    { name: "pods/status", singularName: "", namespaced: true, kind: "Pod", verbs: ["get"] },
    {
      name: "events",
      singularName: "event",
      namespaced: true,
      kind: "Event",
      verbs: ["get", "list", "watch"],
      shortNames: ["ev"],
    },
  ],
};

export const admissionResources = {
  kind: "APIResourceList",
  apiVersion: "v1",
  groupVersion: "admissionregistration.k8s.io/v1",
  resources: [
    {
      name: "validatingadmissionpolicies",
      singularName: "validatingadmissionpolicy",
      namespaced: false,
      kind: "ValidatingAdmissionPolicy",
      verbs: crud,
      categories: ["api-extensions"],
    },
    {
      name: "validatingadmissionpolicybindings",
      singularName: "validatingadmissionpolicybinding",
      namespaced: false,
      kind: "ValidatingAdmissionPolicyBinding",
      verbs: crud,
      categories: ["api-extensions"],
    },
  ],
};

type TGvk = { group: string; version: string; kind: string };

function patchPath(gvk: TGvk) {
  return {
    patch: {
      "x-kubernetes-group-version-kind": gvk,
      "x-kubernetes-action": "patch",
      parameters: [
        { name: "dryRun", in: "query", schema: { type: "string", uniqueItems: true } },
        { name: "fieldManager", in: "query", schema: { type: "string", uniqueItems: true } },
        { name: "fieldValidation", in: "query", schema: { type: "string", uniqueItems: true } },
        { name: "force", in: "query", schema: { type: "boolean", uniqueItems: true } },
      ],
      responses: { "200": { description: "OK" } },
    },
  };
}

/**
 * A minimal OpenAPI v3 index and per-group documents. kubectl reads them only to learn that PATCH
 * takes `fieldValidation`, so it leaves validation to the server instead of failing to download
 * a schema.
 */
export const openApiV3Index = {
  paths: {
    "api/v1": { serverRelativeURL: "/openapi/v3/api/v1?hash=cks-test-1" },
    [`apis/admissionregistration.k8s.io/v1`]: {
      serverRelativeURL: "/openapi/v3/apis/admissionregistration.k8s.io/v1?hash=cks-test-1",
    },
    [`apis/authorization.k8s.io/v1`]: { serverRelativeURL: "/openapi/v3/apis/authorization.k8s.io/v1?hash=cks-test-1" },
  },
};

export const openApiV3Documents: Record<string, unknown> = {
  "/openapi/v3/api/v1": {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: "v1.35.0-cks-test" },
    paths: {
      "/api/v1/namespaces/{name}": patchPath({ group: "", version: "v1", kind: "Namespace" }),
      "/api/v1/namespaces/{namespace}/pods/{name}": patchPath({ group: "", version: "v1", kind: "Pod" }),
    },
    components: { schemas: {} },
  },
  "/openapi/v3/apis/admissionregistration.k8s.io/v1": {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: "v1.35.0-cks-test" },
    paths: {
      "/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies/{name}": patchPath({
        group: "admissionregistration.k8s.io",
        version: "v1",
        kind: "ValidatingAdmissionPolicy",
      }),
      "/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings/{name}": patchPath({
        group: "admissionregistration.k8s.io",
        version: "v1",
        kind: "ValidatingAdmissionPolicyBinding",
      }),
    },
    components: { schemas: {} },
  },
  // The real API has no PATCH for reviews; this entry only tells `kubectl create -f` to let the server
  // validate a SelfSubjectAccessReview instead of looking for schemas this server does not publish.
  "/openapi/v3/apis/authorization.k8s.io/v1": {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: "v1.35.0-cks-test" },
    paths: {
      "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews": patchPath({
        group: "authorization.k8s.io",
        version: "v1",
        kind: "SelfSubjectAccessReview",
      }),
    },
    components: { schemas: {} },
  },
};
