import { isRecord } from "../is-record";
import type { TFieldError } from "../k8s-status";
import { dns1123Label, labelMessage, validateName } from "../registry/object-name";
import { validateAppArmorAnnotations, validateSecurityProfiles } from "./pod-security-profiles";
import { validatePodDns } from "../runtime/pod-dns";

const restartPolicies = ["Always", "OnFailure", "Never"];
const pullPolicies = ["Always", "IfNotPresent", "Never"];
const protocols = ["SCTP", "TCP", "UDP"];

function validateSecurityContext(context: unknown, path: string, errors: TFieldError[]): void {
  if (context === undefined) return;
  if (!isRecord(context)) return;
  validateSecurityProfiles(context, path, errors);
  for (const key of ["privileged", "readOnlyRootFilesystem", "runAsNonRoot", "allowPrivilegeEscalation"] as const) {
    const value = context[key];
    if (value !== undefined && typeof value !== "boolean")
      errors.push({ field: `${path}.${key}`, type: "FieldValueInvalid", value, detail: "must be a boolean" });
  }
  for (const key of ["runAsUser", "runAsGroup"] as const) {
    const value = context[key];
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 2147483647) {
      errors.push({
        field: `${path}.${key}`,
        type: "FieldValueInvalid",
        value,
        detail: "must be between 0 and 2147483647, inclusive",
      });
    }
  }
  if (context.privileged === true && context.allowPrivilegeEscalation === false) {
    errors.push({
      field: path,
      type: "FieldValueInvalid",
      value: "cannot set `allowPrivilegeEscalation` to false and `privileged` to true",
      detail: "cannot set `allowPrivilegeEscalation` to false and `privileged` to true",
    });
  }
}

function validateContainers(
  list: unknown,
  path: string,
  volumeNames: Set<string>,
  errors: TFieldError[],
  names: Set<string>,
  required: boolean,
): void {
  if (list === undefined || (Array.isArray(list) && list.length === 0)) {
    if (required) errors.push({ field: path, type: "FieldValueRequired", detail: "" });
    return;
  }
  if (!Array.isArray(list)) {
    errors.push({ field: path, type: "FieldValueInvalid", value: list, detail: "must be a list of containers" });
    return;
  }
  list.forEach((container: unknown, index) => {
    const at = `${path}[${index}]`;
    if (!isRecord(container)) {
      errors.push({ field: at, type: "FieldValueInvalid", value: container, detail: "must be an object" });
      return;
    }
    const name = container.name;
    if (typeof name !== "string" || name === "") {
      errors.push({ field: `${at}.name`, type: "FieldValueRequired", detail: "" });
    } else {
      if (!dns1123Label.test(name) || name.length > 63)
        errors.push({ field: `${at}.name`, type: "FieldValueInvalid", value: name, detail: labelMessage });
      if (names.has(name)) errors.push({ field: `${at}.name`, type: "FieldValueDuplicate", value: name, detail: "" });
      names.add(name);
    }
    if (typeof container.image !== "string" || container.image.trim() === "")
      errors.push({ field: `${at}.image`, type: "FieldValueRequired", detail: "" });
    if (container.imagePullPolicy !== undefined && !pullPolicies.includes(container.imagePullPolicy as string)) {
      errors.push({
        field: `${at}.imagePullPolicy`,
        type: "FieldValueNotSupported",
        value: container.imagePullPolicy,
        detail: `supported values: ${pullPolicies.map((p) => `"${p}"`).join(", ")}`,
      });
    }
    for (const key of ["command", "args"] as const) {
      const value = container[key];
      if (value !== undefined && (!Array.isArray(value) || value.some((item) => typeof item !== "string"))) {
        errors.push({ field: `${at}.${key}`, type: "FieldValueInvalid", value, detail: "must be a list of strings" });
      }
    }
    if (Array.isArray(container.env)) {
      container.env.forEach((env: unknown, envIndex) => {
        if (!isRecord(env) || typeof env.name !== "string" || env.name === "")
          errors.push({ field: `${at}.env[${envIndex}].name`, type: "FieldValueRequired", detail: "" });
      });
    }
    if (Array.isArray(container.ports)) {
      container.ports.forEach((port: unknown, portIndex) => {
        const portPath = `${at}.ports[${portIndex}]`;
        if (!isRecord(port)) return;
        const number = port.containerPort;
        if (number === undefined || number === 0)
          errors.push({ field: `${portPath}.containerPort`, type: "FieldValueRequired", detail: "" });
        else if (typeof number !== "number" || !Number.isInteger(number) || number < 1 || number > 65535) {
          errors.push({
            field: `${portPath}.containerPort`,
            type: "FieldValueInvalid",
            value: number,
            detail: "must be between 1 and 65535, inclusive",
          });
        }
        if (port.protocol !== undefined && !protocols.includes(port.protocol as string)) {
          errors.push({
            field: `${portPath}.protocol`,
            type: "FieldValueNotSupported",
            value: port.protocol,
            detail: `supported values: ${protocols.map((p) => `"${p}"`).join(", ")}`,
          });
        }
      });
    }
    if (Array.isArray(container.volumeMounts)) {
      const mountPaths = new Set<string>();
      container.volumeMounts.forEach((mount: unknown, mountIndex) => {
        const mountPath = `${at}.volumeMounts[${mountIndex}]`;
        if (!isRecord(mount)) return;
        if (typeof mount.name !== "string" || mount.name === "")
          errors.push({ field: `${mountPath}.name`, type: "FieldValueRequired", detail: "" });
        else if (!volumeNames.has(mount.name))
          errors.push({ field: `${mountPath}.name`, type: "FieldValueNotFound", value: mount.name, detail: "" });
        if (typeof mount.mountPath !== "string" || mount.mountPath === "")
          errors.push({ field: `${mountPath}.mountPath`, type: "FieldValueRequired", detail: "" });
        else {
          if (mountPaths.has(mount.mountPath))
            errors.push({
              field: `${mountPath}.mountPath`,
              type: "FieldValueInvalid",
              value: mount.mountPath,
              detail: "must be unique",
            });
          mountPaths.add(mount.mountPath);
        }
      });
    }
    validateSecurityContext(container.securityContext, `${at}.securityContext`, errors);
  });
}

/** Field errors for a Pod manifest, with the field paths the real API server reports. */
export function validatePod(pod: unknown): TFieldError[] {
  const errors: TFieldError[] = [];
  if (!isRecord(pod)) return [{ field: "", type: "FieldValueInvalid", value: pod, detail: "must be an object" }];
  const metadata = isRecord(pod.metadata) ? pod.metadata : {};
  if (metadata.name !== undefined || metadata.generateName === undefined)
    errors.push(...validateName(metadata.name, "metadata.name", "subdomain"));
  const spec = pod.spec;
  if (!isRecord(spec)) {
    errors.push({ field: "spec.containers", type: "FieldValueRequired", detail: "" });
    return errors;
  }
  errors.push(...validatePodDns(spec));
  const volumeNames = new Set<string>();
  if (spec.volumes !== undefined) {
    if (!Array.isArray(spec.volumes))
      errors.push({ field: "spec.volumes", type: "FieldValueInvalid", value: spec.volumes, detail: "must be a list" });
    else
      spec.volumes.forEach((volume: unknown, index) => {
        const at = `spec.volumes[${index}]`;
        if (!isRecord(volume) || typeof volume.name !== "string" || volume.name === "") {
          errors.push({ field: `${at}.name`, type: "FieldValueRequired", detail: "" });
          return;
        }
        if (!dns1123Label.test(volume.name))
          errors.push({ field: `${at}.name`, type: "FieldValueInvalid", value: volume.name, detail: labelMessage });
        if (volumeNames.has(volume.name))
          errors.push({ field: `${at}.name`, type: "FieldValueDuplicate", value: volume.name, detail: "" });
        volumeNames.add(volume.name);
        const sources = Object.keys(volume).filter((key) => key !== "name");
        if (sources.length > 1)
          errors.push({
            field: `${at}.${sources[1]}`,
            type: "FieldValueForbidden",
            detail: "may not specify more than 1 volume type",
          });
        const emptyDir = volume.emptyDir;
        if (
          isRecord(emptyDir) &&
          emptyDir.medium !== undefined &&
          emptyDir.medium !== "" &&
          emptyDir.medium !== "Memory"
        ) {
          errors.push({
            field: `${at}.emptyDir.medium`,
            type: "FieldValueNotSupported",
            value: emptyDir.medium,
            detail: 'supported values: "", "Memory"',
          });
        }
      });
  }
  const containerNames = new Set<string>();
  validateContainers(spec.initContainers, "spec.initContainers", volumeNames, errors, containerNames, false);
  validateContainers(spec.containers, "spec.containers", volumeNames, errors, containerNames, true);
  if (spec.restartPolicy !== undefined && !restartPolicies.includes(spec.restartPolicy as string)) {
    errors.push({
      field: "spec.restartPolicy",
      type: "FieldValueNotSupported",
      value: spec.restartPolicy,
      detail: `supported values: ${restartPolicies.map((p) => `"${p}"`).join(", ")}`,
    });
  }
  validateSecurityContext(spec.securityContext, "spec.securityContext", errors);
  errors.push(...validateAppArmorAnnotations(pod));
  return errors;
}
