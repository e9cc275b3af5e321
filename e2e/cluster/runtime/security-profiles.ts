import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { instanceDir } from "../host";
import type { TContainer, TPod } from "../types";

/**
 * The node's seccomp profile directory as the kubelet names it: a Localhost profile's
 * `localhostProfile` is a path relative to `<kubelet root>/seccomp` (default root /var/lib/kubelet).
 */
export const NODE_SECCOMP_ROOT = "/var/lib/kubelet/seccomp";

/** Where this test cluster keeps that directory on the host (a kind node keeps it inside its container). */
export const hostSeccompDir = path.join(instanceDir, "node", "var", "lib", "kubelet", "seccomp");

export type TProfile = { type?: string; localhostProfile?: string };

/** What the node can enforce, decided once per process as the kubelet decides at start-up. */
export type TNodeSecurity = { appArmor: boolean; seccompDir: string };

let appArmorOnHost: boolean | undefined;

/**
 * Whether this host can enforce AppArmor, tested the way runc (and so the kubelet) does: securityfs
 * shows /sys/kernel/security/apparmor and the module parameter says Y. The kubelet checks once, at
 * start-up, and never again.
 */
export function hostHasAppArmor(): boolean {
  if (appArmorOnHost === undefined) {
    try {
      appArmorOnHost =
        existsSync("/sys/kernel/security/apparmor") &&
        readFileSync("/sys/module/apparmor/parameters/enabled", "utf8").startsWith("Y");
    } catch {
      appArmorOnHost = false;
    }
  }
  return appArmorOnHost;
}

/** This node's security features: the host's AppArmor and this instance's seccomp directory. */
export function nodeSecurity(): TNodeSecurity {
  return { appArmor: hostHasAppArmor(), seccompDir: hostSeccompDir };
}

function profileAt(context: unknown, key: "seccompProfile" | "appArmorProfile"): TProfile | undefined {
  if (!context || typeof context !== "object") return undefined;
  const value = (context as Record<string, unknown>)[key];
  return value && typeof value === "object" ? value : undefined;
}

/** The seccomp profile a container runs with: its own, else the pod's, else none (the kubelet's default). */
export function effectiveSeccomp(pod: TPod, container: TContainer): TProfile | undefined {
  return (
    profileAt(container.securityContext, "seccompProfile") ?? profileAt(pod.spec.securityContext, "seccompProfile")
  );
}

/** The AppArmor profile a container asks for: its own field, else the pod's (fields only; the API server syncs annotations into fields). */
export function effectiveAppArmor(pod: TPod, container: TContainer): TProfile | undefined {
  return (
    profileAt(container.securityContext, "appArmorProfile") ?? profileAt(pod.spec.securityContext, "appArmorProfile")
  );
}

const DEPRECATED_APPARMOR_PREFIX = "container.apparmor.security.beta.kubernetes.io/";

/**
 * The kubelet's test for "this pod needs AppArmor" (pkg/security/apparmor): any profile other than
 * Unconfined at pod or container level, or a deprecated annotation other than `unconfined`.
 */
export function appArmorRequired(pod: TPod): boolean {
  const podProfile = profileAt(pod.spec.securityContext, "appArmorProfile");
  if (podProfile && podProfile.type !== "Unconfined") return true;
  const containers = [
    ...(pod.spec.initContainers ?? []),
    ...pod.spec.containers,
    ...((pod.spec.ephemeralContainers as TContainer[] | undefined) ?? []),
  ];
  if (
    containers.some((container) => {
      const own = profileAt(container.securityContext, "appArmorProfile");
      return own !== undefined && own.type !== "Unconfined";
    })
  )
    return true;
  return Object.entries(pod.metadata.annotations ?? {}).some(
    ([key, value]) => key.startsWith(DEPRECATED_APPARMOR_PREFIX) && value !== "unconfined",
  );
}

/** Why the kubelet refuses to run a pod at all (its admit handlers), or null. */
export type TNodeRejection = { reason: string; message: string };

/**
 * The kubelet's pod admission on this node. A node without AppArmor refuses every pod that asks for a
 * profile: the pod fails with reason `AppArmor` and never gets a container.
 */
export function nodeRejection(pod: TPod, node: Pick<TNodeSecurity, "appArmor">): TNodeRejection | null {
  if (!node.appArmor && appArmorRequired(pod)) {
    return { reason: "AppArmor", message: "Cannot enforce AppArmor: AppArmor is not enabled on the host" };
  }
  return null;
}

/** Why containerd cannot create a container (the kubelet reports CreateContainerError with its words). */
export function seccompProblem(
  pod: TPod,
  container: TContainer,
  node: Pick<TNodeSecurity, "seccompDir">,
): { reason: "CreateContainerError"; message: string } | undefined {
  const profile = effectiveSeccomp(pod, container);
  if (profile?.type !== "Localhost" || !profile.localhostProfile || isPrivileged(container)) return undefined;
  if (existsSync(path.join(node.seccompDir, profile.localhostProfile))) return undefined;
  // containerd (kind sets base_runtime_spec, hence "failed to apply OCI options") reading the file the kubelet named.
  const nodePath = path.posix.join(NODE_SECCOMP_ROOT, profile.localhostProfile);
  const id = containerIdFor(pod, container);
  return {
    reason: "CreateContainerError",
    message: `failed to generate container "${id}" spec: failed to apply OCI options: cannot load seccomp profile "${nodePath}": open ${nodePath}: no such file or directory`,
  };
}

function isPrivileged(container: TContainer): boolean {
  return container.securityContext?.privileged === true;
}

// A stable 64-hex stand-in for the container id containerd would have generated.
function containerIdFor(pod: TPod, container: TContainer): string {
  const seed = `${pod.metadata.uid ?? ""}/${container.name}`;
  let hex = "";
  for (let i = 0; hex.length < 64; i++) {
    let h = 2166136261 ^ i;
    for (const char of seed) h = Math.imul(h ^ char.charCodeAt(0), 16777619);
    hex += (h >>> 0).toString(16).padStart(8, "0");
  }
  return hex.slice(0, 64);
}

/**
 * `podman run --security-opt` values for a container's seccomp and AppArmor profiles, mapped the way
 * the kubelet and containerd apply them: no profile means Unconfined seccomp (the kubelet's default
 * while `seccompDefault` is off, as on kind), RuntimeDefault is the runtime's default filter (podman's
 * stands in for containerd's), Localhost reads the node's file; privileged containers get neither.
 */
export function securityOptArgs(pod: TPod, container: TContainer, node: TNodeSecurity): string[] {
  if (isPrivileged(container)) return [];
  const args: string[] = [];
  const seccomp = effectiveSeccomp(pod, container);
  if (seccomp === undefined || seccomp.type === "Unconfined") args.push("--security-opt", "seccomp=unconfined");
  else if (seccomp.type === "Localhost" && seccomp.localhostProfile)
    args.push("--security-opt", `seccomp=${path.join(node.seccompDir, seccomp.localhostProfile)}`);
  if (node.appArmor) {
    // containerd applies its default AppArmor profile unless told otherwise; podman does the same with its own.
    const appArmor = effectiveAppArmor(pod, container);
    if (appArmor?.type === "Unconfined") args.push("--security-opt", "apparmor=unconfined");
    else if (appArmor?.type === "Localhost" && appArmor.localhostProfile)
      args.push("--security-opt", `apparmor=${appArmor.localhostProfile}`);
  }
  return args;
}

/** On a node with AppArmor, containerd refuses a Localhost profile the kernel has not loaded. */
export function appArmorProblem(
  pod: TPod,
  container: TContainer,
  node: Pick<TNodeSecurity, "appArmor">,
  loadedProfiles: () => string = () => readFileSync("/sys/kernel/security/apparmor/profiles", "utf8"),
): { reason: "CreateContainerError"; message: string } | undefined {
  if (!node.appArmor || isPrivileged(container)) return undefined;
  const profile = effectiveAppArmor(pod, container);
  if (profile?.type !== "Localhost" || !profile.localhostProfile) return undefined;
  const name = profile.localhostProfile;
  // The file lists one "name (mode)" per line.
  const loaded = loadedProfiles()
    .split("\n")
    .some((line) => line.replace(/ \([a-z]+\)$/, "") === name);
  if (loaded) return undefined;
  return {
    reason: "CreateContainerError",
    message: `failed to generate apparmor spec opts: apparmor profile not found ${name}`,
  };
}
