// Roles for better-auth's admin plugin. Its own endpoints (/api/auth/admin/*) check these
// statements; lib/auth/policy.ts asks the same roles, so the two can never disagree.
import { defaultStatements } from "better-auth/plugins/admin/access";
import { createAccessControl } from "better-auth/plugins/access";

/** Every resource and action the access control knows about. */
export const statements = {
  ...defaultStatements,
  settings: ["update"],
  progress: ["read-any"],
} as const;

/** The access control instance shared by better-auth's admin plugin and the policy. */
export const ac = createAccessControl(statements);

// Least privilege: no ban, impersonate, create, delete or set-password, although the
// admin plugin offers them; nothing in CKS Lab needs them.
/** Role definitions, keyed by lib/auth/roles.ts names. */
export const acRoles = {
  student: ac.newRole({ user: [], session: [] }),
  grader: ac.newRole({ user: [], session: [], progress: ["read-any"] }),
  instructor: ac.newRole({
    user: ["list", "get", "set-role"],
    session: ["list", "revoke"],
    settings: ["update"],
    progress: ["read-any"],
  }),
};
