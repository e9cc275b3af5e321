import { humanAge } from "../clock";
import { invalid, type TFieldError } from "../k8s-status";
import { bytesField, readFields, readObjectMeta, readStringMap, text } from "../protobuf";
import { crudVerbs, refOf, type TKind } from "../registry/kind";
import { column } from "../server/table";
import type { TKubeObject } from "../types";

const configKey = /^[-._a-zA-Z0-9]+$/;
const configKeyMessage =
  "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

type TSecret = TKubeObject & {
  type?: string;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  immutable?: boolean;
};

/**
 * core/v1 Secret, the smallest piece the ingress lab needs: `stringData` folded into base64 `data`,
 * type defaulted to Opaque, the keys a `kubernetes.io/tls` Secret must carry, kubectl's table, and
 * the protobuf `kubectl create secret` sends. Not mounted into pods.
 */
export const secretKind: TKind = {
  group: "",
  version: "v1",
  kind: "Secret",
  resource: "secrets",
  singular: "secret",
  namespaced: true,
  verbs: crudVerbs,
  validate: (object) => validateSecret(foldStringData(object)),
  prepareForCreate(object) {
    const secret = foldStringData(object);
    secret.type ??= "Opaque";
  },
  prepareForUpdate(next, existing) {
    const after = foldStringData(next);
    const before = existing as TSecret;
    after.type ??= before.type;
    const errors: TFieldError[] = [];
    if (after.type !== before.type)
      errors.push({ field: "type", type: "FieldValueInvalid", value: after.type, detail: "field is immutable" });
    if (before.immutable === true && JSON.stringify(after.data ?? {}) !== JSON.stringify(before.data ?? {})) {
      errors.push({ field: "data", type: "FieldValueForbidden", detail: "field is immutable when `immutable` is set" });
    }
    errors.push(...validateSecret(after));
    if (errors.length > 0) throw invalid("Secret", refOf(secretKind), existing.metadata.name ?? "", errors);
  },
  table: {
    columns: [column("Name", "string", "name"), column("Type"), column("Data", "integer"), column("Age")],
    cells: (item, now) => {
      const secret = item as TSecret;
      return [
        item.metadata.name,
        secret.type ?? "Opaque",
        Object.keys(secret.data ?? {}).length,
        humanAge(item.metadata.creationTimestamp, now),
      ];
    },
  },
  // `kubectl create secret` sends protobuf: ObjectMeta 1, data 2 (map of bytes), type 3, stringData 4, immutable 5.
  decodeProtobuf(raw) {
    const fields = readFields(raw);
    const metadata = bytesField(fields, 1);
    const decoded: Record<string, unknown> = { metadata: metadata ? readObjectMeta(metadata) : {} };
    const data: Record<string, string> = {};
    for (const entry of fields.filter((f) => f.number === 2 && Buffer.isBuffer(f.value))) {
      const inner = readFields(entry.value as Buffer);
      const key = inner.find((f) => f.number === 1);
      const value = bytesField(inner, 2) ?? Buffer.alloc(0);
      data[key ? text(key) : ""] = value.toString("base64");
    }
    if (Object.keys(data).length > 0) decoded.data = data;
    const type = fields.find((f) => f.number === 3 && Buffer.isBuffer(f.value));
    if (type && text(type) !== "") decoded.type = text(type);
    const stringData = readStringMap(fields, 4);
    if (stringData) decoded.stringData = stringData;
    const immutable = fields.find((f) => f.number === 5 && !Buffer.isBuffer(f.value));
    if (immutable) decoded.immutable = immutable.value !== 0n;
    return decoded;
  },
};

/** The API server keeps only `data`: each `stringData` entry is written over it, base64-encoded. */
function foldStringData(secret: TSecret): TSecret {
  if (secret.stringData) {
    secret.data = { ...secret.data };
    for (const [key, value] of Object.entries(secret.stringData)) {
      secret.data[key] = Buffer.from(String(value), "utf8").toString("base64");
    }
    delete secret.stringData;
  }
  return secret;
}

function validateSecret(secret: TSecret): TFieldError[] {
  const errors: TFieldError[] = [];
  for (const key of Object.keys(secret.data ?? {})) {
    if (!configKey.test(key) || key.length > 253) {
      errors.push({ field: `data[${key}]`, type: "FieldValueInvalid", value: key, detail: configKeyMessage });
    }
  }
  // pkg/apis/core/validation: a TLS Secret must carry both keys (their content is not checked).
  if (secret.type === "kubernetes.io/tls") {
    for (const key of ["tls.crt", "tls.key"]) {
      if (!Object.hasOwn(secret.data ?? {}, key))
        errors.push({ field: `data[${key}]`, type: "FieldValueRequired", detail: "" });
    }
  }
  return errors;
}
