import { humanAge } from "../clock";
import { invalid, type TFieldError } from "../k8s-status";
import { bytesField, readFields, readObjectMeta, readStringMap, text } from "../protobuf";
import { crudVerbs, refOf, type TKind } from "../registry/kind";
import { validateName } from "../registry/object-name";
import { column } from "../server/table";
import type { TKubeObject } from "../types";
import { validateConfigKeys } from "./config-key";
import { leaf, map, objectShape, unknownFieldsIn } from "./field-schema";
import { goJsonObjectProblem } from "./go-json";

const shape = objectShape({ data: map, stringData: map, type: leaf, immutable: leaf });

type TSecret = TKubeObject & {
  type?: string;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  immutable?: boolean;
};

/**
 * core/v1 Secret: `stringData` folded into base64 `data`, type defaulted to Opaque, what each built-in type
 * must carry (pkg/apis/core/validation ValidateSecret), `immutable` honoured on update, kubectl's table,
 * and the protobuf `kubectl create secret generic|tls|docker-registry` sends. The kubelet mounts them
 * (secret and projected volumes) and reads them into environment variables; the token controller fills
 * in `kubernetes.io/service-account-token` Secrets.
 */
export const secretKind: TKind = {
  group: "",
  version: "v1",
  kind: "Secret",
  resource: "secrets",
  singular: "secret",
  namespaced: true,
  verbs: [...crudVerbs, "deletecollection"],
  unknownFields: (body) => unknownFieldsIn(body, shape),
  validate: (object) => [
    ...validateName(object.metadata.name, "metadata.name", "subdomain"),
    ...validateSecret(foldStringData(object)),
  ],
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
    // An immutable Secret keeps its flag and its data (stringData was folded into data already).
    if (before.immutable === true) {
      const detail = "field is immutable when `immutable` is set";
      if (after.immutable !== true) errors.push({ field: "immutable", type: "FieldValueForbidden", detail });
      if (!sameData(after.data, before.data)) errors.push({ field: "data", type: "FieldValueForbidden", detail });
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

function sameData(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const sorted = (map: Record<string, string> | undefined) =>
    JSON.stringify(Object.entries(map ?? {}).sort(([x], [y]) => x.localeCompare(y)));
  return sorted(a) === sorted(b);
}

const required = (field: string): TFieldError => ({ field, type: "FieldValueRequired", detail: "" });

/** What each built-in type must carry, as pkg/apis/core/validation ValidateSecret checks it (contents mostly unchecked). */
function validateSecret(secret: TSecret): TFieldError[] {
  const errors = validateConfigKeys(secret.data, "data");
  const data = secret.data ?? {};
  const has = (key: string) => Object.hasOwn(data, key);
  switch (secret.type) {
    case "kubernetes.io/service-account-token":
      // The token controller adds the token, the CA and the account's uid later; only the name is required.
      if (!secret.metadata.annotations?.["kubernetes.io/service-account.name"])
        errors.push(required("metadata.annotations[kubernetes.io/service-account.name]"));
      break;
    case "kubernetes.io/dockercfg":
    case "kubernetes.io/dockerconfigjson": {
      const key = secret.type === "kubernetes.io/dockercfg" ? ".dockercfg" : ".dockerconfigjson";
      if (!has(key)) {
        errors.push(required(`data[${key}]`));
        break;
      }
      const problem = goJsonObjectProblem(Buffer.from(data[key] ?? "", "base64").toString("utf8"));
      if (problem)
        errors.push({
          field: `data[${key}]`,
          type: "FieldValueInvalid",
          valueText: '"<secret contents redacted>"',
          detail: problem,
        });
      break;
    }
    case "kubernetes.io/basic-auth":
      // Either may be empty, but one of the two keys must be there.
      if (!has("username") && !has("password")) errors.push(required("data[username]"), required("data[password]"));
      break;
    case "kubernetes.io/ssh-auth":
      if (!data["ssh-privatekey"]) errors.push(required("data[ssh-privatekey]"));
      break;
    case "kubernetes.io/tls":
      // Both keys must be there; their content is not checked.
      if (!has("tls.crt")) errors.push(required("data[tls.crt]"));
      if (!has("tls.key")) errors.push(required("data[tls.key]"));
      break;
  }
  return errors;
}
