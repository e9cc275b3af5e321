// The one file in lib/ that imports Next.js (see ARCHITECTURE.md): reading the session needs the
// request's headers, and server actions need better-auth's Next cookie plugin to set cookies.
// React's cache() dedupes the session lookup within one request.
import { nextCookies } from "better-auth/next-js";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { resolveBaseUrl } from "./base-url";
import { can, type Action, type Resource } from "./policy";
import { parseRole, type Role } from "./roles";
import { readAuthSecret } from "./secret";
import { createAuth, type Auth } from "./server";

/** The signed-in user as pages and routes see it. */
export type CurrentUser = { id: string; name: string; email: string; role: Role };

const globalForAuth = globalThis as unknown as { cksAuth?: Auth };

/** The process-wide better-auth instance, built on first use (never at build time). */
export function auth(): Auth {
  globalForAuth.cksAuth ??= createAuth({
    secret: readAuthSecret(),
    baseURL: resolveBaseUrl(),
    lastPlugins: [nextCookies()],
  });
  return globalForAuth.cksAuth;
}

/** The user behind this request's session cookie, or null; looked up once per request (layout and page share it). */
export const getCurrentUser = cache(async (): Promise<CurrentUser | null> => {
  const session = await auth().api.getSession({ headers: await headers() });
  if (!session) return null;
  const { id, name, email, role } = session.user;
  return { id, name, email, role: parseRole(role) };
});

/** The signed-in user; otherwise redirects to sign-in, coming back to `returnTo` afterwards. */
export async function requireUser(returnTo = "/"): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) redirect(`/sign-in?next=${encodeURIComponent(returnTo)}`);
  return user;
}

/** The signed-in user when they hold one of `roles`; otherwise a redirect to sign-in or to /not-allowed. */
export async function requireRole(roles: readonly Role[], returnTo = "/"): Promise<CurrentUser> {
  const user = await requireUser(returnTo);
  if (!roles.includes(user.role)) redirect("/not-allowed");
  return user;
}

/** For route handlers: the user when the policy allows `action`, else the 401/403 response to send. */
export async function authorizeRoute(
  action: Action,
  resource?: (user: CurrentUser) => Resource,
): Promise<{ user: CurrentUser; denied?: undefined } | { denied: Response }> {
  const user = await getCurrentUser();
  if (!user) return { denied: Response.json({ error: "Sign in to do this." }, { status: 401 }) };
  if (!can(user, action, resource?.(user)))
    return { denied: Response.json({ error: "Your role does not allow this." }, { status: 403 }) };
  return { user };
}
