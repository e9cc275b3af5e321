import path from "node:path";
import { nodeName } from "../host";
import { clusterDomain } from "../network/addresses";
import type { TPodSandbox } from "../network/node-network";
import type { TContainer, TPod } from "../types";
import { nodeSecurity, securityOptArgs, type TNodeSecurity } from "./security-profiles";
import { isApiDataVolume } from "./volume-files";

/** Where one pod volume lives on the host; emptyDirs are plain directories or tmpfs mounts. */
export type TVolumePaths = Record<string, string>;

/** Why a container cannot be created, as kubelet reports it in `waiting.reason/message`. */
export type TConfigProblem = { reason: "CreateContainerConfigError"; message: string };

/** Effective security settings of a container: the container's own context wins over the pod's. */
export function effectiveSecurity(pod: TPod, container: TContainer) {
  const podContext = pod.spec.securityContext ?? {};
  const own = container.securityContext ?? {};
  return {
    runAsUser: own.runAsUser ?? podContext.runAsUser,
    runAsGroup: own.runAsGroup ?? podContext.runAsGroup,
    runAsNonRoot: own.runAsNonRoot ?? podContext.runAsNonRoot,
    privileged: own.privileged === true,
    readOnlyRootFilesystem: own.readOnlyRootFilesystem === true,
    allowPrivilegeEscalation: own.allowPrivilegeEscalation,
    capabilities: own.capabilities,
  };
}

/**
 * kubelet's runAsNonRoot check, done before creating the container: it refuses when the image would
 * run as root and no non-zero runAsUser is given.
 */
export function runAsNonRootProblem(pod: TPod, container: TContainer, imageUser: string): TConfigProblem | undefined {
  const security = effectiveSecurity(pod, container);
  if (security.runAsNonRoot !== true) return undefined;
  const podRef = `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
  if (security.runAsUser !== undefined) {
    if (security.runAsUser === 0)
      return {
        reason: "CreateContainerConfigError",
        message: `container's runAsUser breaks non-root policy (pod: "${podRef}", container: ${container.name})`,
      };
    return undefined;
  }
  const user = imageUser.split(":")[0] ?? "";
  if (user === "" || user === "0" || user === "root") {
    return {
      reason: "CreateContainerConfigError",
      message: `container has runAsNonRoot and image will run as root (pod: "${podRef}", container: ${container.name})`,
    };
  }
  if (!/^\d+$/.test(user)) {
    return {
      reason: "CreateContainerConfigError",
      message: `container has runAsNonRoot and image has non-numeric user (${user}), cannot verify user is non-root (pod: "${podRef}", container: ${container.name})`,
    };
  }
  return undefined;
}

/** Names of volume kinds the test cluster can mount; others make the container fail to start. */
export function unsupportedVolume(pod: TPod, container: TContainer): TConfigProblem | undefined {
  for (const mount of container.volumeMounts ?? []) {
    const volume = pod.spec.volumes?.find((candidate) => candidate.name === mount.name);
    if (!volume) continue;
    const kinds = Object.keys(volume).filter((key) => key !== "name");
    if (kinds.length === 1 && (kinds[0] === "emptyDir" || isApiDataVolume(volume))) continue;
    return {
      reason: "CreateContainerConfigError",
      message: `volume "${mount.name}" of type ${kinds.join(",") || "<none>"} is not implemented by the podman test cluster (emptyDir, secret, configMap, downwardAPI and projected are)`,
    };
  }
  return undefined;
}

/** `podman run` arguments for one container of a pod (everything between `run -d` and the image). */
export function podmanRunArgs(input: {
  pod: TPod;
  container: TContainer;
  containerName: string;
  labels: Record<string, string>;
  volumes: TVolumePaths;
  imageRef: string;
  /** The pod's network namespace (its sandbox); without one the container gets no network at all. */
  sandbox?: TPodSandbox;
  /** The container's environment as the kubelet resolved it (valueFrom, envFrom); `env[].value` otherwise. */
  env?: Array<{ name: string; value: string }>;
  /** The pod's hosts file: kubelet-managed, or the node's for hostNetwork pods. */
  hostsFile?: string;
  /** The pod's resolv.conf, as the kubelet computes it from dnsPolicy and dnsConfig. */
  resolvConf?: string;
  /** What the node enforces (AppArmor, where Localhost seccomp profiles live); this host's by default. */
  node?: TNodeSecurity;
}): string[] {
  const { pod, container } = input;
  const security = effectiveSecurity(pod, container);
  // Every container of a pod joins the pod's sandbox network namespace (the node's for hostNetwork pods),
  // so they share an address and localhost, as containers in a pod do.
  const args = [
    "--name",
    input.containerName,
    "--network",
    input.sandbox ? `ns:${input.sandbox.netnsPath}` : "none",
    "--log-driver",
    "k8s-file",
    "--hostname",
    pod.spec.hostNetwork ? nodeName : podHostname(pod),
  ];
  if (pod.spec.hostPID) args.push("--pid", "host");
  if (pod.spec.hostIPC) args.push("--ipc", "host");
  for (const [key, value] of Object.entries(input.labels)) args.push("--label", `${key}=${value}`);
  // Kubernetes adds no tmpfs on /run, /tmp or /var/tmp; podman does unless told not to.
  if (security.readOnlyRootFilesystem) args.push("--read-only", "--read-only-tmpfs=false");
  if (security.privileged) args.push("--privileged");
  if (security.runAsUser !== undefined)
    args.push(
      "--user",
      security.runAsGroup !== undefined ? `${security.runAsUser}:${security.runAsGroup}` : String(security.runAsUser),
    );
  else if (security.runAsGroup !== undefined) args.push("--group-add", String(security.runAsGroup));
  for (const group of pod.spec.securityContext?.supplementalGroups ?? []) args.push("--group-add", String(group));
  if (pod.spec.securityContext?.fsGroup !== undefined)
    args.push("--group-add", String(pod.spec.securityContext.fsGroup));
  if (security.allowPrivilegeEscalation === false) args.push("--security-opt", "no-new-privileges");
  args.push(...securityOptArgs(pod, container, input.node ?? nodeSecurity()));
  for (const capability of security.capabilities?.drop ?? []) args.push("--cap-drop", capability);
  for (const capability of security.capabilities?.add ?? []) args.push("--cap-add", capability);
  for (const env of input.env ?? container.env ?? []) args.push("--env", `${env.name}=${env.value ?? ""}`);
  if (container.workingDir) args.push("--workdir", container.workingDir);
  // `kubectl run -i` / `kubectl attach` need the main process's stdin kept open.
  if (container.stdin === true) args.push("--interactive");
  if (container.tty === true) args.push("--tty");
  // kubelet mounts its managed /etc/hosts read-write, whatever readOnlyRootFilesystem says (podman's
  // own would follow --read-only); a volume the pod mounts there itself wins.
  const mountsAt = (target: string) => (container.volumeMounts ?? []).some((mount) => mount.mountPath === target);
  if (input.hostsFile && !mountsAt("/etc/hosts")) args.push("--volume", `${input.hostsFile}:/etc/hosts:rw`);
  // containerd mounts the sandbox's resolv.conf read-only when the root filesystem is.
  if (input.resolvConf && !mountsAt("/etc/resolv.conf"))
    args.push("--volume", `${input.resolvConf}:/etc/resolv.conf:${security.readOnlyRootFilesystem ? "ro" : "rw"}`);
  for (const mount of container.volumeMounts ?? []) {
    const hostPath = input.volumes[mount.name];
    if (hostPath === undefined) continue;
    // The kubelet mounts secret, configMap, downwardAPI and projected volumes read-only whatever the mount says.
    const volume = pod.spec.volumes?.find((candidate) => candidate.name === mount.name);
    const readOnly = mount.readOnly === true || (volume !== undefined && isApiDataVolume(volume));
    const source = mount.subPath ? path.join(hostPath, mount.subPath) : hostPath;
    args.push("--volume", `${source}:${mount.mountPath}:${readOnly ? "ro" : "rw"}`);
  }
  // Kubernetes' command replaces the image ENTRYPOINT and drops its CMD; args replace only CMD.
  if (container.command && container.command.length > 0) {
    args.push("--entrypoint", JSON.stringify(container.command));
  }
  args.push(input.imageRef);
  if (container.args && container.args.length > 0) args.push(...container.args);
  return args;
}

/** The pod's hostname: `spec.hostname`, else its name, cut to 63 characters as the kubelet does. */
export function podHostname(pod: TPod): string {
  const hostname = (pod.spec.hostname as string | undefined) || pod.metadata.name || "pod";
  return hostname.slice(0, 63).replace(/[-.]+$/, "");
}

/**
 * The hosts file kubelet writes for a pod without hostNetwork (kubelet_pods.go managedHostsFileContent):
 * localhost lines, the pod's own address with its hostname (fully qualified when it has a subdomain), then
 * the pod's hostAliases.
 */
export function managedHostsFile(pod?: TPod, podIp?: string): string {
  const lines = [
    "# Kubernetes-managed hosts file.",
    "127.0.0.1\tlocalhost",
    "::1\tlocalhost ip6-localhost ip6-loopback",
    "fe00::0\tip6-localnet",
    "fe00::0\tip6-mcastprefix",
    "fe00::1\tip6-allnodes",
    "fe00::2\tip6-allrouters",
  ];
  if (pod && podIp) {
    const hostname = podHostname(pod);
    const subdomain = pod.spec.subdomain as string | undefined;
    lines.push(
      subdomain
        ? `${podIp}\t${hostname}.${subdomain}.${pod.metadata.namespace ?? "default"}.svc.${clusterDomain}\t${hostname}`
        : `${podIp}\t${hostname}`,
    );
  }
  return [...lines, ...hostAliasLines(pod), ""].join("\n");
}

/** The "# Entries added by HostAliases." block kubelet appends to a pod's hosts file. */
export function hostAliasLines(pod?: TPod): string[] {
  const aliases = (pod?.spec.hostAliases as Array<{ ip?: string; hostnames?: string[] }> | undefined) ?? [];
  if (aliases.length === 0) return [];
  return [
    "",
    "# Entries added by HostAliases.",
    ...aliases.map((alias) => `${alias.ip ?? ""}\t${(alias.hostnames ?? []).join("\t")}`),
  ];
}
