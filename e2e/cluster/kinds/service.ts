import { humanAge } from "../clock";
import { invalid, type TFieldError } from "../k8s-status";
import { crudVerbs, refOf, type TKind } from "../registry/kind";
import { column } from "../server/table";
import type { TKubeObject } from "../types";

// kind's default service subnet; .1 is the kubernetes Service and .10 the cluster DNS on kubeadm clusters.
const SUBNET_PREFIX = "10.96.";
const RESERVED = new Set(["10.96.0.0", "10.96.0.1", "10.96.0.10"]);
const protocols = ["SCTP", "TCP", "UDP"];
const types = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];

type TServicePort = { name?: string; protocol?: string; port?: unknown; targetPort?: unknown; nodePort?: number };
type TServiceSpec = {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: TServicePort[];
  selector?: Record<string, string>;
  externalIPs?: string[];
  [key: string]: unknown;
};

/**
 * core/v1 Service, the smallest piece the network labs need: stored, defaulted and validated like the
 * API server does, with a ClusterIP from kind's 10.96.0.0/16 and kubectl's table. The service-network
 * controller forwards its ClusterIP to ready pods and cluster DNS names it.
 */
export const serviceKind: TKind = {
  group: "",
  version: "v1",
  kind: "Service",
  resource: "services",
  singular: "service",
  namespaced: true,
  verbs: crudVerbs,
  shortNames: ["svc"],
  categories: ["all"],
  validate: (object) => validateService(object),
  prepareForCreate(object, context) {
    const spec = (object.spec ??= {}) as TServiceSpec;
    spec.type ??= "ClusterIP";
    spec.sessionAffinity ??= "None";
    spec.internalTrafficPolicy ??= "Cluster";
    for (const port of spec.ports ?? []) {
      port.protocol ??= "TCP";
      port.targetPort ??= port.port;
    }
    if (spec.type !== "ExternalName") {
      if (spec.clusterIP === undefined || spec.clusterIP === "") {
        const used = new Set(
          context.registry
            .list(serviceKind)
            .map((service) => (service.spec as TServiceSpec | undefined)?.clusterIP ?? ""),
        );
        spec.clusterIP = allocate(used);
      }
      if (spec.clusterIP !== "None") {
        spec.clusterIPs = [spec.clusterIP];
        spec.ipFamilies ??= ["IPv4"];
        spec.ipFamilyPolicy ??= "SingleStack";
      }
    }
    object.status = { loadBalancer: {} };
  },
  prepareForUpdate(next, existing) {
    const before = (existing.spec ?? {}) as TServiceSpec;
    const after = (next.spec ??= {}) as TServiceSpec;
    if (after.clusterIP !== undefined && after.clusterIP !== "" && after.clusterIP !== before.clusterIP) {
      throw invalid("Service", refOf(serviceKind), existing.metadata.name ?? "", [
        {
          field: "spec.clusterIPs[0]",
          type: "FieldValueInvalid",
          value: after.clusterIP,
          detail: "may not change once set",
        },
      ]);
    }
    after.clusterIP = before.clusterIP;
    if (before.clusterIPs) after.clusterIPs = before.clusterIPs;
    next.status = existing.status;
  },
  table: {
    columns: [
      column("Name", "string", "name"),
      column("Type"),
      column("Cluster-IP"),
      column("External-IP"),
      column("Port(s)"),
      column("Age"),
      column("Selector", "string", "", 1),
    ],
    cells: (item, now) => {
      const spec = (item.spec ?? {}) as TServiceSpec;
      return [
        item.metadata.name,
        spec.type ?? "ClusterIP",
        spec.type === "ExternalName" ? "<none>" : (spec.clusterIP ?? "<none>"),
        externalIp(item),
        formatPorts(spec.ports ?? []),
        humanAge(item.metadata.creationTimestamp, now),
        spec.selector && Object.keys(spec.selector).length > 0
          ? Object.entries(spec.selector)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([k, v]) => `${k}=${v}`)
              .join(",")
          : "<none>",
      ];
    },
  },
};

function validateService(object: TKubeObject): TFieldError[] {
  const spec = (object.spec ?? {}) as TServiceSpec;
  const errors: TFieldError[] = [];
  const type = spec.type ?? "ClusterIP";
  if (!types.includes(type)) {
    errors.push({
      field: "spec.type",
      type: "FieldValueNotSupported",
      value: type,
      detail: `supported values: ${types.map((t) => `"${t}"`).join(", ")}`,
    });
  }
  const ports = spec.ports ?? [];
  if (ports.length === 0 && type !== "ExternalName" && spec.clusterIP !== "None") {
    errors.push({ field: "spec.ports", type: "FieldValueRequired", detail: "" });
  }
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const at = `spec.ports[${i}]`;
    if (ports.length > 1 && !port.name) errors.push({ field: `${at}.name`, type: "FieldValueRequired", detail: "" });
    if (port.name) {
      if (names.has(port.name))
        errors.push({ field: `${at}.name`, type: "FieldValueDuplicate", value: port.name, detail: "" });
      names.add(port.name);
    }
    if (typeof port.port !== "number" || !Number.isInteger(port.port) || port.port < 1 || port.port > 65535) {
      errors.push({
        field: `${at}.port`,
        type: "FieldValueInvalid",
        value: port.port,
        detail: "must be between 1 and 65535, inclusive",
      });
    }
    if (port.protocol !== undefined && !protocols.includes(port.protocol)) {
      errors.push({
        field: `${at}.protocol`,
        type: "FieldValueNotSupported",
        value: port.protocol,
        detail: `supported values: ${protocols.map((p) => `"${p}"`).join(", ")}`,
      });
    }
    if (typeof port.targetPort === "number" && (port.targetPort < 1 || port.targetPort > 65535)) {
      errors.push({
        field: `${at}.targetPort`,
        type: "FieldValueInvalid",
        value: port.targetPort,
        detail: "must be between 1 and 65535, inclusive",
      });
    }
  });
  return errors;
}

function allocate(used: Set<string>): string {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const n = 2 + Math.floor(Math.random() * 65_000);
    const ip = `${SUBNET_PREFIX}${Math.floor(n / 256)}.${n % 256}`;
    if (!used.has(ip) && !RESERVED.has(ip) && n % 256 !== 0 && n % 256 !== 255) return ip;
  }
  throw new Error("service IP range exhausted");
}

// kubectl's Service printer: "80/TCP", "80:31234/TCP" for node ports, joined by commas.
function formatPorts(ports: TServicePort[]): string {
  if (ports.length === 0) return "<none>";
  return ports.map((p) => `${String(p.port)}${p.nodePort ? `:${p.nodePort}` : ""}/${p.protocol ?? "TCP"}`).join(",");
}

function externalIp(item: TKubeObject): string {
  const spec = (item.spec ?? {}) as TServiceSpec;
  const external = spec.externalIPs ?? [];
  if (spec.type === "LoadBalancer") {
    const status = item.status as
      { loadBalancer?: { ingress?: Array<{ ip?: string; hostname?: string }> } } | undefined;
    const addresses = (status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname || "").filter(Boolean);
    const all = [...addresses, ...external];
    return all.length > 0 ? all.join(",") : "<pending>";
  }
  if (spec.type === "ExternalName") return typeof spec.externalName === "string" ? spec.externalName : "";
  return external.length > 0 ? external.join(",") : "<none>";
}
