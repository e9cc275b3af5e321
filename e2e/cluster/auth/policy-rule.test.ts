import { describe, expect, it } from "vitest";
import {
  compactRules,
  compactString,
  ruleAllows,
  uncovered,
  type TPolicyRule,
  type TRequestAttributes,
} from "./policy-rule";

const resource = (verb: string, resourceName: string, extra: Partial<TRequestAttributes> = {}): TRequestAttributes => {
  const [name = "", subresource = ""] = resourceName.split("/");
  return {
    resourceRequest: true,
    verb,
    apiGroup: "",
    resource: name,
    subresource,
    namespace: "lab",
    name: "",
    ...extra,
  } as TRequestAttributes;
};

describe("ruleAllows", () => {
  const podReader: TPolicyRule = { verbs: ["get", "list", "watch"], apiGroups: [""], resources: ["pods", "pods/log"] };

  it.each([
    ["get pods", podReader, resource("get", "pods"), true],
    ["get pods/log", podReader, resource("get", "pods/log"), true],
    ["create pods", podReader, resource("create", "pods"), false],
    ["get pods/exec: a subresource is its own resource", podReader, resource("get", "pods/exec"), false],
    ["get pods in apps", podReader, resource("get", "pods", { apiGroup: "apps" }), false],
    ["verb *", { verbs: ["*"], apiGroups: [""], resources: ["pods"] }, resource("delete", "pods"), true],
    [
      "resource * covers subresources",
      { verbs: ["get"], apiGroups: [""], resources: ["*"] },
      resource("get", "pods/log"),
      true,
    ],
    [
      "*/log matches any resource's log",
      { verbs: ["get"], apiGroups: [""], resources: ["*/log"] },
      resource("get", "pods/log"),
      true,
    ],
    [
      "*/log does not match the resource itself",
      { verbs: ["get"], apiGroups: [""], resources: ["*/log"] },
      resource("get", "pods"),
      false,
    ],
    [
      "group *",
      { verbs: ["get"], apiGroups: ["*"], resources: ["deployments"] },
      resource("get", "deployments", { apiGroup: "apps" }),
      true,
    ],
    [
      "resourceNames allow the named object",
      { verbs: ["get"], apiGroups: [""], resources: ["pods"], resourceNames: ["web"] },
      resource("get", "pods", { name: "web" }),
      true,
    ],
    [
      "resourceNames refuse another object",
      { verbs: ["get"], apiGroups: [""], resources: ["pods"], resourceNames: ["web"] },
      resource("get", "pods", { name: "db" }),
      false,
    ],
    [
      "resourceNames refuse a list (no name)",
      { verbs: ["list"], apiGroups: [""], resources: ["pods"], resourceNames: ["web"] },
      resource("list", "pods"),
      false,
    ],
    ["a resource rule never allows a URL", podReader, { resourceRequest: false, verb: "get", path: "/healthz" }, false],
    [
      "exact URL",
      { verbs: ["get"], nonResourceURLs: ["/healthz"] },
      { resourceRequest: false, verb: "get", path: "/healthz" },
      true,
    ],
    [
      "URL prefix with *",
      { verbs: ["get"], nonResourceURLs: ["/apis/*"] },
      { resourceRequest: false, verb: "get", path: "/apis/apps/v1" },
      true,
    ],
    [
      "URL without the star is exact",
      { verbs: ["get"], nonResourceURLs: ["/api"] },
      { resourceRequest: false, verb: "get", path: "/api/v1" },
      false,
    ],
  ] satisfies Array<[string, TPolicyRule, TRequestAttributes, boolean]>)("%s", (_name, rule, request, allowed) => {
    expect(ruleAllows(rule, request)).toBe(allowed);
  });
});

describe("uncovered (escalation prevention)", () => {
  const owned: TPolicyRule[] = [
    { verbs: ["get", "list"], apiGroups: [""], resources: ["pods", "*/log"] },
    { verbs: ["get"], apiGroups: [""], resources: ["configmaps"], resourceNames: ["settings"] },
    { verbs: ["get"], nonResourceURLs: ["/apis/*"] },
  ];

  it("finds nothing missing when every verb, resource and name is held", () => {
    expect(
      uncovered(owned, [{ verbs: ["get"], apiGroups: [""], resources: ["pods", "pods/log", "services/log"] }]),
    ).toEqual([]);
    expect(
      uncovered(owned, [{ verbs: ["get"], apiGroups: [""], resources: ["configmaps"], resourceNames: ["settings"] }]),
    ).toEqual([]);
    expect(uncovered(owned, [{ verbs: ["get"], nonResourceURLs: ["/apis/apps"] }])).toEqual([]);
  });

  it("lists each atomic permission that is missing", () => {
    expect(
      uncovered(owned, [
        { verbs: ["get", "delete"], apiGroups: [""], resources: ["pods", "secrets"] },
        { verbs: ["get"], apiGroups: [""], resources: ["configmaps"] },
      ]),
    ).toEqual([
      { verbs: ["delete"], apiGroups: [""], resources: ["pods"] },
      { verbs: ["get"], apiGroups: [""], resources: ["secrets"] },
      { verbs: ["delete"], apiGroups: [""], resources: ["secrets"] },
      // Holding one named configmap does not cover all configmaps.
      { verbs: ["get"], apiGroups: [""], resources: ["configmaps"] },
    ]);
  });

  it("compacts the missing permissions by resource, as the error prints them", () => {
    const missing = uncovered(owned, [
      { verbs: ["get", "delete"], apiGroups: [""], resources: ["secrets"] },
      { verbs: ["*"], nonResourceURLs: ["*"] },
    ]);
    expect(compactRules(missing).map(compactString)).toEqual([
      '{NonResourceURLs:["*"], Verbs:["*"]}',
      '{APIGroups:[""], Resources:["secrets"], Verbs:["get" "delete"]}',
    ]);
  });
});
