import { humanAge } from "../clock";
import { invalid } from "../k8s-status";
import { crudVerbs, type TKind } from "../registry/kind";
import { column } from "../server/table";
import { leaf, map, objectMeta, unknownFieldsIn, type TShape } from "./field-schema";
import { podSpec } from "./pod-schema";
import {
  carryGenerationAndStatus,
  containerCells,
  defaultPodTemplate,
  immutableSelector,
  selectorString,
  validateWorkload,
  validateWorkloadSpec,
  type TWorkload,
} from "./pod-template";
import { scaleSubresource } from "./scale";

/** What a ReplicaSet's status reports (written by the ReplicaSet controller). */
export type TReplicaSetStatus = {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: { type: string; status: string; lastTransitionTime: string; reason: string; message: string }[];
};

export type TReplicaSet = TWorkload & { status?: TReplicaSetStatus };

const shape: TShape = {
  fields: {
    apiVersion: leaf,
    kind: leaf,
    metadata: objectMeta,
    spec: {
      fields: {
        replicas: leaf,
        minReadySeconds: leaf,
        selector: map,
        template: { fields: { metadata: objectMeta, spec: podSpec } },
      },
    },
    status: map,
  },
};

/** apps/v1 ReplicaSet: keeps `replicas` pods of its template running (controllers/replica-set-controller.ts). */
export const replicaSetKind: TKind = {
  group: "apps",
  version: "v1",
  kind: "ReplicaSet",
  resource: "replicasets",
  singular: "replicaset",
  namespaced: true,
  verbs: [...crudVerbs, "deletecollection"],
  shortNames: ["rs"],
  categories: ["all"],
  validate: (object) => validateWorkload(object),
  unknownFields: (body) => unknownFieldsIn(body, shape),
  prepareForCreate(object) {
    const replicaSet = object as TReplicaSet;
    replicaSet.spec.replicas ??= 1;
    defaultPodTemplate(replicaSet.spec.template);
    replicaSet.metadata.generation = 1;
    // `replicas` is the one status field Go always writes.
    replicaSet.status = { replicas: 0 };
  },
  prepareForUpdate(next, existing, context) {
    const after = next as TReplicaSet;
    const before = existing as TReplicaSet;
    const name = existing.metadata.name ?? "";
    if (context.subresource !== "status") {
      after.spec.replicas ??= 1;
      if (after.spec.template) defaultPodTemplate(after.spec.template);
      const errors = [...validateWorkloadSpec(after.spec), ...immutableSelector(after, before)];
      if (errors.length > 0) throw invalid("ReplicaSet", { resource: "replicasets", group: "apps" }, name, errors);
    }
    carryGenerationAndStatus(after, before, context.subresource);
  },
  table: {
    columns: [
      column("Name", "string", "name"),
      column("Desired", "integer"),
      column("Current", "integer"),
      column("Ready", "integer"),
      column("Age"),
      column("Containers", "string", "", 1),
      column("Images", "string", "", 1),
      column("Selector", "string", "", 1),
    ],
    cells: (item, now) => {
      const replicaSet = item as TReplicaSet;
      const [containers, images] = containerCells(replicaSet.spec.template);
      return [
        replicaSet.metadata.name,
        replicaSet.spec.replicas ?? 1,
        replicaSet.status?.replicas ?? 0,
        replicaSet.status?.readyReplicas ?? 0,
        humanAge(replicaSet.metadata.creationTimestamp, now),
        containers,
        images,
        selectorString(replicaSet.spec.selector),
      ];
    },
  },
  subresources: { scale: scaleSubresource(() => replicaSetKind) },
};
