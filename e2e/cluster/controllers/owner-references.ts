import type { TKubeObject } from "../types";

/** One entry of `metadata.ownerReferences`. */
export type TOwnerReference = {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
};

/** The reference a controller puts on what it creates or adopts (controller and blockOwnerDeletion, as upstream). */
export function controllerReference(owner: TKubeObject): TOwnerReference {
  return {
    apiVersion: owner.apiVersion ?? "",
    kind: owner.kind ?? "",
    name: owner.metadata.name ?? "",
    uid: owner.metadata.uid ?? "",
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The managing controller's reference of an object, if it has one. */
export function controllerOf(object: TKubeObject): TOwnerReference | undefined {
  const references = object.metadata.ownerReferences as TOwnerReference[] | undefined;
  return references?.find((reference) => reference.controller === true);
}

/** True when `object` is controlled by `owner` (same uid). */
export function isControlledBy(object: TKubeObject, owner: TKubeObject): boolean {
  return controllerOf(object)?.uid === owner.metadata.uid;
}

/** `object` with `owner` as its controller (adoption). */
export function withController(object: TKubeObject, owner: TKubeObject): TKubeObject {
  const references = (object.metadata.ownerReferences as TOwnerReference[] | undefined) ?? [];
  return {
    ...object,
    metadata: { ...object.metadata, ownerReferences: [...references, controllerReference(owner)] },
  };
}

/** `object` without `owner` among its references (release, when it no longer matches the selector). */
export function withoutOwner(object: TKubeObject, owner: TKubeObject): TKubeObject {
  const references = ((object.metadata.ownerReferences as TOwnerReference[] | undefined) ?? []).filter(
    (reference) => reference.uid !== owner.metadata.uid,
  );
  const { ownerReferences: _dropped, ...metadata } = object.metadata;
  return { ...object, metadata: references.length ? { ...metadata, ownerReferences: references } : metadata };
}
