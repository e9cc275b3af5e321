import { checkBindingEscalation } from "../auth/escalation";
import { invalid } from "../k8s-status";
import { crudVerbs, refOf, type TKind } from "../registry/kind";
import { unknownFieldsIn } from "./field-schema";
import {
  bindingShape,
  bindingTable,
  decodeBindingProtobuf,
  defaultBinding,
  rbacGroup,
  roleRefText,
  validateBinding,
  validateRbacName,
} from "./rbac-objects";

/**
 * rbac.authorization.k8s.io/v1 RoleBinding: grants a Role, or a ClusterRole's rules, to subjects within its
 * own namespace. Its roleRef cannot change; binding a role whose rules the author lacks needs `bind` on it.
 */
export const roleBindingKind: TKind = {
  group: rbacGroup,
  version: "v1",
  kind: "RoleBinding",
  resource: "rolebindings",
  singular: "rolebinding",
  namespaced: true,
  verbs: [...crudVerbs, "deletecollection"],
  validate(object) {
    defaultBinding(object);
    return [...validateRbacName(object), ...validateBinding(object, true)];
  },
  unknownFields: (body) => unknownFieldsIn(body, bindingShape),
  prepareForCreate(object, { registry, user }) {
    checkBindingEscalation(registry.store, user, object, {
      resource: "rolebindings",
      namespace: object.metadata.namespace ?? "",
    });
  },
  prepareForUpdate(next, existing, { registry, user }) {
    defaultBinding(next);
    const errors = [...validateRbacName(next), ...validateBinding(next, true)];
    if (roleRefText(next.roleRef) !== roleRefText(existing.roleRef))
      errors.push({
        field: "roleRef",
        type: "FieldValueInvalid",
        valueText: roleRefText(next.roleRef),
        detail: "cannot change roleRef",
      });
    if (errors.length > 0) throw invalid("RoleBinding", refOf(roleBindingKind), existing.metadata.name ?? "", errors);
    checkBindingEscalation(registry.store, user, next, {
      resource: "rolebindings",
      namespace: existing.metadata.namespace ?? "",
    });
  },
  table: bindingTable,
  decodeProtobuf: decodeBindingProtobuf,
};
