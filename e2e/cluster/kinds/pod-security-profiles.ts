import { isRecord } from "../is-record";
import type { TFieldError } from "../k8s-status";

// Validation and defaulting of seccomp and AppArmor profiles, worded as kube-apiserver words them
// (pkg/apis/core/validation: validateSeccompProfileField, ValidateAppArmorProfileField,
// ValidateAppArmorPodAnnotations; pkg/registry/core/pod: applyAppArmorVersionSkew).

const PROFILE_TYPES = ["Localhost", "RuntimeDefault", "Unconfined"];
const supported = `supported values: ${PROFILE_TYPES.map((type) => `"${type}"`).join(", ")}`;
/** PATH_MAX - 1, the longest AppArmor profile name the API accepts. */
const MAX_APPARMOR_NAME = 4095;

export const DEPRECATED_APPARMOR_PREFIX = "container.apparmor.security.beta.kubernetes.io/";

/** Field errors of `seccompProfile` and `appArmorProfile` inside one securityContext at `path`. */
export function validateSecurityProfiles(context: unknown, path: string, errors: TFieldError[]): void {
  if (!isRecord(context)) return;
  if (context.seccompProfile !== undefined) validateSeccomp(context.seccompProfile, `${path}.seccompProfile`, errors);
  if (context.appArmorProfile !== undefined)
    validateAppArmor(context.appArmorProfile, `${path}.appArmorProfile`, errors);
}

function validateSeccomp(profile: unknown, path: string, errors: TFieldError[]): void {
  if (!isRecord(profile)) return;
  const type = profile.type;
  if (type === undefined || type === "")
    errors.push({
      field: `${path}.type`,
      type: "FieldValueRequired",
      detail: "type is required when seccompProfile is set",
    });
  else if (!PROFILE_TYPES.includes(type as string))
    errors.push({ field: `${path}.type`, type: "FieldValueNotSupported", value: type, detail: supported });
  const localhost = profile.localhostProfile;
  if (type === "Localhost") {
    if (localhost === undefined || localhost === null)
      errors.push({
        field: `${path}.localhostProfile`,
        type: "FieldValueRequired",
        detail: "must be set when seccomp type is Localhost",
      });
    else if (typeof localhost === "string") {
      if (localhost.startsWith("/"))
        errors.push({
          field: `${path}.localhostProfile`,
          type: "FieldValueInvalid",
          value: localhost,
          detail: "must be a relative path",
        });
      if (localhost.split("/").includes(".."))
        errors.push({
          field: `${path}.localhostProfile`,
          type: "FieldValueInvalid",
          value: localhost,
          detail: "must not contain '..'",
        });
    }
  } else if (localhost !== undefined && localhost !== null) {
    // The API server prints the whole Go struct here, pointer address included; the address varies per request.
    errors.push({
      field: `${path}.localhostProfile`,
      type: "FieldValueInvalid",
      valueText: `core.SeccompProfile{Type:${JSON.stringify(type ?? "")}, LocalhostProfile:(*string)(0xc000c1e0a0)}`,
      detail: "can only be set when seccomp type is Localhost",
    });
  }
}

function validateAppArmor(profile: unknown, path: string, errors: TFieldError[]): void {
  if (!isRecord(profile)) return;
  const type = profile.type;
  const localhost = profile.localhostProfile;
  if (type === "Localhost") {
    if (typeof localhost !== "string") {
      errors.push({
        field: `${path}.localhostProfile`,
        type: "FieldValueRequired",
        detail: "must be set when AppArmor type is Localhost",
      });
      return;
    }
    if (localhost.trim() !== localhost)
      errors.push({
        field: `${path}.localhostProfile`,
        type: "FieldValueInvalid",
        value: localhost,
        detail: "must not be padded with whitespace",
      });
    else if (localhost === "")
      errors.push({
        field: `${path}.localhostProfile`,
        type: "FieldValueRequired",
        detail: "must be set when AppArmor type is Localhost",
      });
    if (Buffer.byteLength(localhost) > MAX_APPARMOR_NAME)
      errors.push({
        field: `${path}.localhostProfile`,
        type: "FieldValueTooLong",
        detail: `may not be more than ${MAX_APPARMOR_NAME} bytes`,
      });
  } else if (type === "RuntimeDefault" || type === "Unconfined") {
    if (localhost !== undefined && localhost !== null)
      errors.push({
        field: `${path}.localhostProfile`,
        type: "FieldValueInvalid",
        value: localhost,
        detail: "can only be set when AppArmor type is Localhost",
      });
  } else if (type === undefined || type === "") {
    errors.push({
      field: `${path}.type`,
      type: "FieldValueRequired",
      detail: "type is required when appArmorProfile is set",
    });
  } else {
    errors.push({ field: `${path}.type`, type: "FieldValueNotSupported", value: type, detail: supported });
  }
}

type TProfile = { type?: unknown; localhostProfile?: unknown };
type TContainerLike = { name?: unknown; securityContext?: unknown };

function containersOf(spec: Record<string, unknown>): Array<{ container: TContainerLike; path: string }> {
  const list = (key: "initContainers" | "containers") =>
    (Array.isArray(spec[key]) ? (spec[key] as unknown[]) : []).flatMap((container, index) =>
      isRecord(container) ? [{ container: container, path: `spec.${key}[${index}]` }] : [],
    );
  return [...list("initContainers"), ...list("containers")];
}

function profileOf(context: unknown): TProfile | undefined {
  return isRecord(context) && isRecord(context.appArmorProfile) ? context.appArmorProfile : undefined;
}

function annotationForField(profile: TProfile): string | undefined {
  if (profile.type === "Unconfined") return "unconfined";
  if (profile.type === "RuntimeDefault") return "runtime/default";
  if (profile.type === "Localhost" && typeof profile.localhostProfile === "string")
    return `localhost/${profile.localhostProfile}`;
  return undefined;
}

function fieldForAnnotation(annotation: string): TProfile | undefined {
  if (annotation === "unconfined") return { type: "Unconfined" };
  if (annotation === "runtime/default") return { type: "RuntimeDefault" };
  if (annotation.startsWith("localhost/") && annotation.length > "localhost/".length) {
    const name = annotation.slice("localhost/".length);
    // An invalid name (padded, too long) is not copied, as the API server skips invalid values.
    if (name.trim() === name && Buffer.byteLength(name) <= MAX_APPARMOR_NAME)
      return { type: "Localhost", localhostProfile: name };
  }
  return undefined;
}

/**
 * The API server's handling of the deprecated AppArmor annotations on a new pod (Kubernetes 1.34 and
 * later): an annotation for a container without its own field is copied into the container's field
 * (unless it equals the pod's), with a deprecation warning; fields are no longer copied into annotations.
 * Mutates the pod; returns the warnings.
 */
export function syncAppArmorAnnotations(pod: unknown): string[] {
  if (!isRecord(pod) || !isRecord(pod.metadata) || !isRecord(pod.spec)) return [];
  const annotations = isRecord(pod.metadata.annotations) ? pod.metadata.annotations : {};
  const podProfile = profileOf(pod.spec.securityContext);
  const warnings: string[] = [];
  for (const { container } of containersOf(pod.spec)) {
    if (typeof container.name !== "string") continue;
    const key = `${DEPRECATED_APPARMOR_PREFIX}${container.name}`;
    const annotation = annotations[key];
    if (typeof annotation !== "string" || profileOf(container.securityContext)) continue;
    const field = fieldForAnnotation(annotation);
    if (field && !(podProfile && annotationForField(podProfile) === annotationForField(field))) {
      container.securityContext = {
        ...(isRecord(container.securityContext) ? container.securityContext : {}),
        appArmorProfile: field,
      };
    }
    warnings.push(`metadata.annotations[${key}]: deprecated since v1.30; use the "appArmorProfile" field instead`);
  }
  return warnings;
}

/** Annotation format and consistency errors on create (ValidateAppArmorPodAnnotations and the field match). */
export function validateAppArmorAnnotations(pod: unknown): TFieldError[] {
  if (!isRecord(pod) || !isRecord(pod.metadata) || !isRecord(pod.spec)) return [];
  const annotations = isRecord(pod.metadata.annotations) ? pod.metadata.annotations : {};
  const errors: TFieldError[] = [];
  const containers = containersOf(pod.spec);
  for (const [key, value] of Object.entries(annotations)) {
    if (!key.startsWith(DEPRECATED_APPARMOR_PREFIX) || typeof value !== "string") continue;
    const name = key.slice(DEPRECATED_APPARMOR_PREFIX.length);
    const field = `metadata.annotations[${key}]`;
    if (!containers.some(({ container }) => container.name === name))
      errors.push({ field, type: "FieldValueInvalid", value: name, detail: "container not found" });
    if (value !== "" && value !== "runtime/default" && value !== "unconfined" && !value.startsWith("localhost/"))
      errors.push({
        field,
        type: "FieldValueInvalid",
        value,
        detail: `invalid AppArmor profile name: ${JSON.stringify(value)}`,
      });
  }
  const podProfile = profileOf(pod.spec.securityContext);
  for (const { container, path } of containers) {
    const profile = profileOf(container.securityContext) ?? podProfile;
    const annotation = annotations[`${DEPRECATED_APPARMOR_PREFIX}${String(container.name)}`];
    if (!profile || typeof annotation !== "string") continue;
    const at = `${path}.securityContext.appArmorProfile`;
    const expected = annotationForField(profile);
    if (profile.type === "Localhost") {
      if (!annotation.startsWith("localhost/"))
        errors.push({
          field: `${at}.type`,
          type: "FieldValueForbidden",
          detail: "apparmor type in annotation and field must match",
        });
      else if (annotation !== expected)
        errors.push({
          field: `${at}.localhostProfile`,
          type: "FieldValueForbidden",
          detail: "apparmor profile in annotation and field must match",
        });
    } else if (expected !== undefined && annotation !== expected) {
      errors.push({
        field: `${at}.type`,
        type: "FieldValueForbidden",
        detail: "apparmor type in annotation and field must match",
      });
    }
  }
  return errors;
}
