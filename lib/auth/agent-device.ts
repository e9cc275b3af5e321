// cks-lab-agent's sign-in: better-auth's device authorization plugin (RFC 8628) runs the codes, polling
// and approval; this plugin is its one token issuer. Instead of a browser session, a redeemed approval
// becomes an agent credential (lib/agent/credentials.ts): bound to the approving learner, stored hashed,
// good only for opening that learner's tunnel, revocable from the Cluster page.
import { APIError, createAuthEndpoint } from "better-auth/api";
import { deviceAuthorization, redeemDeviceCode } from "better-auth/plugins";
import type { BetterAuthPlugin } from "better-auth";
import { z } from "zod";
import { createAgentCredential } from "@/lib/agent/credentials";

/** The only client the device flow serves. */
export const AGENT_CLIENT_ID = "cks-lab-agent";

/**
 * Device endpoints that stay off the HTTP API: `/device/token` would hand out a browser session, and
 * approving or denying goes through the app's own door (app/device/actions.ts calls them server-side).
 */
export const AGENT_DISABLED_PATHS = ["/device/token", "/device", "/device/approve", "/device/deny"];

/** Rate limits for the agent's unauthenticated endpoints (per client address and minute). */
export const AGENT_RATE_LIMITS = {
  "/device/code": { window: 60, max: 10 },
  "/agent/token": { window: 60, max: 40 },
} as const;

const ZAgentTokenSchema = z.object({
  grant_type: z.literal("urn:ietf:params:oauth:grant-type:device_code"),
  device_code: z.string().min(1).max(200),
  client_id: z.literal(AGENT_CLIENT_ID),
  hostname: z.string().min(1).max(253),
});

function agentToken() {
  return {
    id: "cks-agent-token",
    endpoints: {
      agentToken: createAuthEndpoint("/agent/token", { method: "POST", body: ZAgentTokenSchema }, async (ctx) => {
        const { user } = await redeemDeviceCode({
          ctx,
          deviceCode: ctx.body.device_code,
          authorizeRedemption: (record) => {
            if (record.clientId !== AGENT_CLIENT_ID) {
              throw new APIError("BAD_REQUEST", { error: "invalid_grant", error_description: "Client ID mismatch" });
            }
            return { ownershipWhere: { field: "clientId", value: AGENT_CLIENT_ID }, context: undefined };
          },
          prepareRedemption: () => undefined,
        });
        const { token } = await createAgentCredential(user.id, ctx.body.hostname);
        ctx.setHeader("Cache-Control", "no-store");
        return ctx.json({ access_token: token, token_type: "Bearer" });
      }),
    },
  } satisfies BetterAuthPlugin;
}

/** The device flow's plugins: codes that live 10 minutes, polled every 2 s, for cks-lab-agent only. */
export function agentDevicePlugins() {
  return [
    deviceAuthorization({
      expiresIn: "10m",
      interval: "2s",
      validateClient: (clientId) => clientId === AGENT_CLIENT_ID,
      verificationUri: "/device",
    }),
    agentToken(),
  ] as const;
}
