import { describe, expect, it } from "vitest";
import { formatFieldError } from "../k8s-status";
import {
  carryGenerationAndStatus,
  goLabelSelector,
  selectorString,
  selects,
  validateWorkloadSpec,
  type TWorkload,
} from "./pod-template";

const spec = (fields: Record<string, unknown> = {}) => ({
  selector: { matchLabels: { app: "web" } },
  template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "nginx", image: "nginx" }] } },
  ...fields,
});
const messages = (value: unknown) => validateWorkloadSpec(value).map(formatFieldError);

describe("workload spec validation (the API server's words)", () => {
  it("accepts a selector that matches the template", () => {
    expect(messages(spec())).toEqual([]);
  });

  it.each([
    [{ replicas: -1 }, "spec.replicas: Invalid value: -1: must be greater than or equal to 0"],
    [{ selector: undefined }, "spec.selector: Required value"],
    [
      { selector: {} },
      "spec.selector: Invalid value: &v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment",
    ],
    [
      { selector: { matchLabels: { app: "api" } } },
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
    ],
    [
      { selector: { matchExpressions: [{ key: "app", operator: "In" }] } },
      "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    ],
  ])("refuses %j", (fields, message) => {
    expect(messages(spec(fields))).toContain(message);
  });

  it("checks the template as a pod, under spec.template, and only restartPolicy Always", () => {
    const template = {
      metadata: { labels: { app: "web" } },
      spec: { restartPolicy: "Never", containers: [{ name: "nginx" }] },
    };
    expect(messages(spec({ template }))).toEqual([
      "spec.template.spec.containers[0].image: Required value",
      'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    ]);
  });
});

describe("selectors", () => {
  const selector = {
    matchLabels: { tier: "front", app: "web" },
    matchExpressions: [
      { key: "env", operator: "In" as const, values: ["prod", "dev"] },
      { key: "canary", operator: "DoesNotExist" as const },
    ],
  };
  it("print as kubectl shows them (sorted by key) and as Go quotes them in errors", () => {
    expect(selectorString(selector)).toBe("app=web,!canary,env in (dev,prod),tier=front");
    expect(goLabelSelector({ matchLabels: { b: "2", a: "1" } })).toBe(
      '&v1.LabelSelector{MatchLabels:map[string]string{"a":"1", "b":"2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}',
    );
  });
  it("match labels, and an empty selector matches nothing", () => {
    expect(selects(selector, { app: "web", tier: "front", env: "dev" })).toBe(true);
    expect(selects(selector, { app: "web", tier: "front", env: "dev", canary: "yes" })).toBe(false);
    expect(selects({}, { app: "web" })).toBe(false);
  });
});

describe("generation and status", () => {
  const stored = (): TWorkload => ({
    metadata: { name: "web", generation: 2 },
    spec: spec({ replicas: 1 }),
    status: { replicas: 1 },
  });
  it("bumps the generation when the spec changes and keeps the stored status", () => {
    const next = { ...stored(), spec: { ...stored().spec, replicas: 3 }, status: { replicas: 99 } };
    carryGenerationAndStatus(next, stored(), undefined);
    expect(next).toMatchObject({ metadata: { generation: 3 }, status: { replicas: 1 } });
    const same = stored();
    carryGenerationAndStatus(same, stored(), undefined);
    expect(same.metadata.generation).toBe(2);
  });
  it("a status write keeps the stored spec and generation", () => {
    const next = { ...stored(), spec: { ...stored().spec, replicas: 3 }, status: { replicas: 2 } };
    carryGenerationAndStatus(next, stored(), "status");
    expect(next).toMatchObject({ metadata: { generation: 2 }, spec: { replicas: 1 }, status: { replicas: 2 } });
  });
});
