import { humanAge } from "../clock";
import { isRecord } from "../is-record";
import { invalid, type TFieldError } from "../k8s-status";
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
import { decodeMessage, deploymentMessage } from "./workload-protobuf";

/** A condition of a Deployment's status (Available, Progressing, ReplicaFailure). */
export type TDeploymentCondition = {
  type: string;
  status: "True" | "False" | "Unknown";
  lastUpdateTime: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
};

export type TDeploymentStatus = {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: TDeploymentCondition[];
  collisionCount?: number;
};

export type TIntOrString = number | string;

export type TDeployment = TWorkload & {
  spec: TWorkload["spec"] & {
    strategy?: { type?: string; rollingUpdate?: { maxUnavailable?: TIntOrString; maxSurge?: TIntOrString } };
    revisionHistoryLimit?: number;
    progressDeadlineSeconds?: number;
    paused?: boolean;
  };
  status?: TDeploymentStatus;
};

const shape: TShape = {
  fields: {
    apiVersion: leaf,
    kind: leaf,
    metadata: objectMeta,
    spec: {
      fields: {
        replicas: leaf,
        minReadySeconds: leaf,
        paused: leaf,
        progressDeadlineSeconds: leaf,
        revisionHistoryLimit: leaf,
        selector: map,
        strategy: { fields: { type: leaf, rollingUpdate: { fields: { maxSurge: leaf, maxUnavailable: leaf } } } },
        template: { fields: { metadata: objectMeta, spec: podSpec } },
      },
    },
    status: map,
  },
};

const percent = /^(\d+)%$/;

function validateIntOrPercent(value: unknown, field: string): TFieldError[] {
  if (value === undefined) return [];
  if (typeof value === "number") {
    return Number.isInteger(value) && value >= 0
      ? []
      : [{ field, type: "FieldValueInvalid", value, detail: "must be greater than or equal to 0" }];
  }
  if (typeof value === "string" && percent.test(value)) return [];
  return [
    {
      field,
      type: "FieldValueInvalid",
      value,
      detail:
        "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
    },
  ];
}

const asNumber = (value: TIntOrString | undefined) =>
  typeof value === "string" ? Number(percent.exec(value)?.[1] ?? Number.NaN) : (value ?? 0);

function validateDeploymentSpec(spec: TDeployment["spec"]): TFieldError[] {
  const errors = validateWorkloadSpec(spec);
  const strategy = spec.strategy ?? {};
  if (strategy.type === "Recreate") {
    if (strategy.rollingUpdate)
      errors.push({
        field: "spec.strategy.rollingUpdate",
        type: "FieldValueForbidden",
        detail: "may not be specified when strategy `type` is 'Recreate'",
      });
  } else if (strategy.type === "RollingUpdate") {
    const rolling = strategy.rollingUpdate ?? {};
    errors.push(
      ...validateIntOrPercent(rolling.maxUnavailable, "spec.strategy.rollingUpdate.maxUnavailable"),
      ...validateIntOrPercent(rolling.maxSurge, "spec.strategy.rollingUpdate.maxSurge"),
    );
    if (asNumber(rolling.maxUnavailable) === 0 && asNumber(rolling.maxSurge) === 0)
      errors.push({
        field: "spec.strategy.rollingUpdate.maxUnavailable",
        type: "FieldValueInvalid",
        value: rolling.maxUnavailable,
        detail: "may not be 0 when `maxSurge` is 0",
      });
    if (typeof rolling.maxUnavailable === "string" && asNumber(rolling.maxUnavailable) > 100)
      errors.push({
        field: "spec.strategy.rollingUpdate.maxUnavailable",
        type: "FieldValueInvalid",
        value: rolling.maxUnavailable,
        detail: "must not be greater than 100%",
      });
  } else {
    errors.push({
      field: "spec.strategy.type",
      type: "FieldValueNotSupported",
      value: strategy.type,
      detail: 'supported values: "Recreate", "RollingUpdate"',
    });
  }
  for (const key of ["revisionHistoryLimit", "progressDeadlineSeconds"] as const) {
    const value = spec[key];
    if (value !== undefined && (typeof value !== "number" || value < 0))
      errors.push({
        field: `spec.${key}`,
        type: "FieldValueInvalid",
        value,
        detail: "must be greater than or equal to 0",
      });
  }
  if (
    typeof spec.progressDeadlineSeconds === "number" &&
    spec.progressDeadlineSeconds <= Number(spec.minReadySeconds ?? 0)
  )
    errors.push({
      field: "spec.progressDeadlineSeconds",
      type: "FieldValueInvalid",
      value: spec.progressDeadlineSeconds,
      detail: "must be greater than minReadySeconds",
    });
  return errors;
}

/** apps/v1 SetDefaults_Deployment: replicas, a rolling update of 25%/25%, ten old revisions, a 600 s deadline. */
function defaultDeployment(deployment: TDeployment): void {
  const spec = deployment.spec;
  spec.replicas ??= 1;
  spec.strategy = isRecord(spec.strategy) ? spec.strategy : {};
  spec.strategy.type ||= "RollingUpdate";
  if (spec.strategy.type === "RollingUpdate") {
    spec.strategy.rollingUpdate = { ...spec.strategy.rollingUpdate };
    spec.strategy.rollingUpdate.maxUnavailable ??= "25%";
    spec.strategy.rollingUpdate.maxSurge ??= "25%";
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  if (spec.template) defaultPodTemplate(spec.template);
}

/** apps/v1 Deployment: rolled out through ReplicaSets by controllers/deployment-controller.ts. */
export const deploymentKind: TKind = {
  group: "apps",
  version: "v1",
  kind: "Deployment",
  resource: "deployments",
  singular: "deployment",
  namespaced: true,
  verbs: [...crudVerbs, "deletecollection"],
  shortNames: ["deploy"],
  categories: ["all"],
  validate(object) {
    // Defaults first: the real server validates the defaulted object (strategy type, template defaults).
    defaultDeployment(object as TDeployment);
    return [
      ...validateWorkload(object).filter((error) => !error.field.startsWith("spec")),
      ...validateDeploymentSpec((object as TDeployment).spec),
    ];
  },
  unknownFields: (body) => unknownFieldsIn(body, shape),
  prepareForCreate(object) {
    const deployment = object as TDeployment;
    defaultDeployment(deployment);
    deployment.metadata.generation = 1;
    deployment.status = {};
  },
  prepareForUpdate(next, existing, context) {
    const after = next as TDeployment;
    const before = existing as TDeployment;
    if (context.subresource !== "status") {
      if (!isRecord(after.spec)) after.spec = before.spec;
      defaultDeployment(after);
      const errors = [...validateDeploymentSpec(after.spec), ...immutableSelector(after, before)];
      if (errors.length > 0)
        throw invalid("Deployment", { resource: "deployments", group: "apps" }, existing.metadata.name ?? "", errors);
    }
    carryGenerationAndStatus(after, before, context.subresource);
  },
  table: {
    columns: [
      column("Name", "string", "name"),
      column("Ready"),
      column("Up-to-date"),
      column("Available"),
      column("Age"),
      column("Containers", "string", "", 1),
      column("Images", "string", "", 1),
      column("Selector", "string", "", 1),
    ],
    cells: (item, now) => {
      const deployment = item as TDeployment;
      const status = deployment.status ?? {};
      const [containers, images] = containerCells(deployment.spec.template);
      return [
        deployment.metadata.name,
        `${status.readyReplicas ?? 0}/${deployment.spec.replicas ?? 1}`,
        status.updatedReplicas ?? 0,
        status.availableReplicas ?? 0,
        humanAge(deployment.metadata.creationTimestamp, now),
        containers,
        images,
        selectorString(deployment.spec.selector),
      ];
    },
  },
  // `kubectl create deployment` sends protobuf (apps/v1 generated.proto).
  decodeProtobuf: (raw) => decodeMessage(raw, deploymentMessage),
  subresources: { scale: scaleSubresource(() => deploymentKind) },
};
