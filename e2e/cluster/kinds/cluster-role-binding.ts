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
 * rbac.authorization.k8s.io/v1 ClusterRoleBinding: grants a ClusterRole's rules to subjects in every
 * namespace and at cluster scope. ServiceAccount subjects must name their namespace.
 */
export const clusterRoleBindingKind: TKind = {
  group: rbacGroup,
  version: "v1",
  kind: "ClusterRoleBinding",
  resource: "clusterrolebindings",
  singular: "clusterrolebinding",
  namespaced: false,
  verbs: [...crudVerbs, "deletecollection"],
  validate(object) {
    defaultBinding(object);
    return [...validateRbacName(object), ...validateBinding(object, false)];
  },
  unknownFields: (body) => unknownFieldsIn(body, bindingShape),
  prepareForCreate(object, { registry, user }) {
    checkBindingEscalation(registry.store, user, object, { resource: "clusterrolebindings", namespace: "" });
  },
  prepareForUpdate(next, existing, { registry, user }) {
    defaultBinding(next);
    const errors = [...validateRbacName(next), ...validateBinding(next, false)];
    if (roleRefText(next.roleRef) !== roleRefText(existing.roleRef))
      errors.push({
        field: "roleRef",
        type: "FieldValueInvalid",
        valueText: roleRefText(next.roleRef),
        detail: "cannot change roleRef",
      });
    if (errors.length > 0)
      throw invalid("ClusterRoleBinding", refOf(clusterRoleBindingKind), existing.metadata.name ?? "", errors);
    checkBindingEscalation(registry.store, user, next, { resource: "clusterrolebindings", namespace: "" });
  },
  table: bindingTable,
  decodeProtobuf: decodeBindingProtobuf,
};
