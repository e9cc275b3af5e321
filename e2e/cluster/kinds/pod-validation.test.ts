import { describe, expect, it } from "vitest";
import { formatFieldError, invalid } from "../k8s-status";
import { validatePod } from "./pod-validation";

const base = () => ({
  metadata: { name: "web" },
  spec: { containers: [{ name: "app", image: "nginx" }] } as Record<string, unknown>,
});
const withSpec = (spec: Record<string, unknown>) => ({ metadata: { name: "web" }, spec: { ...base().spec, ...spec } });
const withContainer = (extra: Record<string, unknown>) =>
  withSpec({ containers: [{ name: "app", image: "nginx", ...extra }] });

describe("validatePod reports the field paths and wording of the real API server", () => {
  it("accepts a minimal pod", () => {
    expect(validatePod(base())).toEqual([]);
  });

  it.each([
    ["missing name", { spec: base().spec }, ["metadata.name: Required value: name or generateName is required"]],
    [
      "bad name",
      { metadata: { name: "Web_1" }, spec: base().spec },
      [expect.stringMatching(/^metadata\.name: Invalid value: "Web_1": a lowercase RFC 1123 subdomain/)],
    ],
    ["no containers", withSpec({ containers: [] }), ["spec.containers: Required value"]],
    ["no image", withContainer({ image: "" }), ["spec.containers[0].image: Required value"]],
    [
      "bad pull policy",
      withContainer({ imagePullPolicy: "Sometimes" }),
      [
        'spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"',
      ],
    ],
    [
      "port out of range",
      withContainer({ ports: [{ containerPort: 70000 }] }),
      ["spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive"],
    ],
    [
      "port missing",
      withContainer({ ports: [{ name: "http" }] }),
      ["spec.containers[0].ports[0].containerPort: Required value"],
    ],
    [
      "unknown volume",
      withContainer({ volumeMounts: [{ name: "cache", mountPath: "/c" }] }),
      ['spec.containers[0].volumeMounts[0].name: Not found: "cache"'],
    ],
    [
      "duplicate container",
      withSpec({
        containers: [
          { name: "a", image: "x" },
          { name: "a", image: "y" },
        ],
      }),
      ['spec.containers[1].name: Duplicate value: "a"'],
    ],
    [
      "init and app share a name",
      withSpec({ initContainers: [{ name: "app", image: "busybox" }] }),
      ['spec.containers[0].name: Duplicate value: "app"'],
    ],
    [
      "bad restartPolicy",
      withSpec({ restartPolicy: "Sometimes" }),
      ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"'],
    ],
    [
      "negative runAsUser",
      withContainer({ securityContext: { runAsUser: -1 } }),
      ["spec.containers[0].securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive"],
    ],
    [
      "bad emptyDir medium",
      withSpec({ volumes: [{ name: "v", emptyDir: { medium: "Disk" } }] }),
      ['spec.volumes[0].emptyDir.medium: Unsupported value: "Disk": supported values: "", "Memory"'],
    ],
    [
      "two volume sources",
      withSpec({ volumes: [{ name: "v", emptyDir: {}, hostPath: { path: "/" } }] }),
      ["spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type"],
    ],
  ])("%s", (_name, pod, expected) => {
    expect(validatePod(pod).map(formatFieldError)).toEqual(expected);
  });

  it("accepts generateName without a name", () => {
    expect(validatePod({ metadata: { generateName: "web-" }, spec: base().spec })).toEqual([]);
  });
});

describe("invalid() builds a 422 Status that kubectl prints per cause", () => {
  it("single error", () => {
    const error = invalid("Pod", { resource: "pods", group: "" }, "web", [
      { field: "spec.containers[0].image", type: "FieldValueRequired", detail: "" },
    ]);
    expect(error.status).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: 'Pod "web" is invalid: spec.containers[0].image: Required value',
      reason: "Invalid",
      details: {
        name: "web",
        kind: "Pod",
        causes: [{ reason: "FieldValueRequired", message: "Required value", field: "spec.containers[0].image" }],
      },
      code: 422,
    });
  });

  it("several errors are bracketed", () => {
    const error = invalid("Pod", { resource: "pods", group: "" }, "web", [
      { field: "a", type: "FieldValueRequired", detail: "" },
      { field: "b", type: "FieldValueInvalid", value: 3, detail: "too big" },
    ]);
    expect(error.status.message).toBe('Pod "web" is invalid: [a: Required value, b: Invalid value: 3: too big]');
  });
});
