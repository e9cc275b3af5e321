// better-auth, configured for CKS Lab. Framework-free: lib/auth/session.ts builds the one
// instance with the Next.js cookie plugin and is the only place that touches request headers.
import { betterAuth, type BetterAuthPlugin } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { APIError, createAuthMiddleware, getSessionFromCtx } from "better-auth/api";
import { admin } from "better-auth/plugins";
import { db } from "@/lib/db/client";
import { ac, acRoles } from "./access-control";
import { trustedOrigins } from "./base-url";
import { parseRole } from "./roles";
import { firstIssue, ZSetRoleSchema, ZSignInSchema, ZSignUpSchema } from "./schemas";
import { getSignUpSettings } from "./settings";
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
}

/** Builds the better-auth instance: email + password, roles via the admin plugin, and CKS Lab's rules as hooks. */
export function createAuth({ secret, baseURL, lastPlugins = [] }: AuthConfig) {
  return betterAuth({
    appName: "CKS Lab",
    secret,
    baseURL,
    trustedOrigins: trustedOrigins(baseURL),
    database: prismaAdapter(db(), { provider: "sqlite" }),
    emailAndPassword: { enabled: true, minPasswordLength: 8, maxPasswordLength: 128, autoSignIn: true },
    // Endpoints no page offers: a smaller surface, and no name or email that skipped our schemas.
    disabledPaths: ["/update-user", "/change-email"],
    rateLimit: { enabled: true, storage: "memory", window: 60, max: 300, customRules: { ...AUTH_RATE_LIMITS } },
    telemetry: { enabled: false },
    // better-auth skips its Origin/CSRF check when NODE_ENV=test unless told otherwise; never skip it.
    advanced: { disableOriginCheck: false },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        if (ctx.path === "/sign-up/email") return { context: { body: await checkSignUp(ctx.body) } };
        if (ctx.path === "/sign-in/email") {
          const parsed = ZSignInSchema.safeParse(ctx.body);
          if (!parsed.success) throw new APIError("BAD_REQUEST", { message: firstIssue(parsed.error) });
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
    },
    databaseHooks: {
      user: {
        create: {
          after: async (user) => {
            await promoteIfFirstUser(user.id);
          },
        },
      },
    },
    plugins: [admin({ ac, roles: acRoles, defaultRole: "student", adminRoles: ["instructor"] }), ...lastPlugins],
  });
}

/** The better-auth instance type. */
export type Auth = ReturnType<typeof createAuth>;

async function checkSignUp(body: unknown) {
  const parsed = ZSignUpSchema.safeParse(body);
  if (!parsed.success) throw new APIError("BAD_REQUEST", { message: firstIssue(parsed.error) });
  const decision = decideSignUp(await getSignUpSettings(), {
    existingUsers: await countUsers(),
    inviteCode: parsed.data.inviteCode,
  });
  if (!decision.allowed) throw new APIError("FORBIDDEN", { message: decision.message });
  const { inviteCode: _inviteCode, ...fields } = parsed.data;
  return fields;
}

async function refuseRemovingLastInstructor(userId: string, role: string) {
  if (role === "instructor") return;
  const target = await db().user.findUnique({ where: { id: userId }, select: { role: true } });
  if (target && parseRole(target.role) === "instructor" && (await countInstructors()) <= 1) {
    throw new APIError("FORBIDDEN", { message: "CKS Lab needs at least one instructor; promote someone else first." });
  }
}
