import { checkRoleEscalation } from "../auth/escalation";
import { crudVerbs, type TKind } from "../registry/kind";
import { unknownFieldsIn } from "./field-schema";
import { decodeRoleProtobuf, rbacGroup, roleShape, roleTable, validateRbacName, validateRules } from "./rbac-objects";

/** rbac.authorization.k8s.io/v1 Role: rules in one namespace. Writing one is refused if it would escalate its author. */
export const roleKind: TKind = {
  group: rbacGroup,
  version: "v1",
  kind: "Role",
  resource: "roles",
  singular: "role",
  namespaced: true,
  verbs: [...crudVerbs, "deletecollection"],
  validate: (object) => [...validateRbacName(object), ...validateRules(object.rules, true)],
  unknownFields: (body) => unknownFieldsIn(body, roleShape),
  prepareForCreate(object, { registry, user }) {
    object.rules ??= [];
    checkRoleEscalation(registry.store, user, object, {
      resource: "roles",
      namespace: object.metadata.namespace ?? "",
      updating: false,
    });
  },
  prepareForUpdate(next, existing, { registry, user }) {
    next.rules ??= [];
    checkRoleEscalation(registry.store, user, next, {
      resource: "roles",
      namespace: existing.metadata.namespace ?? "",
      updating: true,
    });
  },
  table: roleTable,
  decodeProtobuf: decodeRoleProtobuf,
};
