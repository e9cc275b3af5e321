import { isIP } from "node:net";
import { humanAge } from "../clock";
import type { TFieldError } from "../k8s-status";
import { crudVerbs, type TKind } from "../registry/kind";
import { column } from "../server/table";
import type { TKubeObject } from "../types";

type TSelector = {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
};
type TPort = { protocol?: string; port?: number | string; endPort?: number };
type TPeer = { podSelector?: TSelector; namespaceSelector?: TSelector; ipBlock?: { cidr?: string; except?: string[] } };
type TRule = { ports?: TPort[]; from?: TPeer[]; to?: TPeer[] };
type TSpec = { podSelector?: TSelector; policyTypes?: string[]; ingress?: TRule[]; egress?: TRule[] };

const protocols = ["TCP", "UDP", "SCTP"];

/**
 * networking.k8s.io/v1 NetworkPolicy, the smallest piece the network lab needs: stored with the API
 * server's defaults (protocol TCP, policyTypes from the rules present) and validation, printed as
 * kubectl does. Enforcement belongs to the pod network, which the test cluster does not have yet.
 */
export const networkPolicyKind: TKind = {
  group: "networking.k8s.io",
  version: "v1",
  kind: "NetworkPolicy",
  resource: "networkpolicies",
  singular: "networkpolicy",
  namespaced: true,
  verbs: [...crudVerbs, "deletecollection"],
  shortNames: ["netpol"],
  validate: (object) => validateSpec(object.spec ?? {}),
  prepareForCreate: (object) => applyDefaults(object),
  prepareForUpdate: (next) => applyDefaults(next),
  table: {
    columns: [column("Name", "string", "name"), column("Pod-Selector"), column("Age")],
    cells: (item, now) => [
      item.metadata.name,
      formatSelector(((item.spec ?? {}) as TSpec).podSelector ?? {}),
      humanAge(item.metadata.creationTimestamp, now),
    ],
  },
};

// pkg/apis/networking/v1/defaults.go
function applyDefaults(object: TKubeObject): void {
  const spec = (object.spec ??= {}) as TSpec;
  spec.podSelector ??= {};
  for (const rule of [...(spec.ingress ?? []), ...(spec.egress ?? [])]) {
    for (const port of rule.ports ?? []) port.protocol ??= "TCP";
  }
  if (!spec.policyTypes || spec.policyTypes.length === 0) {
    spec.policyTypes = (spec.egress ?? []).length > 0 ? ["Ingress", "Egress"] : ["Ingress"];
  }
}

function validateSpec(spec: TSpec): TFieldError[] {
  const errors: TFieldError[] = [];
  for (const direction of ["ingress", "egress"] as const) {
    (spec[direction] ?? []).forEach((rule, i) => {
      const at = `spec.${direction}[${i}]`;
      (rule.ports ?? []).forEach((port, j) => errors.push(...validatePort(port, `${at}.ports[${j}]`)));
      const peers = direction === "ingress" ? rule.from : rule.to;
      const key = direction === "ingress" ? "from" : "to";
      (peers ?? []).forEach((peer, j) => errors.push(...validatePeer(peer, `${at}.${key}[${j}]`)));
    });
  }
  const types = spec.policyTypes ?? [];
  if (types.length > 2) {
    errors.push({
      field: "spec.policyTypes",
      type: "FieldValueInvalid",
      value: types,
      detail: "may not specify more than two policyTypes",
    });
  } else {
    types.forEach((type, i) => {
      if (type !== "Ingress" && type !== "Egress")
        errors.push({
          field: `spec.policyTypes[${i}]`,
          type: "FieldValueNotSupported",
          value: type,
          detail: 'supported values: "Ingress", "Egress"',
        });
    });
  }
  return errors;
}

function validatePort(port: TPort, at: string): TFieldError[] {
  const errors: TFieldError[] = [];
  if (port.protocol !== undefined && !protocols.includes(port.protocol)) {
    errors.push({
      field: `${at}.protocol`,
      type: "FieldValueNotSupported",
      value: port.protocol,
      detail: 'supported values: "TCP", "UDP", "SCTP"',
    });
  }
  if (typeof port.port === "number") {
    if (!Number.isInteger(port.port) || port.port < 1 || port.port > 65535)
      errors.push({
        field: `${at}.port`,
        type: "FieldValueInvalid",
        value: port.port,
        detail: "must be between 1 and 65535, inclusive",
      });
    if (port.endPort !== undefined) {
      if (port.endPort < port.port)
        errors.push({
          field: `${at}.endPort`,
          type: "FieldValueInvalid",
          value: port.port,
          detail: "must be greater than or equal to `port`",
        });
      if (port.endPort < 1 || port.endPort > 65535)
        errors.push({
          field: `${at}.endPort`,
          type: "FieldValueInvalid",
          value: port.endPort,
          detail: "must be between 1 and 65535, inclusive",
        });
    }
  } else if (typeof port.port === "string") {
    if (port.endPort !== undefined)
      errors.push({
        field: `${at}.endPort`,
        type: "FieldValueInvalid",
        value: port.endPort,
        detail: "may not be specified when `port` is non-numeric",
      });
    if (port.port.length > 15 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(port.port) || !/[a-z]/.test(port.port))
      errors.push({
        field: `${at}.port`,
        type: "FieldValueInvalid",
        value: port.port,
        detail: "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
      });
  } else if (port.endPort !== undefined) {
    errors.push({
      field: `${at}.endPort`,
      type: "FieldValueInvalid",
      value: port.endPort,
      detail: "may not be specified when `port` is not specified",
    });
  }
  return errors;
}

function validatePeer(peer: TPeer, at: string): TFieldError[] {
  const count = [peer.podSelector, peer.namespaceSelector, peer.ipBlock].filter(
    (p) => p !== undefined && p !== null,
  ).length;
  if (count === 0) return [{ field: at, type: "FieldValueRequired", detail: "must specify a peer" }];
  if (count > 1 && peer.ipBlock)
    return [{ field: at, type: "FieldValueForbidden", detail: "may not specify both ipBlock and another peer" }];
  if (!peer.ipBlock) return [];
  const cidr = peer.ipBlock.cidr ?? "";
  if (cidr === "") return [{ field: `${at}.ipBlock.cidr`, type: "FieldValueRequired", detail: "" }];
  const outer = parse(cidr);
  if (!outer)
    return [
      {
        field: `${at}.ipBlock.cidr`,
        type: "FieldValueInvalid",
        value: cidr,
        detail: "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
      },
    ];
  const errors: TFieldError[] = [];
  (peer.ipBlock.except ?? []).forEach((except, i) => {
    const inner = parse(except);
    const field = `${at}.ipBlock.except[${i}]`;
    if (!inner) {
      errors.push({
        field,
        type: "FieldValueInvalid",
        value: except,
        detail: "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
      });
    } else if (inner.family !== outer.family || inner.bits <= outer.bits || !contains(outer, inner)) {
      errors.push({ field, type: "FieldValueInvalid", value: except, detail: "must be a strict subset of `cidr`" });
    }
  });
  return errors;
}

type TCidr = { family: 4 | 6; value: bigint; bits: number };

function parse(text: string): TCidr | null {
  const [address = "", prefix] = text.split("/");
  const family = isIP(address);
  if ((family !== 4 && family !== 6) || prefix === undefined || !/^\d+$/.test(prefix)) return null;
  const bits = Number(prefix);
  if (bits > (family === 4 ? 32 : 128)) return null;
  const value =
    family === 4
      ? address.split(".").reduce((v, part) => (v << 8n) | BigInt(Number(part)), 0n)
      : expand(address).reduce((v, group) => (v << 16n) | BigInt(parseInt(group || "0", 16)), 0n);
  return { family, value, bits };
}

function expand(address: string): string[] {
  const [head = "", tail] = address.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  return tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
}

function contains(outer: TCidr, inner: TCidr): boolean {
  const width = BigInt(outer.family === 4 ? 32 : 128);
  const shift = width - BigInt(outer.bits);
  return inner.value >> shift === outer.value >> shift;
}

/** metav1.FormatLabelSelector: "app=web,tier in (a,b)", "<none>" for an empty selector. */
function formatSelector(selector: TSelector): string {
  const terms = [
    ...Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(selector.matchExpressions ?? []).map((e) => {
      const values = (e.values ?? []).join(",");
      if (e.operator === "In") return `${e.key} in (${values})`;
      if (e.operator === "NotIn") return `${e.key} notin (${values})`;
      if (e.operator === "Exists") return e.key;
      return `!${e.key}`;
    }),
  ];
  return terms.length === 0 ? "<none>" : terms.join(",");
}
