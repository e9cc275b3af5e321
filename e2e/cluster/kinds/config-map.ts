import { humanAge } from "../clock";
import { invalid, type TFieldError } from "../k8s-status";
import { bytesField, readFields, readObjectMeta, readStringMap } from "../protobuf";
import { crudVerbs, refOf, type TKind } from "../registry/kind";
import { validateName } from "../registry/object-name";
import { column } from "../server/table";
import type { TKubeObject } from "../types";
import { validateConfigKeys } from "./config-key";
import { leaf, map, objectShape, unknownFieldsIn } from "./field-schema";

type TConfigMap = TKubeObject & {
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
  immutable?: boolean;
};

const shape = objectShape({ data: map, binaryData: map, immutable: leaf });

/**
 * core/v1 ConfigMap: validated keys (no key in both `data` and `binaryData`), `immutable` honoured on update,
 * kubectl's `NAME DATA AGE` table and the protobuf `kubectl create configmap` sends. The kubelet mounts them
 * (configMap and projected volumes) and reads them into environment variables.
 */
export const configMapKind: TKind = {
  group: "",
  version: "v1",
  kind: "ConfigMap",
  resource: "configmaps",
  singular: "configmap",
  namespaced: true,
  verbs: [...crudVerbs, "deletecollection"],
  shortNames: ["cm"],
  unknownFields: (body) => unknownFieldsIn(body, shape),
  validate: (object) => [
    ...validateName(object.metadata.name, "metadata.name", "subdomain"),
    ...validateConfigMap(object),
  ],
  prepareForUpdate(next, existing) {
    const after = next as TConfigMap;
    const before = existing as TConfigMap;
    const errors: TFieldError[] = [];
    // pkg/apis/core/validation ValidateConfigMapUpdate: an immutable ConfigMap keeps its flag and its content.
    if (before.immutable === true) {
      const forbidden = (field: string): TFieldError => ({
        field,
        type: "FieldValueForbidden",
        detail: "field is immutable when `immutable` is set",
      });
      if (after.immutable !== true) errors.push(forbidden("immutable"));
      if (!sameMap(after.data, before.data)) errors.push(forbidden("data"));
      if (!sameMap(after.binaryData, before.binaryData)) errors.push(forbidden("binaryData"));
    }
    errors.push(...validateConfigMap(after));
    if (errors.length > 0) throw invalid("ConfigMap", refOf(configMapKind), existing.metadata.name ?? "", errors);
  },
  table: {
    columns: [column("Name", "string", "name"), column("Data", "integer"), column("Age")],
    cells: (item, now) => {
      const config = item as TConfigMap;
      return [
        item.metadata.name,
        Object.keys(config.data ?? {}).length + Object.keys(config.binaryData ?? {}).length,
        humanAge(item.metadata.creationTimestamp, now),
      ];
    },
  },
  // `kubectl create configmap` sends protobuf: ObjectMeta 1, data 2 (map of strings), binaryData 3 (map of
  // bytes), immutable 4.
  decodeProtobuf(raw) {
    const fields = readFields(raw);
    const metadata = bytesField(fields, 1);
    const decoded: Record<string, unknown> = { metadata: metadata ? readObjectMeta(metadata) : {} };
    const data = readStringMap(fields, 2);
    if (data) decoded.data = data;
    const binary: Record<string, string> = {};
    for (const entry of fields.filter((f) => f.number === 3 && Buffer.isBuffer(f.value))) {
      const inner = readFields(entry.value as Buffer);
      const key = bytesField(inner, 1);
      binary[key ? key.toString("utf8") : ""] = (bytesField(inner, 2) ?? Buffer.alloc(0)).toString("base64");
    }
    if (Object.keys(binary).length > 0) decoded.binaryData = binary;
    const immutable = fields.find((f) => f.number === 4 && !Buffer.isBuffer(f.value));
    if (immutable) decoded.immutable = immutable.value !== 0n;
    return decoded;
  },
};

function validateConfigMap(object: TKubeObject): TFieldError[] {
  const config = object as TConfigMap;
  const errors = validateConfigKeys(config.data, "data");
  for (const key of Object.keys(config.data ?? {})) {
    if (Object.hasOwn(config.binaryData ?? {}, key))
      errors.push({
        field: `data[${key}]`,
        type: "FieldValueInvalid",
        value: key,
        detail: "duplicate of key present in binaryData",
      });
  }
  errors.push(...validateConfigKeys(config.binaryData, "binaryData"));
  return errors;
}

function sameMap(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const left = Object.entries(a ?? {}).sort(([x], [y]) => x.localeCompare(y));
  const right = Object.entries(b ?? {}).sort(([x], [y]) => x.localeCompare(y));
  return JSON.stringify(left) === JSON.stringify(right);
}
