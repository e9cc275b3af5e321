import { randomInt } from "node:crypto";
import { chmodSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { TKubeObject, TPod, TVolume } from "../types";

/** What the kubelet reads from the API server to fill a pod's volumes and environment. */
export type TPodObjects = {
  /** A Secret or ConfigMap of the pod's namespace, or undefined when there is none. */
  get(resource: "secrets" | "configmaps", name: string): TKubeObject | undefined;
  /** A token bound to the pod (TokenRequest); throws with the API server's message when refused. */
  token(audience: string | undefined, expirationSeconds: number): string;
};

/** One file of a volume: its path inside the volume, its bytes and its mode. */
export type TVolumeFile = { path: string; content: Buffer; mode: number };

/** A volume the kubelet cannot set up yet (a missing Secret, key or ConfigMap): retried, never run without. */
export class MountError extends Error {
  volume = "";
}

type TKeyToPath = { key?: string; path?: string; mode?: number };
type TLocalRef = { name?: string; items?: TKeyToPath[]; optional?: boolean };
type TFieldRef = { fieldPath?: string };
type TDownwardItem = { path?: string; fieldRef?: TFieldRef; mode?: number; resourceFieldRef?: unknown };
type TProjection = {
  secret?: TLocalRef;
  configMap?: TLocalRef;
  downwardAPI?: { items?: TDownwardItem[] };
  serviceAccountToken?: { audience?: string; expirationSeconds?: number; path?: string };
  clusterTrustBundle?: unknown;
};

/** The kinds of volume whose files the kubelet writes itself; always mounted read-only (since Kubernetes 1.10). */
export const apiDataVolumeKinds = ["secret", "configMap", "projected", "downwardAPI"] as const;

/** Whether the kubelet writes this volume's content from API objects (and so mounts it read-only). */
export function isApiDataVolume(volume: TVolume): boolean {
  return apiDataVolumeKinds.some((kind) => volume[kind] !== undefined);
}

const defaultMode = 0o644;

function decoded(object: TKubeObject, binary: boolean): Map<string, Buffer> {
  const entries = new Map<string, Buffer>();
  const data = (object as { data?: Record<string, string> }).data ?? {};
  for (const [key, value] of Object.entries(data))
    entries.set(key, binary ? Buffer.from(value, "base64") : Buffer.from(value, "utf8"));
  const binaryData = (object as { binaryData?: Record<string, string> }).binaryData ?? {};
  for (const [key, value] of Object.entries(binaryData)) entries.set(key, Buffer.from(value, "base64"));
  return entries;
}

// pkg/volume/secret and pkg/volume/configmap: every key as a file, or only the listed items with their paths.
function keyFiles(
  kind: "secret" | "configmap",
  name: string,
  objects: TPodObjects,
  ref: TLocalRef,
  mode: number,
): TVolumeFile[] {
  const object = objects.get(kind === "secret" ? "secrets" : "configmaps", name);
  if (!object) {
    if (ref.optional === true) return [];
    throw new MountError(`${kind} "${name}" not found`);
  }
  const entries = decoded(object, kind === "secret");
  if (!ref.items || ref.items.length === 0) return [...entries].map(([key, content]) => ({ path: key, content, mode }));
  return ref.items
    .map((item) => {
      const content = entries.get(item.key ?? "");
      if (content === undefined) {
        if (ref.optional === true) return undefined;
        throw new MountError(
          kind === "secret"
            ? `references non-existent secret key: ${item.key ?? ""}`
            : `configmap references non-existent config key: ${item.key ?? ""}`,
        );
      }
      return { path: item.path ?? item.key ?? "", content, mode: item.mode ?? mode };
    })
    .filter((file): file is TVolumeFile => file !== undefined);
}

/** The value of a downward API `fieldRef` (also used for `env.valueFrom.fieldRef`), or undefined if unsupported. */
export function fieldRefValue(pod: TPod, fieldPath: string): string | undefined {
  const labelOrAnnotation = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
  if (labelOrAnnotation) {
    const map = labelOrAnnotation[1] === "labels" ? pod.metadata.labels : pod.metadata.annotations;
    return map?.[labelOrAnnotation[2] ?? ""] ?? "";
  }
  const asLines = (map: Record<string, string> | undefined) =>
    Object.entries(map ?? {})
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
      .join("\n");
  switch (fieldPath) {
    case "metadata.name":
      return pod.metadata.name ?? "";
    case "metadata.namespace":
      return pod.metadata.namespace ?? "";
    case "metadata.uid":
      return pod.metadata.uid ?? "";
    case "metadata.labels":
      return asLines(pod.metadata.labels);
    case "metadata.annotations":
      return asLines(pod.metadata.annotations);
    case "spec.nodeName":
      return pod.spec.nodeName ?? "";
    case "spec.serviceAccountName":
      return (pod.spec as { serviceAccountName?: string }).serviceAccountName ?? "";
    case "status.hostIP":
    case "status.hostIPs":
      return (pod.status as { hostIP?: string } | undefined)?.hostIP ?? "127.0.0.1";
    case "status.podIP":
    case "status.podIPs":
      return (pod.status as { podIP?: string } | undefined)?.podIP ?? "";
    default:
      return undefined;
  }
}

function downwardFiles(pod: TPod, items: TDownwardItem[], mode: number): TVolumeFile[] {
  return items.map((item) => {
    const fieldPath = item.fieldRef?.fieldPath ?? "";
    const value = item.fieldRef ? fieldRefValue(pod, fieldPath) : undefined;
    if (value === undefined)
      throw new MountError(
        `the podman test cluster does not implement this downward API item (${item.fieldRef ? fieldPath : "resourceFieldRef"})`,
      );
    return { path: item.path ?? "", content: Buffer.from(value), mode: item.mode ?? mode };
  });
}

/** The files of one secret, configMap, downwardAPI or projected volume, as the kubelet would write them. */
export function volumeFiles(pod: TPod, volume: TVolume, objects: TPodObjects): TVolumeFile[] {
  if (volume.secret) {
    const source = volume.secret as TLocalRef & { secretName?: string; defaultMode?: number };
    return keyFiles("secret", source.secretName ?? "", objects, source, source.defaultMode ?? defaultMode);
  }
  if (volume.configMap) {
    const source = volume.configMap as TLocalRef & { defaultMode?: number };
    return keyFiles("configmap", source.name ?? "", objects, source, source.defaultMode ?? defaultMode);
  }
  if (volume.downwardAPI) {
    const source = volume.downwardAPI as { items?: TDownwardItem[]; defaultMode?: number };
    return downwardFiles(pod, source.items ?? [], source.defaultMode ?? defaultMode);
  }
  const projected = volume.projected as { sources?: TProjection[]; defaultMode?: number } | undefined;
  if (!projected) return [];
  const mode = projected.defaultMode ?? defaultMode;
  const files: TVolumeFile[] = [];
  for (const source of projected.sources ?? []) {
    if (source.secret) files.push(...keyFiles("secret", source.secret.name ?? "", objects, source.secret, mode));
    else if (source.configMap)
      files.push(...keyFiles("configmap", source.configMap.name ?? "", objects, source.configMap, mode));
    else if (source.downwardAPI) files.push(...downwardFiles(pod, source.downwardAPI.items ?? [], mode));
    else if (source.serviceAccountToken) {
      const token = source.serviceAccountToken;
      const content = Buffer.from(objects.token(token.audience, token.expirationSeconds ?? 3600));
      files.push({ path: token.path ?? "token", content, mode });
    } else
      throw new MountError(
        "the podman test cluster does not implement this projected volume source (clusterTrustBundle)",
      );
  }
  return files;
}

// The atomic writer's timestamped directory name: `..` and the time with a random suffix (pkg/volume/util/atomic_writer.go).
function timestampedDirName(now: Date): string {
  const pad = (value: number, width = 2) => String(value).padStart(width, "0");
  const stamp = `${now.getUTCFullYear()}_${pad(now.getUTCMonth() + 1)}_${pad(now.getUTCDate())}_${pad(now.getUTCHours())}_${pad(now.getUTCMinutes())}_${pad(now.getUTCSeconds())}`;
  return `..${stamp}.${randomInt(1_000_000_000, 4_000_000_000)}`;
}

/**
 * Writes `files` into `dir` with the kubelet's atomic writer layout: the files with their modes in a
 * `..<timestamp>` directory, a `..data` symlink to it, and one symlink per top-level name into `..data`,
 * so `ls -l` shows `password -> ..data/password` as on a real node.
 */
export function writeVolumeFiles(dir: string, files: TVolumeFile[], now = new Date()): void {
  const stamped = timestampedDirName(now);
  const target = path.join(dir, stamped);
  mkdirSync(target, { recursive: true, mode: 0o755 });
  chmodSync(target, 0o755);
  const topLevel = new Set<string>();
  for (const file of files) {
    const relative = path.normalize(file.path);
    const where = path.join(target, relative);
    mkdirSync(path.dirname(where), { recursive: true, mode: 0o755 });
    writeFileSync(where, file.content, { mode: file.mode });
    // writeFileSync's mode is masked by the umask; the kubelet sets it exactly.
    chmodSync(where, file.mode);
    topLevel.add(relative.split(path.sep)[0] ?? relative);
  }
  const link = path.join(dir, "..data_tmp");
  rmSync(link, { force: true });
  symlinkSync(stamped, link);
  renameSync(link, path.join(dir, "..data"));
  for (const name of topLevel) symlinkSync(path.join("..data", name), path.join(dir, name));
}
