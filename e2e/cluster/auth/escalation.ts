import { forbidden, notFound } from "../k8s-status";
import type { TUserInfo } from "../registry/kind";
import type { ObjectStore } from "../registry/object-store";
import type { TKubeObject } from "../types";
import { authorize, privilegedGroup, rulesFor } from "./authorizer";
import { compactRules, compactString, uncovered, type TPolicyRule } from "./policy-rule";

/**
 * RBAC's escalation prevention, as the rbac registry enforces it on every write of a role or binding (dry
 * runs too): a user may only write a role whose rules they hold themselves, unless they may `escalate`
 * roles; and may only bind a role whose rules they hold, unless they may `bind` that role. Members of
 * system:masters skip both checks.
 */

const rbacGroup = "rbac.authorization.k8s.io";
const fullAuthority: TPolicyRule[] = [
  { verbs: ["*"], apiGroups: ["*"], resources: ["*"] },
  { verbs: ["*"], nonResourceURLs: ["*"] },
];

const goStrings = (values: string[]) => `[${values.map((value) => JSON.stringify(value)).join(" ")}]`;

/** Why `user` may not grant `rules` in `namespace`, or undefined when their own rules cover them. */
function escalation(store: ObjectStore, user: TUserInfo, namespace: string, rules: TPolicyRule[]): string | undefined {
  const owned = rulesFor(store, user, namespace);
  const missing = uncovered(owned.rules, rules);
  if (missing.length === 0) return undefined;
  const lines = [...new Set(compactRules(missing).map(compactString))].sort();
  const resolution = owned.error ? `; resolution errors: [${owned.error}]` : "";
  return `user ${JSON.stringify(user.username)} (groups=${goStrings(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${lines.join("\n")}${resolution}`;
}

const may = (store: ObjectStore, user: TUserInfo, verb: string, resource: string, namespace: string, name: string) =>
  authorize(store, user, {
    resourceRequest: true,
    verb,
    apiGroup: rbacGroup,
    resource,
    subresource: "",
    namespace,
    name,
  }).allowed;

/** Refuses (403) a Role or ClusterRole write that would grant rules its author does not hold. */
export function checkRoleEscalation(
  store: ObjectStore,
  user: TUserInfo,
  role: TKubeObject,
  options: { resource: "roles" | "clusterroles"; namespace: string; updating: boolean },
): void {
  if (user.groups.includes(privilegedGroup)) return;
  const name = role.metadata.name ?? "";
  // The API server asks with the request's name: none on a create, the object's on an update.
  if (may(store, user, "escalate", options.resource, options.namespace, options.updating ? name : "")) return;
  const ref = { resource: options.resource, group: rbacGroup };
  const why = escalation(store, user, options.namespace, (role.rules as TPolicyRule[] | undefined) ?? []);
  if (why) throw forbidden(ref, name, why);
  if (options.resource === "clusterroles" && role.aggregationRule && escalation(store, user, "", fullAuthority))
    throw forbidden(ref, name, "must have cluster-admin privileges to use the aggregationRule");
}

/**
 * Refuses a RoleBinding or ClusterRoleBinding write whose role grants rules its author does not hold,
 * unless the author may `bind` that role. A role that does not exist is a 404 here, as in the API server.
 */
export function checkBindingEscalation(
  store: ObjectStore,
  user: TUserInfo,
  binding: TKubeObject,
  options: { resource: "rolebindings" | "clusterrolebindings"; namespace: string },
): void {
  if (user.groups.includes(privilegedGroup)) return;
  const roleRef = (binding.roleRef ?? {}) as { kind?: string; name?: string };
  const roleResource = roleRef.kind === "Role" ? "roles" : "clusterroles";
  const roleName = roleRef.name ?? "";
  if (may(store, user, "bind", roleResource, options.namespace, roleName)) return;
  const role = store.get(roleResource, roleResource === "roles" ? options.namespace : "", roleName);
  if (!role) throw notFound({ resource: roleResource, group: rbacGroup }, roleName);
  const why = escalation(store, user, options.namespace, (role.rules as TPolicyRule[] | undefined) ?? []);
  if (why) throw forbidden({ resource: options.resource, group: rbacGroup }, binding.metadata.name ?? "", why);
}
