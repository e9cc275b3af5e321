import { describe, expect, it } from "vitest";
import {
  admit,
  toCel,
  unsupportedExpressions,
  type TAdmissionRequest,
  type TBinding,
  type TPolicy,
} from "./validating-admission-policy";

const readOnlyRoot =
  "object.spec.containers.all(c, has(c.securityContext) && has(c.securityContext.readOnlyRootFilesystem) && c.securityContext.readOnlyRootFilesystem == true)";

function policy(spec: Partial<NonNullable<TPolicy["spec"]>> = {}): TPolicy {
  return {
    metadata: { name: "ro" },
    spec: {
      matchConstraints: {
        resourceRules: [
          { apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["pods"] },
        ],
      },
      validations: [{ expression: readOnlyRoot, message: "needs a read-only root" }],
      ...spec,
    },
  };
}

function binding(spec: Partial<NonNullable<TBinding["spec"]>> = {}): TBinding {
  return { metadata: { name: "ro-binding" }, spec: { policyName: "ro", validationActions: ["Deny"], ...spec } };
}

function request(
  containers: unknown[],
  namespaceLabels: Record<string, string> = { "kubernetes.io/metadata.name": "lab" },
): TAdmissionRequest {
  return {
    operation: "CREATE",
    group: "",
    version: "v1",
    resource: "pods",
    kind: "Pod",
    name: "web",
    namespace: "lab",
    dryRun: false,
    object: { metadata: { name: "web", namespace: "lab" }, spec: { containers } },
    namespaceObject: { metadata: { name: "lab", labels: namespaceLabels } },
  };
}

const compliant = [{ name: "a", securityContext: { readOnlyRootFilesystem: true } }];
const bare = [{ name: "a" }];
const sidecar = [...compliant, { name: "b", securityContext: { readOnlyRootFilesystem: false } }];

describe("admit: ValidatingAdmissionPolicy over a pod create", () => {
  it.each([
    ["compliant pod", compliant, true],
    ["no securityContext", bare, false],
    ["one writable sidecar", sidecar, false],
  ])("%s -> allowed %s", (_name, containers, allowed) => {
    expect(admit(request(containers), [policy()], [binding()]).allowed).toBe(allowed);
  });

  it("denies with the real plugin's message, reason Invalid and code 422", () => {
    expect(admit(request(bare), [policy()], [binding()])).toEqual({
      allowed: false,
      kind: "denied",
      message: "ValidatingAdmissionPolicy 'ro' with binding 'ro-binding' denied request: needs a read-only root",
      reason: "Invalid",
      code: 422,
      warnings: [],
    });
  });

  it.each([
    ["no message: the failed expression", { validations: [{ expression: "false" }] }, "failed expression: false"],
    [
      "messageExpression wins",
      {
        validations: [
          { expression: "false", message: "static", messageExpression: "'pod ' + object.metadata.name + ' refused'" },
        ],
      },
      "pod web refused",
    ],
    [
      "variables",
      {
        variables: [{ name: "n", expression: "size(object.spec.containers)" }],
        validations: [{ expression: "variables.n < 1", message: "too many" }],
      },
      "too many",
    ],
    [
      "runtime error denies under failurePolicy Fail",
      { validations: [{ expression: "object.spec.nothing == 1" }] },
      "expression 'object.spec.nothing == 1' resulted in error: field not found: nothing",
    ],
  ])("%s", (_name, spec, message) => {
    const result = admit(request(compliant), [policy(spec)], [binding()]);
    expect(result.allowed).toBe(false);
    expect(result.allowed === false && result.message).toBe(
      `ValidatingAdmissionPolicy 'ro' with binding 'ro-binding' denied request: ${message}`,
    );
  });

  it.each([
    ["reason Forbidden -> 403", "Forbidden", 403],
    ["reason Unauthorized -> 401", "Unauthorized", 401],
  ])("%s", (_name, reason, code) => {
    const result = admit(request(bare), [policy({ validations: [{ expression: readOnlyRoot, reason }] })], [binding()]);
    expect(result).toMatchObject({ allowed: false, reason, code });
  });

  it.each([
    ["no binding", [policy()], [], true],
    ["binding for another policy", [policy()], [binding({ policyName: "other" })], true],
    ["Warn only", [policy()], [binding({ validationActions: ["Warn"] })], true],
    [
      "namespaceSelector misses",
      [policy()],
      [binding({ matchResources: { namespaceSelector: { matchLabels: { enforce: "yes" } } } })],
      true,
    ],
    [
      "namespaceSelector hits",
      [policy()],
      [binding({ matchResources: { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "lab" } } } })],
      false,
    ],
    [
      "rules for deployments only",
      [
        policy({
          matchConstraints: {
            resourceRules: [
              { apiGroups: ["apps"], apiVersions: ["v1"], operations: ["CREATE"], resources: ["deployments"] },
            ],
          },
        }),
      ],
      [binding()],
      true,
    ],
    [
      "wildcard rules",
      [
        policy({
          matchConstraints: {
            resourceRules: [{ apiGroups: ["*"], apiVersions: ["*"], operations: ["*"], resources: ["*"] }],
          },
        }),
      ],
      [binding()],
      false,
    ],
    [
      "matchConditions exclude",
      [policy({ matchConditions: [{ name: "only-prod", expression: "object.metadata.name == 'prod'" }] })],
      [binding()],
      true,
    ],
    [
      "failurePolicy Ignore skips errors",
      [policy({ failurePolicy: "Ignore", validations: [{ expression: "object.spec.nothing == 1" }] })],
      [binding()],
      true,
    ],
  ])("%s -> allowed %s", (_name, policies, bindings, allowed) => {
    expect(admit(request(bare), policies, bindings).allowed).toBe(allowed);
  });

  it("Warn adds the warning the API server sends", () => {
    const result = admit(request(bare), [policy()], [binding({ validationActions: ["Warn"] })]);
    expect(result.warnings).toEqual([
      "Validation failed for ValidatingAdmissionPolicy 'ro' with binding 'ro-binding': needs a read-only root",
    ]);
  });

  it.each([
    [
      "optional field syntax",
      { validations: [{ expression: "object.spec.containers.all(c, c.?securityContext.orValue(false))" }] },
    ],
    ["unknown function", { validations: [{ expression: "isQuantity('1Gi')" }] }],
    ["params", { paramKind: { apiVersion: "v1", kind: "ConfigMap" } }],
  ])("says plainly what it cannot evaluate: %s", (_name, spec) => {
    const result = admit(request(compliant), [policy(spec)], [binding()]);
    expect(result).toMatchObject({ allowed: false, kind: "unsupported" });
    expect(result.allowed === false && result.message).toMatch(
      /podman test cluster (cannot evaluate|does not implement)/,
    );
  });

  it("unsupportedExpressions flags parse failures at create time only", () => {
    expect(unsupportedExpressions(policy())).toEqual([]);
    expect(unsupportedExpressions(policy({ validations: [{ expression: "a.?b" }] }))[0]).toMatch(
      /cannot parse 'a\.\?b'/,
    );
  });
});

describe("toCel", () => {
  it("makes whole numbers CEL ints and objects Maps", () => {
    const value = toCel({ a: 1, b: 1.5, c: [true], d: null });
    expect(value).toBeInstanceOf(Map);
    const map = value as Map<string, unknown>;
    expect(map.get("a")).toBe(1n);
    expect(map.get("b")).toBe(1.5);
    expect(map.get("c")).toEqual([true]);
    expect(map.get("d")).toBeNull();
  });
});

describe("admit: the pods/ephemeralcontainers subresource (kubectl debug)", () => {
  const registries =
    "!has(object.spec.ephemeralContainers) || object.spec.ephemeralContainers.all(c, c.image.startsWith('registry.k8s.io/'))";
  const debugPolicy = (resources: string[]): TPolicy => ({
    metadata: { name: "ro" },
    spec: {
      matchConstraints: {
        resourceRules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources }],
      },
      validations: [{ expression: registries, message: "debug images come from registry.k8s.io" }],
    },
  });
  const update = (image: string): TAdmissionRequest => {
    const old = request(compliant);
    return {
      ...old,
      operation: "UPDATE",
      subResource: "ephemeralcontainers",
      oldObject: old.object,
      object: { ...old.object, spec: { containers: compliant, ephemeralContainers: [{ name: "debugger", image }] } },
    };
  };

  it.each([
    [["pods"], false],
    [["*"], false],
    [["pods/ephemeralcontainers"], true],
    [["pods/*"], true],
    [["*/ephemeralcontainers"], true],
    [["*/*"], true],
  ])("resources %j reach it: %s", (resources, reaches) => {
    expect(admit(update("busybox"), [debugPolicy(resources)], [binding()]).allowed).toBe(!reaches);
    expect(
      admit(update("registry.k8s.io/e2e-test-images/busybox:1.36.1-1"), [debugPolicy(resources)], [binding()]).allowed,
    ).toBe(true);
  });

  it("sees the operation, the subresource and the pod before the update", () => {
    const inspect: TPolicy = {
      metadata: { name: "ro" },
      spec: {
        matchConstraints: {
          resourceRules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["UPDATE"], resources: ["pods/*"] }],
        },
        validations: [
          {
            expression:
              "request.operation == 'UPDATE' && request.subResource == 'ephemeralcontainers' && !has(oldObject.spec.ephemeralContainers)",
            message: "unexpected",
          },
        ],
      },
    };
    expect(admit(update("busybox"), [inspect], [binding()])).toEqual({ allowed: true, warnings: [] });
  });
});
