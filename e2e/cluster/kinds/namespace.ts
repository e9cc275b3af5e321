import { forbidden } from "../k8s-status";
import { bytesField, readFields, readObjectMeta, text } from "../protobuf";
import { crudVerbs, type TKind } from "../registry/kind";
import { validateName } from "../registry/object-name";
import { humanAge } from "../clock";
import { column } from "../server/table";

/** Namespaces the API server refuses to delete. */
const undeletable = ["default", "kube-system", "kube-public"];

/** core/v1 Namespace: labelled with its own name, phase Active until deleted (Terminating while its content goes). */
export const namespaceKind: TKind = {
  group: "",
  version: "v1",
  kind: "Namespace",
  resource: "namespaces",
  singular: "namespace",
  namespaced: false,
  verbs: crudVerbs,
  shortNames: ["ns"],
  validate: (object) => validateName(object.metadata.name, "metadata.name", "label"),
  prepareForCreate(object) {
    const name = object.metadata.name ?? "";
    object.metadata.labels = { ...object.metadata.labels, "kubernetes.io/metadata.name": name };
    object.spec = { finalizers: ["kubernetes"] };
    object.status = { phase: "Active" };
  },
  prepareForUpdate(next, existing) {
    next.metadata.labels = { ...next.metadata.labels, "kubernetes.io/metadata.name": existing.metadata.name ?? "" };
    next.status = existing.status;
  },
  checkDelete(existing) {
    const name = existing.metadata.name ?? "";
    if (undeletable.includes(name))
      throw forbidden({ resource: "namespaces", group: "" }, name, "this namespace may not be deleted");
  },
  prepareForDelete(existing) {
    existing.status = { phase: "Terminating" };
  },
  table: {
    columns: [column("Name", "string", "name"), column("Status"), column("Age")],
    cells: (item, now) => [
      item.metadata.name,
      (item.status as { phase?: string } | undefined)?.phase ?? "Active",
      humanAge(item.metadata.creationTimestamp, now),
    ],
  },
  // `kubectl create namespace` sends protobuf: ObjectMeta is field 1, NamespaceSpec (finalizers, 1) field 2.
  decodeProtobuf(raw) {
    const fields = readFields(raw);
    const metadata = bytesField(fields, 1);
    const spec = bytesField(fields, 2);
    return {
      metadata: metadata ? readObjectMeta(metadata) : {},
      spec: spec
        ? {
            finalizers: readFields(spec)
              .filter((field) => field.number === 1)
              .map(text),
          }
        : {},
    };
  },
};
