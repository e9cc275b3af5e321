import { humanAge } from "../clock";
import { bytesField, readFields, readObjectMeta } from "../protobuf";
import { crudVerbs, type TKind } from "../registry/kind";
import { column } from "../server/table";
import { serviceAccountToken } from "../subresources/service-account-token";
import { leaf, map, objectShape, unknownFieldsIn } from "./field-schema";

const shape = objectShape({
  automountServiceAccountToken: leaf,
  imagePullSecrets: { list: map },
  secrets: { list: map },
});

/**
 * core/v1 ServiceAccount. Since Kubernetes 1.24 nothing creates token Secrets for it, so `secrets` stays
 * empty unless a manifest sets it; the `default` account of every namespace comes from the
 * serviceaccounts controller (controllers/default-service-account.ts). Tokens come from the `token`
 * subresource (TokenRequest, what `kubectl create token` and the kubelet ask for).
 */
export const serviceAccountKind: TKind = {
  group: "",
  version: "v1",
  kind: "ServiceAccount",
  resource: "serviceaccounts",
  singular: "serviceaccount",
  namespaced: true,
  verbs: [...crudVerbs, "deletecollection"],
  shortNames: ["sa"],
  subresources: { token: serviceAccountToken },
  unknownFields: (body) => unknownFieldsIn(body, shape),
  table: {
    columns: [column("Name", "string", "name"), column("Secrets", "integer"), column("Age")],
    cells: (item, now) => [
      item.metadata.name,
      Array.isArray(item.secrets) ? item.secrets.length : 0,
      humanAge(item.metadata.creationTimestamp, now),
    ],
  },
  // `kubectl create serviceaccount` sends protobuf: ObjectMeta is field 1 and the generator sets nothing else.
  decodeProtobuf(raw) {
    const metadata = bytesField(readFields(raw), 1);
    return { metadata: metadata ? readObjectMeta(metadata) : {} };
  },
};
