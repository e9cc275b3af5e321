import type { TUserInfo } from "../registry/kind";
import type { ObjectStore } from "../registry/object-store";
import type { TKubeObject } from "../types";
import { ruleAllows, type TPolicyRule, type TRequestAttributes } from "./policy-rule";

/**
 * kube-apiserver's authorizer chain as kind configures it (`--authorization-mode=Node,RBAC`): members of
 * `system:masters` are allowed everything before any other authorizer is asked, then RBAC resolves the
 * user's rules from ClusterRoleBindings (all of them) and the RoleBindings of the request's namespace. RBAC
 * never denies: a request no rule allows gets "no opinion", which the server turns into 403. The Node
 * authorizer is left out: no kubelet talks to this API server with a node identity.
 */

/** The superuser group; kube-apiserver's own loopback identity is in it. */
export const privilegedGroup = "system:masters";

/** The outcome of one authorization question, as a SubjectAccessReview status reports it. */
export type TDecision = { allowed: boolean; reason: string; evaluationError?: string };

type TSubject = { kind?: string; apiGroup?: string; name?: string; namespace?: string };
type TRoleRef = { apiGroup?: string; kind?: string; name?: string };
type TBinding = TKubeObject & { subjects?: TSubject[]; roleRef?: TRoleRef };

/** The user name of a ServiceAccount (`system:serviceaccount:<namespace>:<name>`). */
export const serviceAccountUsername = (namespace: string, name: string) => `system:serviceaccount:${namespace}:${name}`;

/** Splits `system:serviceaccount:<namespace>:<name>`, or undefined for any other user name. */
export function splitServiceAccountUsername(username: string): { namespace: string; name: string } | undefined {
  const parts = username.split(":");
  if (parts.length !== 4 || parts[0] !== "system" || parts[1] !== "serviceaccount") return undefined;
  const [, , namespace = "", name = ""] = parts;
  return namespace && name ? { namespace, name } : undefined;
}

function subjectApplies(user: TUserInfo, subject: TSubject, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case "User":
      return user.username === subject.name;
    case "Group":
      return subject.name !== undefined && user.groups.includes(subject.name);
    case "ServiceAccount": {
      // A ServiceAccount subject without a namespace means the binding's own namespace.
      const namespace = subject.namespace || bindingNamespace;
      return namespace !== "" && user.username === serviceAccountUsername(namespace, subject.name ?? "");
    }
    default:
      return false;
  }
}

function describeSubject(subject: TSubject, bindingNamespace: string): string {
  if (subject.kind === "ServiceAccount")
    return `ServiceAccount "${subject.name ?? ""}/${subject.namespace || bindingNamespace}"`;
  return `${subject.kind ?? ""} "${subject.name ?? ""}"`;
}

/** The rules a role reference grants, or the error RBAC records (a binding may name a role that does not exist). */
function referencedRules(
  store: ObjectStore,
  roleRef: TRoleRef | undefined,
  bindingNamespace: string,
): { rules: TPolicyRule[] } | { error: string } {
  const name = roleRef?.name ?? "";
  if (roleRef?.kind === "ClusterRole") {
    const role = store.get("clusterroles", "", name);
    return role
      ? { rules: (role.rules as TPolicyRule[] | undefined) ?? [] }
      : { error: `clusterrole.rbac.authorization.k8s.io "${name}" not found` };
  }
  if (roleRef?.kind === "Role") {
    const role = store.get("roles", bindingNamespace, name);
    return role
      ? { rules: (role.rules as TPolicyRule[] | undefined) ?? [] }
      : { error: `role.rbac.authorization.k8s.io "${name}" not found` };
  }
  return { error: `unsupported role reference kind: "${roleRef?.kind ?? ""}"` };
}

/**
 * Visits every rule that applies to `user` in `namespace`, ClusterRoleBindings first, with a description of
 * where it comes from (`ClusterRoleBinding "x" of ClusterRole "y" to Group "z"`); stops when `visit` returns false.
 */
function visitRules(
  store: ObjectStore,
  user: TUserInfo,
  namespace: string,
  visit: (source: string, rule: TPolicyRule) => boolean,
  errors: string[],
): void {
  for (const binding of store.list("clusterrolebindings", undefined) as TBinding[]) {
    const subject = (binding.subjects ?? []).find((candidate) => subjectApplies(user, candidate, ""));
    if (!subject) continue;
    const found = referencedRules(store, binding.roleRef, "");
    if ("error" in found) {
      errors.push(found.error);
      continue;
    }
    const source = `ClusterRoleBinding "${binding.metadata.name ?? ""}" of ${binding.roleRef?.kind ?? ""} "${binding.roleRef?.name ?? ""}" to ${describeSubject(subject, "")}`;
    for (const rule of found.rules) if (!visit(source, rule)) return;
  }
  if (namespace === "") return;
  for (const binding of store.list("rolebindings", namespace) as TBinding[]) {
    const subject = (binding.subjects ?? []).find((candidate) => subjectApplies(user, candidate, namespace));
    if (!subject) continue;
    const found = referencedRules(store, binding.roleRef, namespace);
    if ("error" in found) {
      errors.push(found.error);
      continue;
    }
    const source = `RoleBinding "${binding.metadata.name ?? ""}/${namespace}" of ${binding.roleRef?.kind ?? ""} "${binding.roleRef?.name ?? ""}" to ${describeSubject(subject, namespace)}`;
    for (const rule of found.rules) if (!visit(source, rule)) return;
  }
}

/** Go's aggregate error text: one error as itself, several as `[a, b]`. */
const aggregate = (errors: string[]) => (errors.length === 1 ? (errors[0] ?? "") : `[${errors.join(", ")}]`);

/** Decides one request: the superuser group first, then RBAC (allowed with its reason, or no opinion). */
export function authorize(store: ObjectStore, user: TUserInfo, request: TRequestAttributes): TDecision {
  if (user.groups.includes(privilegedGroup)) return { allowed: true, reason: "" };
  const errors: string[] = [];
  let allowedBy: string | undefined;
  visitRules(
    store,
    user,
    request.resourceRequest ? request.namespace : "",
    (source, rule) => {
      if (!ruleAllows(rule, request)) return true;
      allowedBy = source;
      return false;
    },
    errors,
  );
  if (allowedBy !== undefined) return { allowed: true, reason: `RBAC: allowed by ${allowedBy}` };
  return errors.length > 0 ? { allowed: false, reason: `RBAC: ${aggregate(errors)}` } : { allowed: false, reason: "" };
}

/** Every rule RBAC grants `user` in `namespace` (SelfSubjectRulesReview, escalation checks), with resolution errors. */
export function rulesFor(
  store: ObjectStore,
  user: TUserInfo,
  namespace: string,
): { rules: TPolicyRule[]; error?: string } {
  const rules: TPolicyRule[] = [];
  const errors: string[] = [];
  visitRules(
    store,
    user,
    namespace,
    (_source, rule) => {
      rules.push(rule);
      return true;
    },
    errors,
  );
  return errors.length > 0 ? { rules, error: aggregate(errors) } : { rules };
}

/** The text of a 403 for a request the authorizer did not allow, as the API server's responsewriters word it. */
export function forbiddenMessage(user: TUserInfo, request: TRequestAttributes): string {
  if (!request.resourceRequest) return `User "${user.username}" cannot ${request.verb} path "${request.path}"`;
  const resource = request.subresource ? `${request.resource}/${request.subresource}` : request.resource;
  const scope = request.namespace ? `in the namespace "${request.namespace}"` : "at the cluster scope";
  return `User "${user.username}" cannot ${request.verb} resource "${resource}" in API group "${request.apiGroup}" ${scope}`;
}
