/**
 * Decoding the protobuf Deployment `kubectl create deployment` sends (k8s.io/api apps/v1 and core/v1
 * generated.proto). Go's protobuf encoder writes every non-pointer field, zero or not, so zeros are
 * dropped here the way Go's JSON encoder omits them (`paused: false` never reaches the object); pointer
 * fields keep their zero (`replicas: 0`). A field this decoder does not know but that carries a value
 * fails the request instead of being lost.
 */
import { readFields, readObjectMeta, readStringMap, text, type TField } from "../protobuf";

/** How one field of a message decodes. */
type TFieldRule =
  | { name: string; type: "string" | "int" | "bool"; pointer?: boolean; repeated?: boolean }
  | { name: string; type: "message"; message: TMessage; repeated?: boolean }
  | { name: string; type: "stringMap" | "objectMeta" | "ignored" };

/** A message: its name (for errors) and its fields by number. */
type TMessage = { name: string; fields: Record<number, TFieldRule> };

const labelSelectorRequirement: TMessage = {
  name: "LabelSelectorRequirement",
  fields: {
    1: { name: "key", type: "string" },
    2: { name: "operator", type: "string" },
    3: { name: "values", type: "string", repeated: true },
  },
};

const labelSelector: TMessage = {
  name: "LabelSelector",
  fields: {
    1: { name: "matchLabels", type: "stringMap" },
    2: { name: "matchExpressions", type: "message", message: labelSelectorRequirement, repeated: true },
  },
};

const containerPort: TMessage = {
  name: "ContainerPort",
  fields: {
    1: { name: "name", type: "string" },
    2: { name: "hostPort", type: "int" },
    3: { name: "containerPort", type: "int" },
    4: { name: "protocol", type: "string" },
    5: { name: "hostIP", type: "string" },
  },
};

const envVar: TMessage = {
  name: "EnvVar",
  fields: { 1: { name: "name", type: "string" }, 2: { name: "value", type: "string" } },
};

// ResourceRequirements is a non-pointer field of Container: always sent, empty from `kubectl create`.
const resourceRequirements: TMessage = { name: "ResourceRequirements", fields: {} };

const container: TMessage = {
  name: "Container",
  fields: {
    1: { name: "name", type: "string" },
    2: { name: "image", type: "string" },
    3: { name: "command", type: "string", repeated: true },
    4: { name: "args", type: "string", repeated: true },
    5: { name: "workingDir", type: "string" },
    6: { name: "ports", type: "message", message: containerPort, repeated: true },
    7: { name: "env", type: "message", message: envVar, repeated: true },
    8: { name: "resources", type: "message", message: resourceRequirements },
    13: { name: "terminationMessagePath", type: "string" },
    14: { name: "imagePullPolicy", type: "string" },
    16: { name: "stdin", type: "bool" },
    17: { name: "stdinOnce", type: "bool" },
    18: { name: "tty", type: "bool" },
    20: { name: "terminationMessagePolicy", type: "string" },
  },
};

const podSpec: TMessage = {
  name: "PodSpec",
  fields: {
    2: { name: "containers", type: "message", message: container, repeated: true },
    3: { name: "restartPolicy", type: "string" },
    6: { name: "dnsPolicy", type: "string" },
    8: { name: "serviceAccountName", type: "string" },
    9: { name: "serviceAccount", type: "string" },
    10: { name: "nodeName", type: "string" },
    11: { name: "hostNetwork", type: "bool" },
    12: { name: "hostPID", type: "bool" },
    13: { name: "hostIPC", type: "bool" },
    16: { name: "hostname", type: "string" },
    17: { name: "subdomain", type: "string" },
    19: { name: "schedulerName", type: "string" },
    20: { name: "initContainers", type: "message", message: container, repeated: true },
    24: { name: "priorityClassName", type: "string" },
  },
};

const podTemplateSpec: TMessage = {
  name: "PodTemplateSpec",
  fields: { 1: { name: "metadata", type: "objectMeta" }, 2: { name: "spec", type: "message", message: podSpec } },
};

// Only `type` is ever sent by kubectl create (empty); rollingUpdate's IntOrStrings are not decoded here.
const deploymentStrategy: TMessage = { name: "DeploymentStrategy", fields: { 1: { name: "type", type: "string" } } };

const deploymentSpec: TMessage = {
  name: "DeploymentSpec",
  fields: {
    1: { name: "replicas", type: "int", pointer: true },
    2: { name: "selector", type: "message", message: labelSelector },
    3: { name: "template", type: "message", message: podTemplateSpec },
    4: { name: "strategy", type: "message", message: deploymentStrategy },
    5: { name: "minReadySeconds", type: "int" },
    6: { name: "revisionHistoryLimit", type: "int", pointer: true },
    7: { name: "paused", type: "bool" },
    9: { name: "progressDeadlineSeconds", type: "int", pointer: true },
  },
};

/** apps/v1 Deployment: ObjectMeta, DeploymentSpec, and the status the server owns (not read). */
export const deploymentMessage: TMessage = {
  name: "Deployment",
  fields: {
    1: { name: "metadata", type: "objectMeta" },
    2: { name: "spec", type: "message", message: deploymentSpec },
    3: { name: "status", type: "ignored" },
  },
};

// A field whose value is the zero of its wire type (0, or nothing) carries nothing to lose.
function isZero(field: TField): boolean {
  if (!Buffer.isBuffer(field.value)) return field.value === 0n;
  if (field.value.length === 0) return true;
  // A message of zeros (an empty struct Go wrote anyway) is empty too; bytes that do not parse are data.
  try {
    return readFields(field.value).every(isZero);
  } catch {
    return false;
  }
}

function signed32(value: bigint): number {
  return Number(BigInt.asIntN(32, value));
}

/** Decodes `raw` as `message` into the JSON the same object would have been sent as. */
export function decodeMessage(raw: Buffer, message: TMessage): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const field of readFields(raw)) {
    const rule = message.fields[field.number];
    if (!rule) {
      if (isZero(field)) continue;
      throw new Error(
        `field ${field.number} of ${message.name} in a protobuf body is not implemented by the podman test cluster; send JSON (e.g. kubectl apply -f)`,
      );
    }
    const add = (value: unknown, repeated: boolean | undefined) => {
      if (repeated) result[rule.name] = [...((result[rule.name] as unknown[] | undefined) ?? []), value];
      else result[rule.name] = value;
    };
    switch (rule.type) {
      case "ignored":
        break;
      case "objectMeta":
        result[rule.name] = readObjectMeta(field.value as Buffer);
        break;
      case "stringMap":
        result[rule.name] = { ...(result[rule.name] as object | undefined), ...readStringMap([field], field.number) };
        break;
      case "message":
        add(decodeMessage(field.value as Buffer, rule.message), rule.repeated);
        break;
      case "string":
        if (rule.repeated) add(text(field), true);
        else if (text(field) !== "") result[rule.name] = text(field);
        break;
      case "int": {
        const value = signed32(field.value as bigint);
        if (value !== 0 || rule.pointer) add(value, rule.repeated);
        break;
      }
      case "bool":
        if (field.value !== 0n || rule.pointer) result[rule.name] = field.value !== 0n;
        break;
    }
  }
  return result;
}
