import type { TFieldError } from "../k8s-status";

const configKey = /^[-._a-zA-Z0-9]+$/;
const configKeyMessage =
  "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

/**
 * apimachinery's IsConfigMapKey, which Secrets, ConfigMaps and key selectors share: at most 253
 * characters of `[-._a-zA-Z0-9]`, and never `.`, `..` or a name starting with `..` (the kubelet's
 * volume layout keeps `..data` and its timestamped directories for itself).
 */
export function configKeyProblems(key: string): string[] {
  const problems: string[] = [];
  if (key.length > 253) problems.push("must be no more than 253 characters");
  if (!configKey.test(key)) problems.push(configKeyMessage);
  if (key === ".") problems.push("must not be '.'");
  else if (key === "..") problems.push("must not be '..'");
  else if (key.startsWith("..")) problems.push("must not start with '..'");
  return problems;
}

/** One Invalid field error per problem of every key of `map` (`data[key]`, `binaryData[key]`). */
export function validateConfigKeys(map: unknown, field: string): TFieldError[] {
  if (typeof map !== "object" || map === null) return [];
  return Object.keys(map).flatMap((key) =>
    configKeyProblems(key).map((detail): TFieldError => ({
      field: `${field}[${key}]`,
      type: "FieldValueInvalid",
      value: key,
      detail,
    })),
  );
}
