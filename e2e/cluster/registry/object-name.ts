import type { TFieldError } from "../k8s-status";

/** A DNS-1123 label: names of namespaces, volumes, containers. */
export const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** The API server's explanation of a DNS-1123 label. */
export const labelMessage =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
/** The API server's explanation of a DNS-1123 subdomain. */
export const subdomainMessage =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

/** Validates an object name as a DNS-1123 subdomain (most kinds) or label (namespaces). */
export function validateName(name: unknown, field: string, kind: "subdomain" | "label"): TFieldError[] {
  if (typeof name !== "string" || name === "")
    return [{ field, type: "FieldValueRequired", detail: "name or generateName is required" }];
  const errors: TFieldError[] = [];
  if (kind === "label") {
    if (name.length > 63)
      errors.push({ field, type: "FieldValueInvalid", value: name, detail: "must be no more than 63 characters" });
    if (!dns1123Label.test(name)) errors.push({ field, type: "FieldValueInvalid", value: name, detail: labelMessage });
  } else {
    if (name.length > 253)
      errors.push({ field, type: "FieldValueInvalid", value: name, detail: "must be no more than 253 characters" });
    if (!dns1123Subdomain.test(name))
      errors.push({ field, type: "FieldValueInvalid", value: name, detail: subdomainMessage });
  }
  return errors;
}
