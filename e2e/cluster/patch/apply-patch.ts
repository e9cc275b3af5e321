import type { TKind } from "../registry/kind";
import { jsonPatch } from "./json-patch";
import { mergePatch } from "./merge-patch";
import { podSpecMergeKeys, strategicMergePatch } from "./strategic-merge-patch";

/**
 * Applies a PATCH body by its content type: JSON patch, strategic merge, or JSON merge (also used for
 * server-side apply, which this cluster treats as a merge without field ownership).
 */
export function applyPatch(kind: TKind, existing: unknown, patch: unknown, contentType: string): unknown {
  if (/json-patch/.test(contentType)) return jsonPatch(existing, patch);
  if (/strategic-merge-patch/.test(contentType))
    return strategicMergePatch(existing, patch, { ...podSpecMergeKeys, ...kind.mergeKeys });
  return mergePatch(existing, patch);
}
