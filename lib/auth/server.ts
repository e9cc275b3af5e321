// better-auth, configured for CKS Lab. Framework-free: lib/auth/session.ts builds the one
// instance with the Next.js cookie plugin and is the only place that touches request headers.
import { createHmac, timingSafeEqual } from "node:crypto";
import { betterAuth, type BetterAuthPlugin } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { APIError, createAuthMiddleware, getSessionFromCtx, isAPIError } from "better-auth/api";
import { admin } from "better-auth/plugins";
import { db } from "@/lib/db/client";
import { CLIENT_IP_HEADER } from "@/lib/http/client-address";
import { ac, acRoles } from "./access-control";
import { AGENT_DISABLED_PATHS, AGENT_RATE_LIMITS, agentDevicePlugins } from "./agent-device";
import { trustedOrigins } from "./base-url";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, passwordProblem } from "./password-rules";
import { parseRole } from "./roles";
import { firstIssue, ZSetRoleSchema, ZSignInSchema, ZSignUpSchema } from "./schemas";
import { getSignUpSettings } from "./settings";
import { consumeSetupCode, isSetupCode, setupCodeFile } from "./setup-code";
import { SignInBackoff } from "./sign-in-backoff";
import { decideSignUp } from "./sign-up-policy";
import { countInstructors, countUsers, promoteIfFirstUser } from "./users";

/**
 * Login throttling, per client IP and path, in this process's memory. better-auth enables
 * its limiter only when NODE_ENV=production; ours is on in every mode. Sign-in is strict
 * (password guessing); sign-up is looser so a class can register from one NAT address.
 */
export const AUTH_RATE_LIMITS = {
  "/sign-in/email": { window: 60, max: 5 },
  "/sign-up/email": { window: 60, max: 30 },
} as const;

/** What the instance needs from the environment (lib/auth/secret.ts, lib/auth/base-url.ts). */
export interface AuthConfig {
  secret: string;
  baseURL: string;
  /** Plugins that must come after ours (Next's cookie plugin must be last). */
  lastPlugins?: BetterAuthPlugin[];
  /** Per-account sign-in back-off (a test passes its own clock). */
  backoff?: SignInBackoff;
  /** The one-time setup code's file (default: CKS_SETUP_CODE_FILE or data/setup-code). */
  setupCode?: string;
}

/**
 * better-auth endpoints no page uses. Fewer doors, and none that hands out session tokens (the
 * session lists) or acts as someone else (impersonation), whatever a role would allow.
 */
export const DISABLED_AUTH_PATHS = [
  "/update-user",
  "/change-email",
  "/list-sessions",
  "/revoke-session",
  "/revoke-other-sessions",
  "/admin/list-user-sessions",
  "/admin/revoke-user-session",
  "/admin/revoke-user-sessions",
  "/admin/impersonate-user",
  "/admin/stop-impersonating",
  "/admin/create-user",
  "/admin/update-user",
  "/admin/remove-user",
  "/admin/set-user-password",
  "/admin/ban-user",
  "/admin/unban-user",
  ...AGENT_DISABLED_PATHS,
];

/** A browser that has signed in to an account before carries this cookie; its failures are counted apart. */
export const KNOWN_DEVICE_COOKIE = "cks-known-device";
const KNOWN_DEVICE_DAYS = 60;
const KNOWN_DEVICE_MAX_ACCOUNTS = 5;

/** Builds the better-auth instance: email + password, roles via the admin plugin, and CKS Lab's rules as hooks. */
export function createAuth({
  secret,
  baseURL,
  lastPlugins = [],
  backoff = new SignInBackoff(),
  setupCode = setupCodeFile(),
}: AuthConfig) {
  // One tag per account a browser signed in to: an HMAC of the email, so the cookie names nobody.
  const deviceTag = (email: string) =>
    createHmac("sha256", secret).update(`known-device:${email}`).digest("base64url").slice(0, 32);
  const knownTags = (cookieHeader: string | null | undefined): string[] => {
    const raw = /(?:^|;\s*)cks-known-device=([A-Za-z0-9_.-]{1,400})/.exec(cookieHeader ?? "")?.[1];
    return raw ? raw.split(".").slice(0, KNOWN_DEVICE_MAX_ACCOUNTS) : [];
  };
  const isKnown = (tags: string[], tag: string) =>
    tags.some((t) => t.length === tag.length && timingSafeEqual(Buffer.from(t), Buffer.from(tag)));
  // The back-off key: the account, and whether this browser signed in to it before.
  const backoffKey = (email: string, cookieHeader: string | null | undefined) =>
    `${isKnown(knownTags(cookieHeader), deviceTag(email)) ? "known" : "new"}:${email}`;

  return betterAuth({
    appName: "CKS Lab",
    secret,
    baseURL,
    trustedOrigins: trustedOrigins(baseURL),
    database: prismaAdapter(db(), { provider: "sqlite" }),
    emailAndPassword: {
      enabled: true,
      minPasswordLength: MIN_PASSWORD_LENGTH,
      maxPasswordLength: MAX_PASSWORD_LENGTH,
      autoSignIn: true,
    },
    // Endpoints no page offers: a smaller surface, and no name or email that skipped our schemas.
    disabledPaths: DISABLED_AUTH_PATHS,
    rateLimit: {
      enabled: true,
      storage: "memory",
      window: 60,
      max: 300,
      customRules: { ...AUTH_RATE_LIMITS, ...AGENT_RATE_LIMITS },
    },
    telemetry: { enabled: false },
    // better-auth skips its Origin/CSRF check when NODE_ENV=test unless told otherwise; never skip it.
    // The client address comes from scripts/server.ts (the socket, or a trusted proxy's X-Forwarded-For),
    // never from a header the client wrote: better-auth would otherwise believe a forged X-Forwarded-For.
    advanced: { disableOriginCheck: false, ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] } },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        if (ctx.path === "/sign-up/email") return { context: { body: await checkSignUp(ctx.body, setupCode) } };
        if (ctx.path === "/sign-in/email") {
          const parsed = ZSignInSchema.safeParse(ctx.body);
          if (!parsed.success) throw new APIError("BAD_REQUEST", { message: firstIssue(parsed.error) });
          // Checked before the password, and a refused attempt is not counted: waiting is all it costs.
          const wait = backoff.waitSeconds(backoffKey(parsed.data.email, ctx.headers?.get("cookie")));
          if (wait > 0)
            throw new APIError(
              "TOO_MANY_REQUESTS",
              { message: `Too many failed sign-ins for this account. Wait ${wait} seconds and try again.` },
              { "X-Retry-After": String(wait) },
            );
          return { context: { body: { ...(ctx.body as Record<string, unknown>), ...parsed.data } } };
        }
        if (ctx.path === "/admin/set-role") {
          const parsed = ZSetRoleSchema.safeParse(ctx.body);
          if (!parsed.success)
            throw new APIError("BAD_REQUEST", { message: "Choose one of the roles student, grader or instructor." });
          const session = await getSessionFromCtx(ctx);
          if (session?.user.id === parsed.data.userId)
            throw new APIError("FORBIDDEN", { message: "You cannot change your own role; ask another instructor." });
          await refuseRemovingLastInstructor(parsed.data.userId, parsed.data.role);
        }
        return undefined;
      }),
      after: createAuthMiddleware(async (ctx) => {
        const returned: unknown = ctx.context.returned;
        if (ctx.path === "/sign-in/email") {
          const email = ZSignInSchema.shape.email.safeParse((ctx.body as { email?: unknown } | undefined)?.email);
          if (email.success) {
            const cookieHeader = ctx.headers?.get("cookie");
            const key = backoffKey(email.data, cookieHeader);
            if (isAPIError(returned) && returned.statusCode === 401) backoff.failed(key);
            else if (!isAPIError(returned)) {
              backoff.succeeded(key);
              const tag = deviceTag(email.data);
              const tags = [tag, ...knownTags(cookieHeader).filter((t) => t !== tag)].slice(
                0,
                KNOWN_DEVICE_MAX_ACCOUNTS,
              );
              ctx.setCookie(KNOWN_DEVICE_COOKIE, tags.join("."), {
                httpOnly: true,
                sameSite: "lax",
                secure: baseURL.startsWith("https:"),
                path: "/api/auth",
                maxAge: KNOWN_DEVICE_DAYS * 24 * 60 * 60,
              });
            }
          }
        }
        // Session tokens stay in the HttpOnly cookie: never in a response body, to anyone.
        const stripped = withoutTokens(returned);
        return stripped === returned ? undefined : ctx.json(stripped as Record<string, unknown>);
      }),
    },
    databaseHooks: {
      user: {
        create: {
          after: async (user) => {
            // The setup code dies with its use: the instance now has its instructor.
            if (await promoteIfFirstUser(user.id)) consumeSetupCode(setupCode);
          },
        },
      },
    },
    plugins: [
      admin({ ac, roles: acRoles, defaultRole: "student", adminRoles: ["instructor"] }),
      ...agentDevicePlugins(),
      ...lastPlugins,
    ],
  });
}

/** The better-auth instance type. */
export type Auth = ReturnType<typeof createAuth>;

/**
 * `value` without any `token` property at any depth (session objects, sign-in and sign-up answers),
 * or `value` itself when it has none. APIErrors and responses pass through untouched.
 */
export function withoutTokens(value: unknown): unknown {
  if (value === null || typeof value !== "object" || isAPIError(value) || value instanceof Response) return value;
  if (value instanceof Date) return value;
  if (Array.isArray(value)) {
    const items = value.map(withoutTokens);
    return items.some((item, i) => item !== value[i]) ? items : value;
  }
  let changed = false;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === "token") {
      changed = true;
      continue;
    }
    const next = withoutTokens(item);
    if (next !== item) changed = true;
    copy[key] = next;
  }
  return changed ? copy : value;
}

async function checkSignUp(body: unknown, setupCode: string) {
  const parsed = ZSignUpSchema.safeParse(body);
  if (!parsed.success) throw new APIError("BAD_REQUEST", { message: firstIssue(parsed.error) });
  const weak = passwordProblem(parsed.data.password, { email: parsed.data.email });
  if (weak) throw new APIError("BAD_REQUEST", { message: weak });
  const existingUsers = await countUsers();
  const decision = decideSignUp(await getSignUpSettings(), {
    existingUsers,
    inviteCode: parsed.data.inviteCode,
    setupCodeValid: existingUsers === 0 && isSetupCode(parsed.data.setupCode, setupCode),
  });
  if (!decision.allowed) throw new APIError("FORBIDDEN", { message: decision.message });
  const { inviteCode: _inviteCode, setupCode: _setupCode, ...fields } = parsed.data;
  return fields;
}

async function refuseRemovingLastInstructor(userId: string, role: string) {
  if (role === "instructor") return;
  const target = await db().user.findUnique({ where: { id: userId }, select: { role: true } });
  if (target && parseRole(target.role) === "instructor" && (await countInstructors()) <= 1) {
    throw new APIError("FORBIDDEN", { message: "CKS Lab needs at least one instructor; promote someone else first." });
  }
}
