/**
 * Just enough of Kubernetes' protobuf encoding to read what kubectl sends as protobuf: its typed
 * `create <generator>` commands (e.g. `kubectl create namespace`) never fall back to JSON. The
 * framing is read here; each kind decodes its own object (`TKind.decodeProtobuf`).
 */
import type { Scheme } from "./registry/scheme";

/** One decoded field: its number, wire type and value (varint or bytes). */
export type TField = { number: number; wire: number; value: bigint | Buffer };

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

/** A length-delimited field as UTF-8 text (a varint as its decimal digits). */
export const text = (field: TField) =>
  Buffer.isBuffer(field.value) ? field.value.toString("utf8") : String(field.value);

/** A `map<string, string>` field (labels, annotations). */
export function readStringMap(fields: TField[], number: number): Record<string, string> | undefined {
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

/** The ObjectMeta fields kubectl sets: name, generateName, namespace, uid, resourceVersion, labels, annotations. */
export function readObjectMeta(buffer: Buffer): Record<string, unknown> {
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
    // Go's encoder writes empty strings too; JSON would have omitted them.
    if (key && Buffer.isBuffer(field.value) && field.value.length > 0) meta[key] = text(field);
  }
  const labels = readStringMap(fields, 11);
  const annotations = readStringMap(fields, 12);
  if (labels) meta.labels = labels;
  if (annotations) meta.annotations = annotations;
  return meta;
}

/** The string fields of a message, named by field number. */
export function readStrings(buffer: Buffer, names: Record<number, string>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const field of readFields(buffer)) {
    const key = names[field.number];
    if (key && Buffer.isBuffer(field.value)) result[key] = text(field);
  }
  return result;
}

/** The first length-delimited field with this number, if any. */
export function bytesField(fields: TField[], number: number): Buffer | undefined {
  const found = fields.find((field) => field.number === number && Buffer.isBuffer(field.value));
  return found ? (found.value as Buffer) : undefined;
}

/** The `k8s\0`-framed runtime.Unknown of a protobuf body: the TypeMeta it names and the raw object. */
export function unwrapKubernetesProtobuf(body: Buffer): { apiVersion: string; kind: string; raw?: Buffer } {
  const magic = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
  if (!body.subarray(0, 4).equals(magic)) throw new Error("not a Kubernetes protobuf body");
  const unknown = readFields(body.subarray(4));
  const typeMeta = readFields(bytesField(unknown, 1) ?? Buffer.alloc(0));
  const apiVersionField = typeMeta.find((field) => field.number === 1);
  const kindField = typeMeta.find((field) => field.number === 2);
  return {
    apiVersion: apiVersionField ? text(apiVersionField) : "",
    kind: kindField ? text(kindField) : "",
    raw: bytesField(unknown, 2),
  };
}

/**
 * Decodes a `k8s\0`-framed protobuf body (runtime.Unknown: TypeMeta, then the raw object) into JSON
 * through the decoder of the kind its TypeMeta names.
 */
export function decodeKubernetesProtobuf(body: Buffer, scheme: Scheme): Record<string, unknown> {
  const { apiVersion, kind, raw } = unwrapKubernetesProtobuf(body);
  const target = scheme.kindOf(apiVersion, kind);
  if (!target?.decodeProtobuf || !raw) {
    throw new Error(
      `protobuf bodies for ${kind || "this kind"} are not implemented by the podman test cluster; send JSON (e.g. kubectl apply -f)`,
    );
  }
  return { apiVersion, kind, ...target.decodeProtobuf(raw) };
}
