/**
 * What Deployments and ReplicaSets share: the pod template (defaults, validation), the label selector
 * (validation, its string form), and the few rules of apps/v1 objects (generation, immutable selector).
 */
import { isRecord } from "../is-record";
import type { TFieldError } from "../k8s-status";
import { requirementsFromSelector, matchesLabels, type TLabelSelector } from "../label-selector";
import { validateName } from "../registry/object-name";
import type { TContainer, TKubeObject, TPodSpec } from "../types";
import { validatePod } from "./pod-validation";

/** A PodTemplateSpec: the metadata and spec every pod made from it starts with. */
export type TPodTemplate = {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; [key: string]: unknown };
  spec: TPodSpec;
};

/** The spec both apps/v1 workload kinds have (Deployment adds strategy and the rest). */
export type TWorkloadSpec = {
  replicas?: number;
  selector?: TLabelSelector;
  template: TPodTemplate;
  minReadySeconds?: number;
  [key: string]: unknown;
};

/** A Deployment or ReplicaSet as stored. */
export type TWorkload = TKubeObject & {
  spec: TWorkloadSpec;
  status?: Record<string, unknown>;
};

/**
 * The defaults the API server gives a pod template (SetDefaults_PodSpec and the container defaults), not
 * those only pods get from admission or the scheduler (service account, node, tolerations, priority).
 */
export function defaultPodTemplate(template: TPodTemplate): void {
  const spec = template.spec;
  spec.restartPolicy ??= "Always";
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= "ClusterFirst";
  spec.securityContext ??= {};
  spec.schedulerName ??= "default-scheduler";
  for (const container of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) defaultContainer(container);
}

function defaultContainer(container: TContainer): void {
  const image = container.image ?? "";
  const tag = image.includes("@")
    ? "digest"
    : /:[^/]+$/.test(image)
      ? image.slice(image.lastIndexOf(":") + 1)
      : "latest";
  container.imagePullPolicy ??= tag === "latest" ? "Always" : "IfNotPresent";
  container.terminationMessagePath ??= "/dev/termination-log";
  container.terminationMessagePolicy ??= "File";
  container.resources ??= {};
  for (const port of container.ports ?? []) port.protocol ??= "TCP";
}

// Go prints a map[string]string sorted by key; field errors quote values that way.
function goStringMap(map: Record<string, string> | undefined): string {
  if (!map) return "map[string]string(nil)";
  const entries = Object.keys(map)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${JSON.stringify(map[key])}`);
  return `map[string]string{${entries.join(", ")}}`;
}

/** A LabelSelector as Go's `%#v` prints it in field errors. */
export function goLabelSelector(selector: TLabelSelector | undefined): string {
  if (!selector) return "(*v1.LabelSelector)(nil)";
  const expressions = selector.matchExpressions
    ? `[]v1.LabelSelectorRequirement{${selector.matchExpressions
        .map(
          (e) =>
            `v1.LabelSelectorRequirement{Key:${JSON.stringify(e.key)}, Operator:${JSON.stringify(e.operator)}, Values:${
              e.values ? `[]string{${e.values.map((v) => JSON.stringify(v)).join(", ")}}` : "[]string(nil)"
            }}`,
        )
        .join(", ")}}`
    : "[]v1.LabelSelectorRequirement(nil)";
  return `&v1.LabelSelector{MatchLabels:${goStringMap(selector.matchLabels)}, MatchExpressions:${expressions}}`;
}

/** The selector as `kubectl get -o wide` and the scale subresource print it (`app=web,tier in (a,b)`). */
export function selectorString(selector: TLabelSelector | undefined): string {
  const parts: { key: string; text: string }[] = [];
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) parts.push({ key, text: `${key}=${value}` });
  for (const expression of selector?.matchExpressions ?? []) {
    const values = [...(expression.values ?? [])].sort().join(",");
    const text =
      expression.operator === "In"
        ? `${expression.key} in (${values})`
        : expression.operator === "NotIn"
          ? `${expression.key} notin (${values})`
          : expression.operator === "Exists"
            ? expression.key
            : `!${expression.key}`;
    parts.push({ key: expression.key, text });
  }
  return parts
    .sort((a, b) => a.key.localeCompare(b.key))
    .map((part) => part.text)
    .join(",");
}

/** True when `labels` are selected by `selector` (an empty selector selects nothing, as for workloads). */
export function selects(selector: TLabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  const requirements = requirementsFromSelector(selector);
  return requirements.length > 0 && matchesLabels(requirements, labels);
}

const operators = ["In", "NotIn", "Exists", "DoesNotExist"];

/** Field errors of a workload spec (replicas, selector, template), with the real API server's paths and words. */
export function validateWorkloadSpec(spec: unknown, path = "spec"): TFieldError[] {
  if (!isRecord(spec)) return [{ field: path, type: "FieldValueRequired", detail: "" }];
  const errors: TFieldError[] = [];
  for (const key of ["replicas", "minReadySeconds"] as const) {
    const value = spec[key];
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isInteger(value))
      errors.push({ field: `${path}.${key}`, type: "FieldValueInvalid", value, detail: "must be an integer" });
    else if (value < 0)
      errors.push({
        field: `${path}.${key}`,
        type: "FieldValueInvalid",
        value,
        detail: "must be greater than or equal to 0",
      });
  }
  const selector = spec.selector as TLabelSelector | undefined;
  if (selector === undefined || selector === null) {
    errors.push({ field: `${path}.selector`, type: "FieldValueRequired", detail: "" });
  } else {
    (selector.matchExpressions ?? []).forEach((expression, index) => {
      const at = `${path}.selector.matchExpressions[${index}]`;
      if (!operators.includes(expression.operator))
        errors.push({
          field: `${at}.operator`,
          type: "FieldValueNotSupported",
          value: expression.operator,
          detail: `supported values: ${operators.map((o) => `"${o}"`).join(", ")}`,
        });
      const needsValues = expression.operator === "In" || expression.operator === "NotIn";
      if (needsValues && (expression.values ?? []).length === 0)
        errors.push({
          field: `${at}.values`,
          type: "FieldValueRequired",
          detail: "must be specified when `operator` is 'In' or 'NotIn'",
        });
      if (!needsValues && (expression.values ?? []).length > 0)
        errors.push({
          field: `${at}.values`,
          type: "FieldValueForbidden",
          detail: "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
        });
    });
    if (Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions ?? []).length === 0)
      errors.push({
        field: `${path}.selector`,
        type: "FieldValueInvalid",
        value: selector,
        valueText: goLabelSelector(selector),
        detail: "empty selector is invalid for deployment",
      });
  }
  const template = spec.template;
  if (!isRecord(template)) {
    errors.push({ field: `${path}.template`, type: "FieldValueRequired", detail: "" });
    return errors;
  }
  const metadata = isRecord(template.metadata) ? template.metadata : {};
  const labels = metadata.labels as Record<string, string> | undefined;
  if (selector && requirementsFromSelector(selector).length > 0 && !selects(selector, labels))
    errors.push({
      field: `${path}.template.metadata.labels`,
      type: "FieldValueInvalid",
      value: labels,
      valueText: goStringMap(labels),
      detail: "`selector` does not match template `labels`",
    });
  // The template is checked as a pod would be (name aside: pods made from it get generated names).
  const asPod = { metadata: { ...metadata, name: undefined, generateName: "template-" }, spec: template.spec };
  for (const error of validatePod(asPod)) {
    if (error.field.startsWith("metadata.name")) continue;
    errors.push({ ...error, field: `${path}.template.${error.field}` });
  }
  const restartPolicy = isRecord(template.spec) ? template.spec.restartPolicy : undefined;
  if (restartPolicy !== undefined && restartPolicy !== "Always")
    errors.push({
      field: `${path}.template.spec.restartPolicy`,
      type: "FieldValueNotSupported",
      value: restartPolicy,
      detail: 'supported values: "Always"',
    });
  if (isRecord(template.spec) && template.spec.activeDeadlineSeconds !== undefined)
    errors.push({
      field: `${path}.template.spec.activeDeadlineSeconds`,
      type: "FieldValueForbidden",
      detail: "activeDeadlineSeconds in ReplicaSet is not Supported",
    });
  return errors;
}

/** Field errors of a workload's name and spec, as both kinds validate them on create and update. */
export function validateWorkload(object: TKubeObject): TFieldError[] {
  return [...validateName(object.metadata.name, "metadata.name", "subdomain"), ...validateWorkloadSpec(object.spec)];
}

/** The field error a changed selector gets: apps/v1 selectors are immutable. */
export function immutableSelector(next: TWorkload, existing: TWorkload): TFieldError[] {
  if (JSON.stringify(next.spec.selector ?? null) === JSON.stringify(existing.spec.selector ?? null)) return [];
  return [
    {
      field: "spec.selector",
      type: "FieldValueInvalid",
      value: next.spec.selector,
      valueText: goLabelSelector(next.spec.selector),
      detail: "field is immutable",
    },
  ];
}

/**
 * The generation rules of a spec-and-status object: a write to the object keeps the stored status and
 * bumps `metadata.generation` when the spec changed; a write to `status` keeps the stored spec.
 */
export function carryGenerationAndStatus(next: TWorkload, existing: TWorkload, subresource: string | undefined): void {
  const generation = Number(existing.metadata.generation ?? 1);
  if (subresource === "status") {
    next.spec = existing.spec;
    next.metadata.generation = generation;
    return;
  }
  next.status = existing.status;
  const changed = JSON.stringify(next.spec) !== JSON.stringify(existing.spec);
  next.metadata.generation = changed ? generation + 1 : generation;
}

/** Names and images of a template's containers, as the wide table columns print them. */
export function containerCells(template: TPodTemplate | undefined): [string, string] {
  const containers = template?.spec?.containers ?? [];
  return [containers.map((c) => c.name).join(","), containers.map((c) => c.image).join(",")];
}
