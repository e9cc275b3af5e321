import { forbidden } from "../k8s-status";
import { refOf } from "../registry/kind";
import type { TAdmissionPlugin } from "./chain";
import type { TContainer, TPod } from "../types";

/** Pod Security Standards level, as set by the `pod-security.kubernetes.io/<mode>` namespace labels. */
export type TPodSecurityLevel = "privileged" | "baseline" | "restricted";

const baselineCapabilities = new Set([
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
]);
const restrictedVolumeTypes = new Set([
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "persistentVolumeClaim",
  "projected",
  "secret",
]);

const quoted = (names: string[]) => names.map((name) => `"${name}"`).join(", ");
const containerNoun = (names: string[]) => `${names.length === 1 ? "container" : "containers"} ${quoted(names)}`;
const stripCap = (capability: string) => capability.replace(/^CAP_/, "");

type TCheck = {
  id: string;
  level: "baseline" | "restricted";
  overrides?: string;
  run: (pod: TPod, containers: TContainer[]) => string | undefined;
};

const APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/";
const appArmorType = (context: unknown) =>
  (context as { appArmorProfile?: { type?: string } } | undefined)?.appArmorProfile?.type;

const checks: TCheck[] = [
  {
    // Allowed: no profile, RuntimeDefault or Localhost, as fields or deprecated annotations.
    id: "appArmorProfile",
    level: "baseline",
    run: (pod, containers) => {
      const bad = Object.entries(pod.metadata.annotations ?? {})
        .filter(
          ([key, value]) =>
            key.startsWith(APPARMOR_ANNOTATION) &&
            value !== "" &&
            value !== "runtime/default" &&
            !value.startsWith("localhost/"),
        )
        .map(([key, value]) => `${key}=${JSON.stringify(value)}`);
      if (appArmorType(pod.spec.securityContext) === "Unconfined")
        bad.push('pod must not set AppArmor profile type to "Unconfined"');
      const names = containers
        .filter((container) => appArmorType(container.securityContext) === "Unconfined")
        .map((container) => container.name);
      if (names.length > 0) bad.push(`${containerNoun(names)} must not set AppArmor profile type to "Unconfined"`);
      if (bad.length === 0) return undefined;
      return `${bad.length === 1 ? "forbidden AppArmor profile" : "forbidden AppArmor profiles"} (${bad.sort().join(", ")})`;
    },
  },
  {
    id: "capabilities_baseline",
    level: "baseline",
    run: (_pod, containers) => {
      const details = containers.flatMap((container) => {
        const extra = (container.securityContext?.capabilities?.add ?? []).filter(
          (capability) => !baselineCapabilities.has(stripCap(capability)),
        );
        return extra.length > 0
          ? [`container "${container.name}" must not include ${quoted(extra)} in securityContext.capabilities.add`]
          : [];
      });
      return details.length > 0 ? `non-default capabilities (${details.join("; ")})` : undefined;
    },
  },
  {
    id: "hostNamespaces",
    level: "baseline",
    run: (pod) => {
      const set = (["hostNetwork", "hostPID", "hostIPC"] as const)
        .filter((key) => pod.spec[key] === true)
        .map((key) => `${key}=true`);
      return set.length > 0 ? `host namespaces (${set.join(", ")})` : undefined;
    },
  },
  {
    id: "hostPathVolumes",
    level: "baseline",
    run: (pod) => {
      const names = (pod.spec.volumes ?? [])
        .filter((volume) => volume.hostPath !== undefined)
        .map((volume) => volume.name);
      return names.length > 0
        ? `hostPath volumes (${names.length === 1 ? "volume" : "volumes"} ${quoted(names)})`
        : undefined;
    },
  },
  {
    id: "hostPorts",
    level: "baseline",
    run: (_pod, containers) => {
      const users = containers.filter((container) =>
        (container.ports ?? []).some((port) => Number((port as { hostPort?: number }).hostPort ?? 0) !== 0),
      );
      if (users.length === 0) return undefined;
      const ports = users.flatMap((container) =>
        (container.ports ?? [])
          .map((port) => Number((port as { hostPort?: number }).hostPort ?? 0))
          .filter((port) => port !== 0),
      );
      return `hostPort (${containerNoun(users.map((container) => container.name))} ${users.length === 1 ? "uses" : "use"} ${ports.length === 1 ? "hostPort" : "hostPorts"} ${ports.join(", ")})`;
    },
  },
  {
    id: "privileged",
    level: "baseline",
    run: (_pod, containers) => {
      const names = containers
        .filter((container) => container.securityContext?.privileged === true)
        .map((container) => container.name);
      return names.length > 0
        ? `privileged (${containerNoun(names)} must not set securityContext.privileged=true)`
        : undefined;
    },
  },
  {
    id: "seccompProfile_baseline",
    level: "baseline",
    run: (pod, containers) => {
      const details: string[] = [];
      const podType = (pod.spec.securityContext as { seccompProfile?: { type?: string } } | undefined)?.seccompProfile
        ?.type;
      if (podType === "Unconfined")
        details.push('pod must not set securityContext.seccompProfile.type to "Unconfined"');
      const names = containers
        .filter(
          (container) =>
            (container.securityContext as { seccompProfile?: { type?: string } } | undefined)?.seccompProfile?.type ===
            "Unconfined",
        )
        .map((container) => container.name);
      if (names.length > 0)
        details.push(`${containerNoun(names)} must not set securityContext.seccompProfile.type to "Unconfined"`);
      return details.length > 0 ? `seccompProfile (${details.join("; ")})` : undefined;
    },
  },
  {
    id: "allowPrivilegeEscalation",
    level: "restricted",
    run: (_pod, containers) => {
      const names = containers
        .filter((container) => container.securityContext?.allowPrivilegeEscalation !== false)
        .map((container) => container.name);
      return names.length > 0
        ? `allowPrivilegeEscalation != false (${containerNoun(names)} must set securityContext.allowPrivilegeEscalation=false)`
        : undefined;
    },
  },
  {
    id: "capabilities_restricted",
    level: "restricted",
    overrides: "capabilities_baseline",
    run: (_pod, containers) => {
      const noDrop = containers
        .filter(
          (container) =>
            !(container.securityContext?.capabilities?.drop ?? []).some((capability) => stripCap(capability) === "ALL"),
        )
        .map((container) => container.name);
      const details: string[] = [];
      if (noDrop.length > 0)
        details.push(`${containerNoun(noDrop)} must set securityContext.capabilities.drop=["ALL"]`);
      for (const container of containers) {
        const extra = (container.securityContext?.capabilities?.add ?? []).filter(
          (capability) => stripCap(capability) !== "NET_BIND_SERVICE",
        );
        if (extra.length > 0)
          details.push(
            `container "${container.name}" must not include ${quoted(extra)} in securityContext.capabilities.add`,
          );
      }
      return details.length > 0 ? `unrestricted capabilities (${details.join("; ")})` : undefined;
    },
  },
  {
    id: "restrictedVolumes",
    level: "restricted",
    overrides: "hostPathVolumes",
    run: (pod) => {
      const bad = (pod.spec.volumes ?? []).flatMap((volume) => {
        const type = Object.keys(volume).find((key) => key !== "name");
        return type && !restrictedVolumeTypes.has(type)
          ? [`volume "${volume.name}" uses restricted volume type "${type}"`]
          : [];
      });
      return bad.length > 0 ? `restricted volume types (${bad.join("; ")})` : undefined;
    },
  },
  {
    id: "runAsNonRoot",
    level: "restricted",
    run: (pod, containers) => {
      const podValue = pod.spec.securityContext?.runAsNonRoot;
      const details: string[] = [];
      if (podValue === false) details.push("pod must not set securityContext.runAsNonRoot=false");
      const explicitFalse = containers
        .filter((container) => container.securityContext?.runAsNonRoot === false)
        .map((container) => container.name);
      if (explicitFalse.length > 0)
        details.push(`${containerNoun(explicitFalse)} must not set securityContext.runAsNonRoot=false`);
      if (podValue !== true) {
        const unset = containers
          .filter((container) => container.securityContext?.runAsNonRoot === undefined)
          .map((container) => container.name);
        if (unset.length > 0 && podValue === undefined)
          details.push(`pod or ${containerNoun(unset)} must set securityContext.runAsNonRoot=true`);
      }
      return details.length > 0 ? `runAsNonRoot != true (${details.join("; ")})` : undefined;
    },
  },
  {
    id: "runAsUser",
    level: "restricted",
    run: (pod, containers) => {
      const details: string[] = [];
      if (pod.spec.securityContext?.runAsUser === 0) details.push("pod must not set runAsUser=0");
      const names = containers
        .filter((container) => container.securityContext?.runAsUser === 0)
        .map((container) => container.name);
      if (names.length > 0) details.push(`${containerNoun(names)} must not set runAsUser=0`);
      return details.length > 0 ? `runAsUser=0 (${details.join("; ")})` : undefined;
    },
  },
  {
    id: "seccompProfile_restricted",
    level: "restricted",
    overrides: "seccompProfile_baseline",
    run: (pod, containers) => {
      const typeOf = (context: unknown) =>
        (context as { seccompProfile?: { type?: string } } | undefined)?.seccompProfile?.type;
      const podType = typeOf(pod.spec.securityContext);
      const allowed = (type: string | undefined) => type === "RuntimeDefault" || type === "Localhost";
      const details: string[] = [];
      if (podType !== undefined && !allowed(podType))
        details.push(`pod must not set securityContext.seccompProfile.type to "${podType}"`);
      const badExplicit = containers
        .filter(
          (container) => typeOf(container.securityContext) !== undefined && !allowed(typeOf(container.securityContext)),
        )
        .map((container) => container.name);
      if (badExplicit.length > 0)
        details.push(`${containerNoun(badExplicit)} must not set securityContext.seccompProfile.type to "Unconfined"`);
      if (podType === undefined) {
        const unset = containers
          .filter((container) => typeOf(container.securityContext) === undefined)
          .map((container) => container.name);
        if (unset.length > 0)
          details.push(
            `pod or ${containerNoun(unset)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
          );
      }
      return details.length > 0 ? `seccompProfile (${details.join("; ")})` : undefined;
    },
  },
];

/** Reads a namespace's `pod-security.kubernetes.io/<mode>` label; unknown values count as unset. */
export function podSecurityLevel(
  labels: Record<string, string> | undefined,
  mode: "enforce" | "warn" | "audit",
): TPodSecurityLevel | undefined {
  const value = labels?.[`pod-security.kubernetes.io/${mode}`];
  return value === "privileged" || value === "baseline" || value === "restricted" ? value : undefined;
}

/**
 * Violations of a Pod Security Standard, worded and ordered as the PodSecurity admission plugin
 * reports them (baseline checks first, then restricted ones).
 */
export function podSecurityViolations(level: TPodSecurityLevel, pod: TPod): string[] {
  if (level === "privileged") return [];
  const containers = [
    ...(pod.spec.initContainers ?? []),
    ...pod.spec.containers,
    ...((pod.spec.ephemeralContainers as TContainer[] | undefined) ?? []),
  ];
  const active = checks.filter((check) => level === "restricted" || check.level === "baseline");
  const overridden = new Set(active.map((check) => check.overrides).filter(Boolean));
  return active
    .filter((check) => !overridden.has(check.id))
    .flatMap((check) => {
      const result = check.run(pod, containers);
      return result ? [result] : [];
    });
}

/**
 * The PodSecurity admission plugin: the namespace's `warn` level adds a warning, its `enforce` level
 * denies with 403. `-version` labels are echoed; every check is that of `latest`.
 */
export const podSecurityAdmission: TAdmissionPlugin = {
  name: "PodSecurity",
  validate({ operation, kind, name, object, namespaceObject, subresource }) {
    // Pods on create, and the ephemeral containers added to one (the plugin checks that subresource too);
    // other pod updates cannot change what the checks read here.
    if (kind.group !== "" || kind.resource !== "pods") return [];
    if (operation !== "CREATE" && subresource !== "ephemeralcontainers") return [];
    const pod = object as TPod;
    const labels = namespaceObject?.metadata.labels;
    const standard = (mode: "enforce" | "warn") =>
      `${podSecurityLevel(labels, mode)}:${labels?.[`pod-security.kubernetes.io/${mode}-version`] ?? "latest"}`;
    const warnings: string[] = [];
    const warnLevel = podSecurityLevel(labels, "warn");
    const warnViolations = warnLevel ? podSecurityViolations(warnLevel, pod) : [];
    if (warnViolations.length > 0)
      warnings.push(`would violate PodSecurity "${standard("warn")}": ${warnViolations.join(", ")}`);
    const enforceLevel = podSecurityLevel(labels, "enforce");
    const violations = enforceLevel ? podSecurityViolations(enforceLevel, pod) : [];
    if (violations.length > 0)
      throw forbidden(refOf(kind), name, `violates PodSecurity "${standard("enforce")}": ${violations.join(", ")}`);
    return warnings;
  },
};
