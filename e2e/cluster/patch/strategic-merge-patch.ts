import { isRecord } from "../is-record";

/**
 * Merge keys of the PodSpec lists learners patch, which every kind embedding a pod template shares; other
 * lists are replaced, as strategic merge does for lists without a patch strategy. Kinds add their own
 * through `TKind.mergeKeys`.
 */
export const podSpecMergeKeys: Readonly<Record<string, string>> = {
  containers: "name",
  initContainers: "name",
  ephemeralContainers: "name",
  volumes: "name",
  volumeMounts: "mountPath",
  env: "name",
  ports: "containerPort",
  imagePullSecrets: "name",
};

/** Strategic merge patch: merges keyed lists (by field name), honours `$patch: delete`, drops other directives. */
export function strategicMergePatch(
  target: unknown,
  patch: unknown,
  mergeKeys: Readonly<Record<string, string>> = podSpecMergeKeys,
): unknown {
  if (!isRecord(patch)) return patch;
  const result: Record<string, unknown> = isRecord(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith("$")) continue;
    if (value === null) {
      delete result[key];
      continue;
    }
    const mergeKey = mergeKeys[key];
    const existing = result[key];
    if (mergeKey && Array.isArray(value) && Array.isArray(existing)) {
      const merged = [...(existing as unknown[])];
      for (const item of value) {
        if (!isRecord(item)) continue;
        const index = merged.findIndex((entry) => isRecord(entry) && entry[mergeKey] === item[mergeKey]);
        if (item.$patch === "delete") {
          if (index >= 0) merged.splice(index, 1);
        } else if (index >= 0) {
          merged[index] = strategicMergePatch(merged[index], item, mergeKeys);
        } else {
          merged.push(strategicMergePatch({}, item, mergeKeys));
        }
      }
      result[key] = merged;
      continue;
    }
    result[key] = isRecord(value) ? strategicMergePatch(existing, value, mergeKeys) : value;
  }
  return result;
}
