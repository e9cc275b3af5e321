import { humanAge } from "../clock";
import type { TFieldError } from "../k8s-status";
import { bytesField, readFields, readObjectMeta, text, type TField } from "../protobuf";
import { crudVerbs, type TKind } from "../registry/kind";
import { dns1123Subdomain, subdomainMessage, validateName } from "../registry/object-name";
import { column } from "../server/table";
import type { TKubeObject } from "../types";

// The apimachinery wording of the checks below (k8s.io/apimachinery/pkg/util/validation).
const wildcardSubdomain = /^\*\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const wildcardMessage =
  "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const dns1035Label = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const dns1035Message =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const pathTypes = ["Exact", "ImplementationSpecific", "Prefix"];
// Sequences and endings an Exact or Prefix path may not contain (pkg/apis/networking/validation).
const invalidPathSequences = ["//", "/./", "/../", "%2f", "%2F"];
const invalidPathSuffixes = ["/..", "/."];

type TBackend = {
  service?: { name?: unknown; port?: { name?: unknown; number?: unknown } };
  resource?: { apiGroup?: unknown; kind?: unknown; name?: unknown };
};
type TIngressSpec = {
  ingressClassName?: unknown;
  defaultBackend?: TBackend;
  tls?: Array<{ hosts?: unknown[]; secretName?: unknown }>;
  rules?: Array<{
    host?: unknown;
    http?: { paths?: Array<{ path?: unknown; pathType?: unknown; backend?: TBackend }> };
  }>;
};

/** networking.k8s.io/v1 Ingress: stored and validated as the API server does; no controller serves it. */
export const ingressKind: TKind = {
  group: "networking.k8s.io",
  version: "v1",
  kind: "Ingress",
  resource: "ingresses",
  singular: "ingress",
  namespaced: true,
  verbs: crudVerbs,
  shortNames: ["ing"],
  validate: (object) => [
    ...validateName(object.metadata.name, "metadata.name", "subdomain"),
    ...validateIngress(object),
  ],
  prepareForCreate(object) {
    object.status = { loadBalancer: {} };
  },
  prepareForUpdate(next, existing) {
    next.status = existing.status;
  },
  table: {
    columns: [
      column("Name", "string", "name"),
      column("Class"),
      column("Hosts"),
      column("Address"),
      column("Ports"),
      column("Age"),
    ],
    cells: (item, now) => {
      const spec = (item.spec ?? {}) as TIngressSpec;
      return [
        item.metadata.name,
        typeof spec.ingressClassName === "string" ? spec.ingressClassName : "<none>",
        formatHosts(spec.rules ?? []),
        formatAddress(item),
        (spec.tls ?? []).length > 0 ? "80, 443" : "80",
        humanAge(item.metadata.creationTimestamp, now),
      ];
    },
  },
  // `kubectl create ingress` sends protobuf: ObjectMeta 1, IngressSpec 2 (defaultBackend 1, tls 2, rules 3, ingressClassName 4).
  decodeProtobuf(raw) {
    const fields = readFields(raw);
    const metadata = bytesField(fields, 1);
    const spec = bytesField(fields, 2);
    return { metadata: metadata ? readObjectMeta(metadata) : {}, spec: spec ? decodeSpec(spec) : {} };
  },
};

function validateIngress(object: TKubeObject): TFieldError[] {
  const spec = (object.spec ?? {}) as TIngressSpec;
  const errors: TFieldError[] = [];
  const rules = spec.rules ?? [];
  if (rules.length === 0 && !spec.defaultBackend) {
    errors.push({
      field: "spec",
      type: "FieldValueInvalid",
      value: null,
      detail: "either `defaultBackend` or `rules` must be specified",
    });
  }
  if (spec.defaultBackend) errors.push(...validateBackend(spec.defaultBackend, "spec.defaultBackend"));
  rules.forEach((rule, i) => {
    const at = `spec.rules[${i}]`;
    if (typeof rule.host === "string" && rule.host !== "") {
      if (/^[0-9.]+$/.test(rule.host) || rule.host.includes(":")) {
        errors.push({
          field: `${at}.host`,
          type: "FieldValueInvalid",
          value: rule.host,
          detail: "must be a DNS name, not an IP address",
        });
      }
      errors.push(...validateHost(rule.host, `${at}.host`));
    }
    if (rule.http) {
      const paths = rule.http.paths ?? [];
      if (paths.length === 0) errors.push({ field: `${at}.http.paths`, type: "FieldValueRequired", detail: "" });
      paths.forEach((path, j) => errors.push(...validatePath(path, `${at}.http.paths[${j}]`)));
    }
  });
  (spec.tls ?? []).forEach((tls, i) => {
    (tls.hosts ?? []).forEach((host, j) => {
      if (typeof host === "string") errors.push(...validateHost(host, `spec.tls[${i}].hosts[${j}]`));
    });
    if (typeof tls.secretName === "string" && tls.secretName !== "" && !isSubdomain(tls.secretName)) {
      errors.push({
        field: `spec.tls[${i}].secretName`,
        type: "FieldValueInvalid",
        value: tls.secretName,
        detail: subdomainMessage,
      });
    }
  });
  if (typeof spec.ingressClassName === "string" && !isSubdomain(spec.ingressClassName)) {
    errors.push({
      field: "spec.ingressClassName",
      type: "FieldValueInvalid",
      value: spec.ingressClassName,
      detail: subdomainMessage,
    });
  }
  const annotation = object.metadata.annotations?.["kubernetes.io/ingress.class"];
  if (annotation !== undefined && typeof spec.ingressClassName === "string" && annotation !== spec.ingressClassName) {
    errors.push({
      field: "annotations.kubernetes.io/ingress.class",
      type: "FieldValueInvalid",
      value: annotation,
      detail: "must match `ingressClassName` when both are specified",
    });
  }
  return errors;
}

function validatePath(path: { path?: unknown; pathType?: unknown; backend?: TBackend }, at: string): TFieldError[] {
  if (path.pathType === undefined || path.pathType === null) {
    return [{ field: `${at}.pathType`, type: "FieldValueRequired", detail: "pathType must be specified" }];
  }
  const errors: TFieldError[] = [];
  const value = typeof path.path === "string" ? path.path : "";
  if (path.pathType === "Exact" || path.pathType === "Prefix") {
    if (!value.startsWith("/"))
      errors.push({ field: `${at}.path`, type: "FieldValueInvalid", value, detail: "must be an absolute path" });
    for (const sequence of invalidPathSequences) {
      if (value.includes(sequence))
        errors.push({
          field: `${at}.path`,
          type: "FieldValueInvalid",
          value,
          detail: `must not contain '${sequence}'`,
        });
    }
    for (const suffix of invalidPathSuffixes) {
      if (value.endsWith(suffix))
        errors.push({ field: `${at}.path`, type: "FieldValueInvalid", value, detail: `cannot end with '${suffix}'` });
    }
  } else if (path.pathType === "ImplementationSpecific") {
    if (value !== "" && !value.startsWith("/"))
      errors.push({ field: `${at}.path`, type: "FieldValueInvalid", value, detail: "must be an absolute path" });
  } else {
    errors.push({
      field: `${at}.pathType`,
      type: "FieldValueNotSupported",
      value: path.pathType,
      detail: `supported values: ${pathTypes.map((t) => `"${t}"`).join(", ")}`,
    });
  }
  return [...errors, ...validateBackend(path.backend ?? {}, `${at}.backend`)];
}

function validateBackend(backend: TBackend, at: string): TFieldError[] {
  if (backend.resource && backend.service) {
    return [
      { field: at, type: "FieldValueInvalid", value: "", detail: "cannot set both resource and service backends" },
    ];
  }
  if (backend.resource) {
    const errors: TFieldError[] = [];
    if (!backend.resource.kind)
      errors.push({ field: `${at}.resource.kind`, type: "FieldValueRequired", detail: "kind is required" });
    if (!backend.resource.name)
      errors.push({ field: `${at}.resource.name`, type: "FieldValueRequired", detail: "name is required" });
    return errors;
  }
  if (!backend.service)
    return [{ field: at, type: "FieldValueInvalid", value: "", detail: "resource or service backend is required" }];
  const errors: TFieldError[] = [];
  const name = backend.service.name;
  if (typeof name !== "string" || name === "")
    errors.push({ field: `${at}.service.name`, type: "FieldValueRequired", detail: "" });
  else if (!dns1035Label.test(name) || name.length > 63)
    errors.push({ field: `${at}.service.name`, type: "FieldValueInvalid", value: name, detail: dns1035Message });
  const portName = backend.service.port?.name;
  const portNumber = backend.service.port?.number;
  const hasName = typeof portName === "string" && portName !== "";
  const hasNumber = typeof portNumber === "number" && portNumber !== 0;
  if (hasName && hasNumber) {
    errors.push({ field: at, type: "FieldValueInvalid", value: "", detail: "cannot set both port name & port number" });
  } else if (hasNumber && (!Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535)) {
    errors.push({
      field: `${at}.service.port.number`,
      type: "FieldValueInvalid",
      value: portNumber,
      detail: "must be between 1 and 65535, inclusive",
    });
  } else if (!hasName && !hasNumber) {
    errors.push({ field: at, type: "FieldValueRequired", detail: "port name or number is required" });
  }
  return errors;
}

function validateHost(host: string, at: string): TFieldError[] {
  if (host.includes("*")) {
    return wildcardSubdomain.test(host) && host.length <= 253
      ? []
      : [{ field: at, type: "FieldValueInvalid", value: host, detail: wildcardMessage }];
  }
  return isSubdomain(host) ? [] : [{ field: at, type: "FieldValueInvalid", value: host, detail: subdomainMessage }];
}

function isSubdomain(value: string): boolean {
  return value.length <= 253 && dns1123Subdomain.test(value);
}

/** Up to three hosts, then "+ N more...", "*" when no rule names one (kubectl's formatHosts). */
function formatHosts(rules: NonNullable<TIngressSpec["rules"]>): string {
  const hosts = rules
    .map((rule) => rule.host)
    .filter((host): host is string => typeof host === "string" && host !== "");
  if (hosts.length === 0) return "*";
  const shown = rules
    .slice(0, 3)
    .map((rule) => rule.host)
    .filter((host): host is string => typeof host === "string" && host !== "");
  return rules.length > 3 ? `${shown.join(",")} + ${rules.length - 3} more...` : shown.join(",");
}

function formatAddress(item: TKubeObject): string {
  const status = item.status as { loadBalancer?: { ingress?: Array<{ ip?: string; hostname?: string }> } } | undefined;
  const addresses = [
    ...new Set((status?.loadBalancer?.ingress ?? []).map((entry) => entry.ip || entry.hostname || "").filter(Boolean)),
  ].sort();
  const joined = addresses.join(",");
  return joined.length > 16 ? `${joined.slice(0, 13)}...` : joined;
}

function decodeSpec(raw: Buffer): Record<string, unknown> {
  const fields = readFields(raw);
  const spec: Record<string, unknown> = {};
  const backend = bytesField(fields, 1);
  if (backend) spec.defaultBackend = decodeBackend(backend);
  const tls = messages(fields, 2).map((entry) => {
    const inner = readFields(entry);
    const out: Record<string, unknown> = {};
    const hosts = inner.filter((f) => f.number === 1).map(text);
    if (hosts.length > 0) out.hosts = hosts;
    const secret = stringOf(inner, 2);
    if (secret) out.secretName = secret;
    return out;
  });
  if (tls.length > 0) spec.tls = tls;
  const rules = messages(fields, 3).map((entry) => {
    const inner = readFields(entry);
    const out: Record<string, unknown> = {};
    const host = stringOf(inner, 1);
    if (host) out.host = host;
    // IngressRuleValue is embedded (field 2); its only member is http (field 1) with paths (field 1).
    const value = bytesField(inner, 2);
    const http = value ? bytesField(readFields(value), 1) : undefined;
    if (http) out.http = { paths: messages(readFields(http), 1).map(decodePath) };
    return out;
  });
  if (rules.length > 0) spec.rules = rules;
  const className = stringOf(fields, 4);
  if (className) spec.ingressClassName = className;
  return spec;
}

function decodePath(raw: Buffer): Record<string, unknown> {
  const fields = readFields(raw);
  const out: Record<string, unknown> = {};
  const path = stringOf(fields, 1);
  if (path) out.path = path;
  const pathType = stringOf(fields, 3);
  if (pathType) out.pathType = pathType;
  const backend = bytesField(fields, 2);
  out.backend = backend ? decodeBackend(backend) : {};
  return out;
}

function decodeBackend(raw: Buffer): Record<string, unknown> {
  const fields = readFields(raw);
  const service = bytesField(fields, 4);
  if (!service) return {};
  const inner = readFields(service);
  const out: Record<string, unknown> = {};
  const name = stringOf(inner, 1);
  if (name) out.name = name;
  const port = bytesField(inner, 2);
  if (port) {
    const portFields = readFields(port);
    const portName = stringOf(portFields, 1);
    const portNumber = portFields.find((f) => f.number === 2 && !Buffer.isBuffer(f.value));
    const number = portNumber ? Number(portNumber.value) : 0;
    out.port = portName ? { name: portName } : number !== 0 ? { number } : {};
  }
  return { service: out };
}

/** A string field as set, or undefined when absent or empty (gogo protobuf writes empty strings too). */
function stringOf(fields: TField[], number: number): string | undefined {
  const field = fields.find((f) => f.number === number && Buffer.isBuffer(f.value));
  const value = field ? text(field) : "";
  return value === "" ? undefined : value;
}

function messages(fields: TField[], number: number): Buffer[] {
  return fields.filter((f) => f.number === number && Buffer.isBuffer(f.value)).map((f) => f.value as Buffer);
}
