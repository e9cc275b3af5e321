/** Discovery documents (what kubectl reads before any verb), derived from the registered kinds. */
import type { TKind } from "../registry/kind";
import type { Scheme, TGroupVersion } from "../registry/scheme";

/** `GET /version`: the Kubernetes release this cluster imitates. */
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

/** `GET /api`: the legacy core group's versions. */
export const coreVersions = {
  kind: "APIVersions",
  versions: ["v1"],
  serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "127.0.0.1" }],
};

const openApiHash = "cks-test-1";

function resourceEntries(kind: TKind): Record<string, unknown>[] {
  const main = {
    name: kind.resource,
    singularName: kind.singular,
    namespaced: kind.namespaced,
    kind: kind.kind,
    verbs: kind.verbs,
    ...(kind.shortNames ? { shortNames: kind.shortNames } : {}),
    ...(kind.categories ? { categories: kind.categories } : {}),
  };
  const subresources = Object.entries(kind.subresources ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, subresource]) => ({
      name: `${kind.resource}/${name}`,
      singularName: "",
      namespaced: kind.namespaced,
      ...(subresource.group !== undefined ? { group: subresource.group, version: subresource.version } : {}),
      kind: subresource.kind,
      verbs: subresource.verbs,
    }));
  return [main, ...subresources];
}

function groupEntry(entry: TGroupVersion) {
  const groupVersion = `${entry.group}/${entry.version}`;
  return {
    name: entry.group,
    versions: [{ groupVersion, version: entry.version }],
    preferredVersion: { groupVersion, version: entry.version },
  };
}

function patchOperation(kind: TKind) {
  return {
    patch: {
      "x-kubernetes-group-version-kind": { group: kind.group, version: kind.version, kind: kind.kind },
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
 * The OpenAPI v3 paths of a group version. kubectl reads them only to learn that PATCH takes
 * `fieldValidation`, so it leaves validation to the server instead of failing to download a schema:
 * one PATCH path per patchable kind, and (though the real API has no PATCH for them) the collection path
 * of create-only review kinds, so that `kubectl create -f` lets the server validate those too.
 */
function openApiPaths(prefix: string, kinds: TKind[]): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const kind of kinds) {
    const collection = kind.namespaced
      ? `${prefix}/namespaces/{namespace}/${kind.resource}`
      : `${prefix}/${kind.resource}`;
    if (kind.verbs.includes("patch")) paths[`${collection}/{name}`] = patchOperation(kind);
    else if (kind.review) paths[collection] = patchOperation(kind);
  }
  return paths;
}

/** Every discovery document by path: /api, /apis, each group and group version, and the OpenAPI v3 stub. */
export function discoveryDocuments(scheme: Scheme): Record<string, unknown> {
  const groupVersions = scheme.groupVersions();
  const named = groupVersions.filter((entry) => entry.group !== "");
  const documents: Record<string, unknown> = {
    "/version": serverVersion,
    "/api": coreVersions,
    "/apis": { kind: "APIGroupList", apiVersion: "v1", groups: named.map(groupEntry) },
  };
  const openApiIndex: Record<string, { serverRelativeURL: string }> = {};
  for (const entry of groupVersions) {
    const core = entry.group === "";
    const prefix = core ? `/api/${entry.version}` : `/apis/${entry.group}/${entry.version}`;
    // The core group's list carries no apiVersion; named groups' lists do (as kube-apiserver answers).
    documents[prefix] = {
      kind: "APIResourceList",
      ...(core ? {} : { apiVersion: "v1" }),
      groupVersion: core ? entry.version : `${entry.group}/${entry.version}`,
      resources: entry.kinds.flatMap(resourceEntries),
    };
    if (!core) documents[`/apis/${entry.group}`] = { kind: "APIGroup", apiVersion: "v1", ...groupEntry(entry) };
    const paths = openApiPaths(prefix, entry.kinds);
    if (Object.keys(paths).length === 0) continue;
    openApiIndex[prefix.slice(1)] = { serverRelativeURL: `/openapi/v3${prefix}?hash=${openApiHash}` };
    documents[`/openapi/v3${prefix}`] = {
      openapi: "3.0.0",
      info: { title: "Kubernetes", version: serverVersion.gitVersion },
      paths,
      components: { schemas: {} },
    };
  }
  documents["/openapi/v3"] = { paths: openApiIndex };
  return documents;
}
