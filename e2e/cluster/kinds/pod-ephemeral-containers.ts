import { isRecord } from "../is-record";
import { invalid, type TFieldError } from "../k8s-status";
import { dns1123Label, labelMessage } from "../registry/object-name";
import type { TContainer, TPod } from "../types";
import { validateSecurityProfiles } from "./pod-security-profiles";

// The pods/ephemeralcontainers subresource as kube-apiserver treats it (pkg/registry/core/pod
// ephemeralContainersStrategy, pkg/apis/core/validation ValidatePodEphemeralContainersUpdate and
// validateEphemeralContainers): only spec.ephemeralContainers of the written object counts, existing
// ones may neither change nor go, and a new one may only set the fields a debugging container needs.

/** Fields an ephemeral container may set; anything else non-empty is refused (validateFieldAllowList). */
const ALLOWED_FIELDS = new Set([
  "name",
  "image",
  "command",
  "args",
  "workingDir",
  "envFrom",
  "env",
  "volumeMounts",
  "volumeDevices",
  "terminationMessagePath",
  "terminationMessagePolicy",
  "imagePullPolicy",
  "securityContext",
  "stdin",
  "stdinOnce",
  "tty",
  "targetContainerName",
]);

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isRecord(value)) return Object.values(value).every(isEmpty);
  return false;
}

/** The ephemeral containers an update asks for, with the API server's defaults applied. */
function requestedEphemeralContainers(next: unknown): TContainer[] {
  const spec = isRecord(next) && isRecord(next.spec) ? next.spec : {};
  const list = Array.isArray(spec.ephemeralContainers) ? (spec.ephemeralContainers as unknown[]) : [];
  return list.map((item) => {
    const container = (isRecord(item) ? { ...item } : {}) as TContainer;
    if (typeof container.image === "string") {
      const tagged = container.image.includes("@") || /:[^/]+$/.test(container.image);
      const latest = !container.image.includes("@") && (!tagged || container.image.endsWith(":latest"));
      container.imagePullPolicy ??= latest ? "Always" : "IfNotPresent";
    }
    container.terminationMessagePath ??= "/dev/termination-log";
    container.terminationMessagePolicy ??= "File";
    return container;
  });
}

/**
 * Turns `next` (a PUT body or a patched copy of the pod) into the stored pod with only its ephemeral
 * containers replaced, or throws 422 with the API server's field errors.
 */
export function prepareEphemeralContainersUpdate(next: TPod, existing: TPod): void {
  const name = existing.metadata.name ?? "";
  const wanted = requestedEphemeralContainers(next);
  const errors: TFieldError[] = [];
  const before = (existing.spec.ephemeralContainers as TContainer[] | undefined) ?? [];
  for (const old of before) {
    const now = wanted.find((candidate) => candidate.name === old.name);
    if (!now)
      errors.push({
        field: "spec.ephemeralContainers",
        type: "FieldValueForbidden",
        detail: `existing ephemeral containers "${old.name}" may not be removed\n`,
      });
    else if (JSON.stringify(now) !== JSON.stringify(old))
      errors.push({
        field: "spec.ephemeralContainers",
        type: "FieldValueForbidden",
        detail: `existing ephemeral containers "${old.name}" may not be changed\n`,
      });
  }
  const regular = [...(existing.spec.initContainers ?? []), ...existing.spec.containers].map((c) => c.name);
  const seen = new Set(regular);
  wanted.forEach((container, index) => {
    const at = `spec.ephemeralContainers[${index}]`;
    const containerName = container.name;
    if (typeof containerName !== "string" || containerName === "") {
      errors.push({ field: `${at}.name`, type: "FieldValueRequired", detail: "" });
    } else {
      if (!dns1123Label.test(containerName) || containerName.length > 63)
        errors.push({ field: `${at}.name`, type: "FieldValueInvalid", value: containerName, detail: labelMessage });
      if (seen.has(containerName))
        errors.push({ field: `${at}.name`, type: "FieldValueDuplicate", value: containerName, detail: "" });
      seen.add(containerName);
    }
    if (typeof container.image !== "string" || container.image.trim() === "")
      errors.push({ field: `${at}.image`, type: "FieldValueRequired", detail: "" });
    for (const [field, value] of Object.entries(container)) {
      if (!ALLOWED_FIELDS.has(field) && !isEmpty(value))
        errors.push({
          field: `${at}.${field}`,
          type: "FieldValueForbidden",
          detail: "cannot be set for an Ephemeral Container",
        });
    }
    const target = container.targetContainerName;
    if (typeof target === "string" && target !== "" && !regular.includes(target))
      errors.push({ field: `${at}.targetContainerName`, type: "FieldValueNotFound", value: target, detail: "" });
    validateSecurityProfiles(container.securityContext, `${at}.securityContext`, errors);
  });
  if (errors.length > 0) throw invalid("Pod", { resource: "pods", group: "" }, name, errors);
  // Everything but the ephemeral containers stays as stored.
  next.metadata = { ...existing.metadata };
  next.spec = { ...existing.spec, ephemeralContainers: wanted };
  next.status = existing.status;
}
