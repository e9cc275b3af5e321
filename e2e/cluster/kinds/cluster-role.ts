import { checkRoleEscalation } from "../auth/escalation";
import { crudVerbs, type TKind } from "../registry/kind";
import { unknownFieldsIn } from "./field-schema";
import {
  clusterRoleShape,
  decodeRoleProtobuf,
  rbacGroup,
  roleTable,
  validateRbacName,
  validateRules,
} from "./rbac-objects";

/**
 * rbac.authorization.k8s.io/v1 ClusterRole: rules for any namespace (through a RoleBinding) or the whole
 * cluster (through a ClusterRoleBinding), non-resource URLs included. With an aggregationRule, the
 * clusterrole-aggregation controller owns its rules.
 */
export const clusterRoleKind: TKind = {
  group: rbacGroup,
  version: "v1",
  kind: "ClusterRole",
  resource: "clusterroles",
  singular: "clusterrole",
  namespaced: false,
  verbs: [...crudVerbs, "deletecollection"],
  validate: (object) => [...validateRbacName(object), ...validateRules(object.rules, false)],
  unknownFields: (body) => unknownFieldsIn(body, clusterRoleShape),
  prepareForCreate(object, { registry, user }) {
    object.rules ??= [];
    checkRoleEscalation(registry.store, user, object, { resource: "clusterroles", namespace: "", updating: false });
  },
  prepareForUpdate(next, _existing, { registry, user }) {
    next.rules ??= [];
    checkRoleEscalation(registry.store, user, next, { resource: "clusterroles", namespace: "", updating: true });
  },
  table: roleTable,
  decodeProtobuf: decodeRoleProtobuf,
};
