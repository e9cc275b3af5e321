import { humanAge } from "../clock";
import type { TFieldError } from "../k8s-status";
import { readFields, readObjectMeta, readStringMap, text, type TField } from "../protobuf";
import type { TTablePrinter } from "../registry/kind";
import { column } from "../server/table";
import type { TKubeObject } from "../types";
import { leaf, map, objectShape, type TShape } from "./field-schema";

/** Pieces the four RBAC kinds share: rule and subject validation, defaults, shapes, tables and protobuf. */

export const rbacGroup = "rbac.authorization.k8s.io";

type TRule = {
  verbs?: unknown;
  apiGroups?: unknown;
  resources?: unknown;
  resourceNames?: unknown;
  nonResourceURLs?: unknown;
};
type TSubject = { kind?: string; apiGroup?: string; name?: string; namespace?: string };
type TRoleRef = { apiGroup?: string; kind?: string; name?: string };

const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

/** Names of roles and bindings only have to be valid path segments (apimachinery's IsValidPathSegmentName). */
export function pathSegmentErrors(name: string, field: string): TFieldError[] {
  if (name === "." || name === "..")
    return [{ field, type: "FieldValueInvalid", value: name, detail: `may not be '${name}'` }];
  const bad = ["/", "%"].filter((character) => name.includes(character));
  return bad.map((character) => ({
    field,
    type: "FieldValueInvalid" as const,
    value: name,
    detail: `may not contain '${character}'`,
  }));
}

/** metadata.name of a role or binding: required, and a path segment. */
export function validateRbacName(object: TKubeObject): TFieldError[] {
  const name = object.metadata.name;
  if (typeof name !== "string" || name === "")
    return [{ field: "metadata.name", type: "FieldValueRequired", detail: "name or generateName is required" }];
  return pathSegmentErrors(name, "metadata.name");
}

/** The rules of a Role (namespaced: no non-resource URLs) or a ClusterRole, with the API server's messages. */
export function validateRules(rules: unknown, namespaced: boolean): TFieldError[] {
  const errors: TFieldError[] = [];
  (Array.isArray(rules) ? (rules as TRule[]) : []).forEach((rule, index) => {
    const at = `rules[${index}]`;
    if (list(rule.verbs).length === 0)
      errors.push({
        field: `${at}.verbs`,
        type: "FieldValueRequired",
        detail: "verbs must contain at least one value",
      });
    const urls = list(rule.nonResourceURLs);
    if (urls.length > 0) {
      const valueText = `[]string{${urls.map((url) => JSON.stringify(url)).join(", ")}}`;
      if (namespaced)
        errors.push({
          field: `${at}.nonResourceURLs`,
          type: "FieldValueInvalid",
          valueText,
          detail: "namespaced rules cannot apply to non-resource URLs",
        });
      if (list(rule.apiGroups).length > 0 || list(rule.resources).length > 0 || list(rule.resourceNames).length > 0)
        errors.push({
          field: `${at}.nonResourceURLs`,
          type: "FieldValueInvalid",
          valueText,
          detail: "rules cannot apply to both regular resources and non-resource URLs",
        });
      return;
    }
    if (list(rule.apiGroups).length === 0)
      errors.push({
        field: `${at}.apiGroups`,
        type: "FieldValueRequired",
        detail: "resource rules must supply at least one api group",
      });
    if (list(rule.resources).length === 0)
      errors.push({
        field: `${at}.resources`,
        type: "FieldValueRequired",
        detail: "resource rules must supply at least one resource",
      });
    if (list(rule.resourceNames).length > 0 && list(rule.resources).length > 1)
      errors.push({
        field: `${at}.resourceNames`,
        type: "FieldValueRequired",
        detail: "resource names cannot apply to multiple resources",
      });
  });
  return errors;
}

/** Subjects default their apiGroup ("" for ServiceAccounts, rbac for users and groups); roleRef to rbac. */
export function defaultBinding(object: TKubeObject): void {
  const roleRef = (object.roleRef ??= {}) as TRoleRef;
  roleRef.apiGroup ||= rbacGroup;
  for (const subject of (object.subjects as TSubject[] | undefined) ?? []) {
    if (subject.apiGroup) continue;
    if (subject.kind === "User" || subject.kind === "Group") subject.apiGroup = rbacGroup;
    else if (subject.kind === "ServiceAccount") subject.apiGroup = "";
  }
}

const supported = (values: string[]) => `supported values: ${values.map((value) => `"${value}"`).join(", ")}`;

/** roleRef and subjects of a RoleBinding (`namespaced`) or ClusterRoleBinding, after defaulting. */
export function validateBinding(object: TKubeObject, namespaced: boolean): TFieldError[] {
  const errors: TFieldError[] = [];
  const roleRef = (object.roleRef ?? {}) as TRoleRef;
  if (roleRef.apiGroup !== rbacGroup)
    errors.push({
      field: "roleRef.apiGroup",
      type: "FieldValueNotSupported",
      value: roleRef.apiGroup ?? "",
      detail: supported([rbacGroup]),
    });
  const kinds = namespaced ? ["Role", "ClusterRole"] : ["ClusterRole"];
  if (!kinds.includes(roleRef.kind ?? ""))
    errors.push({
      field: "roleRef.kind",
      type: "FieldValueNotSupported",
      value: roleRef.kind ?? "",
      detail: supported(kinds),
    });
  if (!roleRef.name) errors.push({ field: "roleRef.name", type: "FieldValueRequired", detail: "" });
  else errors.push(...pathSegmentErrors(roleRef.name, "roleRef.name"));
  ((object.subjects as TSubject[] | undefined) ?? []).forEach((subject, index) => {
    const at = `subjects[${index}]`;
    if (!subject.name) errors.push({ field: `${at}.name`, type: "FieldValueRequired", detail: "" });
    switch (subject.kind) {
      case "ServiceAccount":
        if (subject.name && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(subject.name))
          errors.push({
            field: `${at}.name`,
            type: "FieldValueInvalid",
            value: subject.name,
            detail:
              "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
          });
        if (subject.apiGroup)
          errors.push({
            field: `${at}.apiGroup`,
            type: "FieldValueNotSupported",
            value: subject.apiGroup,
            detail: supported([""]),
          });
        if (!namespaced && !subject.namespace)
          errors.push({ field: `${at}.namespace`, type: "FieldValueRequired", detail: "" });
        break;
      case "User":
      case "Group":
        if (subject.apiGroup !== rbacGroup)
          errors.push({
            field: `${at}.apiGroup`,
            type: "FieldValueNotSupported",
            value: subject.apiGroup ?? "",
            detail: supported([rbacGroup]),
          });
        break;
      default:
        errors.push({
          field: `${at}.kind`,
          type: "FieldValueNotSupported",
          value: subject.kind ?? "",
          detail: supported(["ServiceAccount", "User", "Group"]),
        });
    }
  });
  return errors;
}

/** A binding's roleRef as Go prints the struct in "cannot change roleRef". */
export function roleRefText(roleRef: unknown): string {
  const ref = (roleRef ?? {}) as TRoleRef;
  return `rbac.RoleRef{APIGroup:${JSON.stringify(ref.apiGroup ?? "")}, Kind:${JSON.stringify(ref.kind ?? "")}, Name:${JSON.stringify(ref.name ?? "")}}`;
}

const ruleShape: TShape = {
  fields: { apiGroups: leaf, nonResourceURLs: leaf, resourceNames: leaf, resources: leaf, verbs: leaf },
};
const subjectShape: TShape = { fields: { apiGroup: leaf, kind: leaf, name: leaf, namespace: leaf } };
const roleRefShape: TShape = { fields: { apiGroup: leaf, kind: leaf, name: leaf } };

export const roleShape = objectShape({ rules: { list: ruleShape } });
export const clusterRoleShape = objectShape({
  rules: { list: ruleShape },
  aggregationRule: { fields: { clusterRoleSelectors: { list: map } } },
});
export const bindingShape = objectShape({ roleRef: roleRefShape, subjects: { list: subjectShape } });

/** Roles print NAME and CREATED AT: kube-apiserver has no printer for them and uses its default columns. */
export const roleTable: TTablePrinter = {
  columns: [column("Name", "string", "name"), column("Created At", "date")],
  cells: (item) => [item.metadata.name, item.metadata.creationTimestamp ?? ""],
};

/** RoleBindings and ClusterRoleBindings: NAME, ROLE, AGE, and USERS, GROUPS, SERVICEACCOUNTS with -o wide. */
export const bindingTable: TTablePrinter = {
  columns: [
    column("Name", "string", "name"),
    column("Role"),
    column("Age"),
    column("Users", "string", "", 1),
    column("Groups", "string", "", 1),
    column("ServiceAccounts", "string", "", 1),
  ],
  cells: (item, now) => {
    const roleRef = (item.roleRef ?? {}) as TRoleRef;
    const subjects = (item.subjects as TSubject[] | undefined) ?? [];
    const of = (kind: string) => subjects.filter((subject) => subject.kind === kind);
    return [
      item.metadata.name,
      `${roleRef.kind ?? ""}/${roleRef.name ?? ""}`,
      humanAge(item.metadata.creationTimestamp, now),
      of("User")
        .map((subject) => subject.name)
        .join(", "),
      of("Group")
        .map((subject) => subject.name)
        .join(", "),
      of("ServiceAccount")
        .map((subject) => `${subject.namespace ?? ""}/${subject.name ?? ""}`)
        .join(", "),
    ];
  },
};

const strings = (fields: TField[], number: number) =>
  fields.filter((field) => field.number === number && Buffer.isBuffer(field.value)).map(text);

/** k8s.io/api/rbac/v1 PolicyRule: verbs 1, apiGroups 2, resources 3, resourceNames 4, nonResourceURLs 5. */
function decodeRule(raw: Buffer): Record<string, string[]> {
  const fields = readFields(raw);
  const rule: Record<string, string[]> = { verbs: strings(fields, 1) };
  const optional: Array<[number, string]> = [
    [2, "apiGroups"],
    [3, "resources"],
    [4, "resourceNames"],
    [5, "nonResourceURLs"],
  ];
  for (const [number, key] of optional) {
    const values = strings(fields, number);
    if (values.length > 0) rule[key] = values;
  }
  return rule;
}

function messages(fields: TField[], number: number): Buffer[] {
  return fields
    .filter((field) => field.number === number && Buffer.isBuffer(field.value))
    .map((field) => field.value as Buffer);
}

/** Role and ClusterRole: ObjectMeta 1, rules 2, aggregationRule 3 (clusterRoleSelectors 1: LabelSelector, matchLabels 1). */
export function decodeRoleProtobuf(raw: Buffer): Record<string, unknown> {
  const fields = readFields(raw);
  const [metadata] = messages(fields, 1);
  const object: Record<string, unknown> = {
    metadata: metadata ? readObjectMeta(metadata) : {},
    rules: messages(fields, 2).map(decodeRule),
  };
  const [aggregation] = messages(fields, 3);
  if (aggregation)
    object.aggregationRule = {
      clusterRoleSelectors: messages(readFields(aggregation), 1).map((selector) => {
        const matchLabels = readStringMap(readFields(selector), 1);
        return matchLabels ? { matchLabels } : {};
      }),
    };
  return object;
}

/** RoleBinding and ClusterRoleBinding: ObjectMeta 1, subjects 2 (kind 1, apiGroup 2, name 3, namespace 4), roleRef 3. */
export function decodeBindingProtobuf(raw: Buffer): Record<string, unknown> {
  const fields = readFields(raw);
  const [metadata] = messages(fields, 1);
  const [roleRef] = messages(fields, 3);
  const named = (buffer: Buffer, names: Record<number, string>) => {
    const result: Record<string, string> = {};
    for (const field of readFields(buffer)) {
      const key = names[field.number];
      // proto2 writes empty strings; JSON leaves them out (omitempty).
      if (key && Buffer.isBuffer(field.value) && field.value.length > 0) result[key] = text(field);
    }
    return result;
  };
  return {
    metadata: metadata ? readObjectMeta(metadata) : {},
    subjects: messages(fields, 2).map((subject) =>
      named(subject, { 1: "kind", 2: "apiGroup", 3: "name", 4: "namespace" }),
    ),
    roleRef: roleRef ? named(roleRef, { 1: "apiGroup", 2: "kind", 3: "name" }) : {},
  };
}
