/**
 * Just enough of Kubernetes' protobuf encoding to read what kubectl sends as protobuf: its typed
 * `create <generator>` commands (e.g. `kubectl create namespace`) never fall back to JSON.
 */

type TField = { number: number; wire: number; value: bigint | Buffer };

function readVarint(buffer: Buffer, offset: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  let position = offset;
  for (;;) {
    if (position >= buffer.length) throw new Error("truncated varint");
    const byte = buffer[position] ?? 0;
    position += 1;
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result, position];
    shift += 7n;
  }
}

/** Splits one protobuf message into its fields (varint and length-delimited; fixed widths skipped). */
export function readFields(buffer: Buffer): TField[] {
  const fields: TField[] = [];
  let offset = 0;
  while (offset < buffer.length) {
    const [key, afterKey] = readVarint(buffer, offset);
    const number = Number(key >> 3n);
    const wire = Number(key & 7n);
    offset = afterKey;
    if (wire === 0) {
      const [value, next] = readVarint(buffer, offset);
      fields.push({ number, wire, value });
      offset = next;
    } else if (wire === 2) {
      const [length, next] = readVarint(buffer, offset);
      const end = next + Number(length);
      if (end > buffer.length) throw new Error("truncated field");
      fields.push({ number, wire, value: buffer.subarray(next, end) });
      offset = end;
    } else if (wire === 1) {
      offset += 8;
    } else if (wire === 5) {
      offset += 4;
    } else {
      throw new Error(`unsupported wire type ${wire}`);
    }
  }
  return fields;
}

const text = (field: TField) => (Buffer.isBuffer(field.value) ? field.value.toString("utf8") : String(field.value));

function readStringMap(fields: TField[], number: number): Record<string, string> | undefined {
  const entries = fields.filter((field) => field.number === number && Buffer.isBuffer(field.value));
  if (entries.length === 0) return undefined;
  const map: Record<string, string> = {};
  for (const entry of entries) {
    const inner = readFields(entry.value as Buffer);
    const key = inner.find((field) => field.number === 1);
    const value = inner.find((field) => field.number === 2);
    map[key ? text(key) : ""] = value ? text(value) : "";
  }
  return map;
}

function readObjectMeta(buffer: Buffer): Record<string, unknown> {
  const fields = readFields(buffer);
  const meta: Record<string, unknown> = {};
  const strings: Record<number, string> = {
    1: "name",
    2: "generateName",
    3: "namespace",
    5: "uid",
    6: "resourceVersion",
  };
  for (const field of fields) {
    const key = strings[field.number];
    if (key && Buffer.isBuffer(field.value)) meta[key] = text(field);
  }
  const labels = readStringMap(fields, 11);
  const annotations = readStringMap(fields, 12);
  if (labels) meta.labels = labels;
  if (annotations) meta.annotations = annotations;
  return meta;
}

function readStrings(buffer: Buffer, names: Record<number, string>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const field of readFields(buffer)) {
    const key = names[field.number];
    if (key && Buffer.isBuffer(field.value)) result[key] = text(field);
  }
  return result;
}

// k8s.io/api/authorization/v1 generated.proto: ResourceAttributes and NonResourceAttributes field numbers
// (the field and label selectors, 8 and 9, are not read).
const resourceAttributeFields = {
  1: "namespace",
  2: "verb",
  3: "group",
  4: "version",
  5: "resource",
  6: "subresource",
  7: "name",
};
const nonResourceAttributeFields = { 1: "path", 2: "verb" };

// `kubectl auth can-i` sends its SelfSubjectAccessReview as protobuf.
function readSelfSubjectAccessReviewSpec(buffer: Buffer): Record<string, unknown> {
  const spec: Record<string, unknown> = {};
  for (const field of readFields(buffer)) {
    if (!Buffer.isBuffer(field.value)) continue;
    if (field.number === 1) spec.resourceAttributes = readStrings(field.value, resourceAttributeFields);
    if (field.number === 2) spec.nonResourceAttributes = readStrings(field.value, nonResourceAttributeFields);
  }
  return spec;
}

/** Decodes a `k8s\0`-framed protobuf body into JSON; only Namespace and SelfSubjectAccessReview are understood. */
export function decodeKubernetesProtobuf(body: Buffer): Record<string, unknown> {
  const magic = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
  if (!body.subarray(0, 4).equals(magic)) throw new Error("not a Kubernetes protobuf body");
  const unknown = readFields(body.subarray(4));
  const typeMetaField = unknown.find((field) => field.number === 1);
  const rawField = unknown.find((field) => field.number === 2);
  const typeMeta = typeMetaField && Buffer.isBuffer(typeMetaField.value) ? readFields(typeMetaField.value) : [];
  const apiVersionField = typeMeta.find((field) => field.number === 1);
  const kindField = typeMeta.find((field) => field.number === 2);
  const apiVersion = apiVersionField ? text(apiVersionField) : "";
  const kind = kindField ? text(kindField) : "";
  if (kind === "SelfSubjectAccessReview" && rawField && Buffer.isBuffer(rawField.value)) {
    const specField = readFields(rawField.value).find((field) => field.number === 2);
    return {
      apiVersion,
      kind,
      metadata: {},
      spec: specField && Buffer.isBuffer(specField.value) ? readSelfSubjectAccessReviewSpec(specField.value) : {},
    };
  }
  if (kind !== "Namespace" || !rawField || !Buffer.isBuffer(rawField.value)) {
    throw new Error(
      `protobuf bodies for ${kind || "this kind"} are not implemented by the podman test cluster; send JSON (e.g. kubectl apply -f)`,
    );
  }
  const fields = readFields(rawField.value);
  const metadataField = fields.find((field) => field.number === 1);
  const specField = fields.find((field) => field.number === 2);
  const spec =
    specField && Buffer.isBuffer(specField.value)
      ? {
          finalizers: readFields(specField.value)
            .filter((field) => field.number === 1)
            .map(text),
        }
      : {};
  return {
    apiVersion,
    kind,
    metadata: metadataField && Buffer.isBuffer(metadataField.value) ? readObjectMeta(metadataField.value) : {},
    spec,
  };
}
