// The one file in lib/ that imports Next.js (see ARCHITECTURE.md): reading the session needs the
// request's headers, and server actions need better-auth's Next cookie plugin to set cookies.
// It is also the Next-facing half of the one authorisation door (lib/auth/door.ts): every page, route
// handler and server action under app/ is built with page(), route(), action() or formAction() below.
// React's cache() dedupes the session lookup within one request.
import { nextCookies } from "better-auth/next-js";
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { connection } from "next/server";
import { cache, type ReactNode } from "react";
import type { z } from "zod";
import { resolveBaseUrl } from "./base-url";
import { decide, withDoor, type DoorAction, type DoorMeta, type Ownership, type PUBLIC } from "./door";
import type { OpenAction } from "./policy";
import { parseRole, type Role } from "./roles";
import { firstIssue } from "./schemas";
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

/** Who the handler runs for: anyone (maybe signed out) behind a PUBLIC door or an open action, else a signed-in user. */
type UserFor<A extends DoorAction> = A extends typeof PUBLIC | OpenAction ? CurrentUser | null : CurrentUser;

/** Where the owner of the resource comes from (see Ownership in lib/auth/door.ts); at most one of these. */
type OwnerSpec<I, L> = {
  /** The resource is always the signed-in user's own. */
  self?: true;
  /** The owner is named by the parsed input. */
  owner?: (input: I) => string;
  /** Loads the resource by the parsed input; null (or someone else's, when not allowed) answers "not found". */
  load?: (input: I) => Promise<(L & { ownerId: string }) | null>;
};

function ownershipOf(spec: OwnerSpec<never, unknown>): Ownership {
  const given = [spec.self, spec.owner, spec.load].filter((x) => x !== undefined).length;
  if (given > 1) throw new Error("A door takes at most one of self, owner and load.");
  return spec.self ? "self" : spec.owner ? "input" : spec.load ? "loaded" : "none";
}

// ---------------------------------------------------------------------------------------------
// Route handlers

type RouteInput<P, Q, B> = { params: P; query: Q; body: B };

/** A route handler's door: the action it asks the policy, and zod schemas for what it reads. */
export type RouteSpec<A extends DoorAction, P, Q, B, L> = OwnerSpec<RouteInput<P, Q, B>, L> & {
  action: A;
  /** Path segments; a mismatch answers 404 `notFound`. */
  params?: z.ZodType<P>;
  /** The query string as an object of strings; a mismatch answers 400 `invalid`. */
  query?: z.ZodType<Q>;
  /** The JSON body; a mismatch (or no JSON) answers 400 `invalid`. */
  body?: z.ZodType<B>;
  /** The 400 message for a bad query or body (default: the first problem zod found). */
  invalid?: string;
  /** The 404 message for bad params or a resource the user may not see. */
  notFound?: string;
};

type RouteHandler<A extends DoorAction, P, Q, B, L> = (
  context: RouteInput<P, Q, B> & { request: Request; user: UserFor<A>; resource: L },
) => Promise<Response> | Response;

type NextRouteContext = { params: Promise<Record<string, string | string[] | undefined>> };

const json = (status: number, error: string) => Response.json({ error }, { status });

/**
 * Builds a route handler behind the door: who is asking (401 when signed out), the zod-parsed params,
 * query and body, the policy for `spec.action` on the resource's owner (403, or 404 for loaded
 * resources, which must not be probed), then `handler`.
 */
export function route<A extends DoorAction, P = undefined, Q = undefined, B = undefined, L = undefined>(
  spec: RouteSpec<A, P, Q, B, L>,
  handler: RouteHandler<A, P, Q, B, L>,
): (request: Request, context: NextRouteContext) => Promise<Response> {
  const meta: DoorMeta = { kind: "route", action: spec.action, ownership: ownershipOf(spec) };
  const notFoundMessage = spec.notFound ?? "Not found.";
  return withDoor(async (request: Request, context: NextRouteContext) => {
    const user = await getCurrentUser();
    const early = decide(meta, user, user?.id);
    if (early === "sign-in") return json(401, "Sign in to do this.");
    if (early === "forbidden" && (meta.ownership === "none" || meta.ownership === "self"))
      return json(403, "Your role does not allow this.");

    const params = spec.params
      ? spec.params.safeParse(await context.params)
      : { success: true as const, data: undefined };
    if (!params.success) return json(404, notFoundMessage);
    const query = spec.query
      ? spec.query.safeParse(Object.fromEntries(new URL(request.url).searchParams))
      : { success: true as const, data: undefined };
    if (!query.success) return json(400, spec.invalid ?? firstIssue(query.error));
    const body = spec.body
      ? spec.body.safeParse(await request.json().catch(() => undefined))
      : { success: true as const, data: undefined };
    if (!body.success) return json(400, spec.invalid ?? firstIssue(body.error));
    const input = { params: params.data as P, query: query.data as Q, body: body.data as B };

    let resource = undefined as L;
    if (meta.ownership === "input" && decide(meta, user, spec.owner!(input)) !== "allowed")
      return json(403, "Your role does not allow this.");
    if (meta.ownership === "loaded") {
      const loaded = await spec.load!(input);
      // Someone else's resource answers exactly like a missing one: ids are not to be probed.
      if (!loaded || decide(meta, user, loaded.ownerId) !== "allowed") return json(404, notFoundMessage);
      resource = loaded;
    }
    return handler({ ...input, request, user: user as UserFor<A>, resource });
  }, meta);
}

// ---------------------------------------------------------------------------------------------
// Server actions

/** A refusal from the door, in the shape most actions already return. */
export type DoorRefusal = { ok: false; failure: string };

/** A server action's door: the action it asks the policy, the zod schema of its argument, and its words. */
export type ActionSpec<A extends DoorAction, I, R> = OwnerSpec<I, never> & {
  action: A;
  /** The action's argument (`z.undefined()` for actions that take none). */
  input: z.ZodType<I>;
  /** Sentence for a signed-out caller. */
  signIn?: string;
  /** Sentence for a caller whose role (or ownership) does not allow it. */
  forbidden?: string;
  /** Shapes a refusal or invalid input into the action's own result type (default `{ ok: false, failure }`). */
  refuse?: (message: string) => R;
};

async function runAction<A extends DoorAction, I, R>(
  meta: DoorMeta,
  spec: ActionSpec<A, I, R>,
  raw: unknown,
  handler: (context: { user: UserFor<A>; input: I }) => Promise<R>,
): Promise<R | DoorRefusal> {
  const refuse = (message: string) => (spec.refuse ? spec.refuse(message) : { ok: false as const, failure: message });
  const user = await getCurrentUser();
  const early = decide(meta, user, user?.id);
  if (early === "sign-in") return refuse(spec.signIn ?? "Sign in to do this.");
  const forbidden = spec.forbidden ?? "Your role does not allow this.";
  if (early === "forbidden" && meta.ownership !== "input") return refuse(forbidden);
  const parsed = spec.input.safeParse(raw);
  if (!parsed.success) return refuse(firstIssue(parsed.error));
  if (meta.ownership === "input" && decide(meta, user, spec.owner!(parsed.data)) !== "allowed")
    return refuse(forbidden);
  return handler({ user: user as UserFor<A>, input: parsed.data });
}

/** Builds a server action `(input) => result` behind the door. */
export function action<A extends DoorAction, I, R>(
  spec: ActionSpec<A, I, R> & { refuse: (message: string) => R },
  handler: (context: { user: UserFor<A>; input: I }) => Promise<R>,
): (input?: unknown) => Promise<R>;
export function action<A extends DoorAction, I, R>(
  spec: ActionSpec<A, I, R>,
  handler: (context: { user: UserFor<A>; input: I }) => Promise<R>,
): (input?: unknown) => Promise<R | DoorRefusal>;
export function action<A extends DoorAction, I, R>(
  spec: ActionSpec<A, I, R>,
  handler: (context: { user: UserFor<A>; input: I }) => Promise<R>,
): (input?: unknown) => Promise<R | DoorRefusal> {
  const meta: DoorMeta = { kind: "action", action: spec.action, ownership: ownershipOf(spec) };
  return withDoor(async (input?: unknown) => runAction(meta, spec, input, handler), meta);
}

/** Builds a form server action `(previousState, formData) => state` (for useActionState) behind the door. */
export function formAction<A extends DoorAction, I, S>(
  spec: ActionSpec<A, I, S> & { refuse: (message: string) => S },
  handler: (context: { user: UserFor<A>; input: I }) => Promise<S>,
): (previous: S, form: FormData) => Promise<S> {
  const meta: DoorMeta = { kind: "action", action: spec.action, ownership: ownershipOf(spec) };
  return withDoor(
    async (_previous: S, form: FormData) => (await runAction(meta, spec, Object.fromEntries(form), handler)) as S,
    meta,
  );
}

// ---------------------------------------------------------------------------------------------
// Pages

type PageProps = {
  params: Promise<Record<string, string | string[] | undefined>>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

/** A page's door: the action it asks the policy, its params and search params, and where sign-in returns. */
export type PageSpec<A extends DoorAction, P, S> = Pick<OwnerSpec<never, never>, "self"> & {
  action: A;
  /** Path segments; a mismatch renders the 404 page. */
  params?: z.ZodType<P>;
  /** Search params; give the schema a .catch() when a bad value should fall back to defaults. */
  searchParams?: z.ZodType<S>;
  /** Where to come back to after signing in. */
  returnTo: string | ((params: P) => string);
};

/**
 * Builds a page behind the door: always rendered per request (the CSP nonce needs it), signed-out
 * visitors go to sign in and come back, a role that may not see the page goes to /not-allowed.
 */
export function page<A extends DoorAction, P = undefined, S = undefined>(
  spec: PageSpec<A, P, S>,
  render: (context: { user: UserFor<A>; params: P; searchParams: S }) => Promise<ReactNode>,
): (props: PageProps) => Promise<ReactNode> {
  const meta: DoorMeta = { kind: "page", action: spec.action, ownership: ownershipOf(spec) };
  return withDoor(async (props: PageProps) => {
    await connection();
    const params = spec.params
      ? spec.params.safeParse(await props.params)
      : { success: true as const, data: undefined };
    if (!params.success) notFound();
    const user = await getCurrentUser();
    const decision = decide(meta, user, user?.id);
    if (decision === "sign-in") {
      const back = typeof spec.returnTo === "string" ? spec.returnTo : spec.returnTo(params.data as P);
      redirect(`/sign-in?next=${encodeURIComponent(back)}`);
    }
    if (decision === "forbidden") redirect("/not-allowed");
    const searchParams = spec.searchParams
      ? spec.searchParams.safeParse(await props.searchParams)
      : { success: true as const, data: undefined };
    if (!searchParams.success) notFound();
    return render({ user: user as UserFor<A>, params: params.data as P, searchParams: searchParams.data as S });
  }, meta);
}
