// Who may do what: a pure function of the user, the action and the resource's owner, so one
// table-driven test (policy.test.ts) covers every route and action for every role.
import { acRoles } from "./access-control";
import type { Role } from "./roles";

/** Everything a page, route handler or server action asks permission for. */
export const ACTIONS = [
  "lesson:read",
  "lab:grade",
  "cluster:list-contexts",
  "bookmark:read",
  "bookmark:write",
  "progress:read",
  "attempt:read",
  "gradebook:read",
  "grade:override",
  "authoring:view",
  "lab:self-test",
  "connection:read",
  "connection:write",
  "agent:approve",
  "agent:connect",
  "agent:manage",
  "account:view",
  "session:revoke",
  "admin:view",
  "user:list",
  "user:set-role",
  "settings:update",
] as const;
export type Action = (typeof ACTIONS)[number];

/** Actions anyone may perform, signed in or not. */
export type OpenAction = "lesson:read";

/** The signed-in user as the policy sees it; null for an anonymous visitor. */
export type Actor = { id: string; role: Role } | null;

/** The resource an action touches, when it belongs to someone (a bookmark list, an account). */
export type Resource = { ownerId: string };

type Rule = (user: NonNullable<Actor>, resource: Resource | undefined) => boolean;

const own: Rule = (user, resource) => resource !== undefined && resource.ownerId === user.id;
const signedIn: Rule = () => true;
// Graders and instructors review the class; a student sees only their own work.
const ownOrStaff: Rule = (user, resource) =>
  own(user, resource) || (resource !== undefined && (user.role === "grader" || user.role === "instructor"));
const allowedBy =
  (request: Parameters<(typeof acRoles)["instructor"]["authorize"]>[0]): Rule =>
  (user) =>
    acRoles[user.role].authorize(request).success;

const RULES: Record<Exclude<Action, "lesson:read">, Rule> = {
  // Local mode uses the server's kubeconfig (lib/http/local-only.ts also applies); a saved connection is the learner's own.
  "lab:grade": signedIn,
  "cluster:list-contexts": signedIn,
  "bookmark:read": own,
  "bookmark:write": own,
  "progress:read": ownOrStaff,
  "attempt:read": ownOrStaff,
  // Self-tests create and delete objects (policies included) in the chosen cluster: instructors only.
  "authoring:view": (user) => user.role === "instructor",
  "lab:self-test": (user) => user.role === "instructor",
  "gradebook:read": (user) => user.role === "grader" || user.role === "instructor",
  // A grader never grades their own work; the target must be someone else's.
  "grade:override": (user, resource) =>
    resource !== undefined && !own(user, resource) && (user.role === "grader" || user.role === "instructor"),
  // A saved connection holds the learner's cluster credentials: nobody else, staff included, reads or uses it.
  "connection:read": own,
  "connection:write": own,
  // An agent reaches the learner's own cluster with their own credential: nobody else approves, opens or
  // disconnects it, staff included (lib/agent/, SECURITY.md "The agent tunnel").
  "agent:approve": own,
  "agent:connect": own,
  "agent:manage": own,
  "account:view": own,
  "session:revoke": own,
  "admin:view": allowedBy({ user: ["list"] }),
  "user:list": allowedBy({ user: ["list"] }),
  // Never one's own role: an instructor cannot lock themselves (and maybe everyone) out.
  "user:set-role": (user, resource) =>
    !own(user, resource) && resource !== undefined && allowedBy({ user: ["set-role"] })(user, resource),
  "settings:update": allowedBy({ settings: ["update"] }),
};

/** True when `user` may perform `action` on `resource` (whose owner matters for personal data). */
export function can(user: Actor, action: Action, resource?: Resource): boolean {
  if (action === "lesson:read") return true;
  if (!user) return false;
  return RULES[action](user, resource);
}
