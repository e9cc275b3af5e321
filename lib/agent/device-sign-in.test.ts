// cks-lab-agent's sign-in through better-auth's real HTTP handler against a fresh SQLite file: the device
// code, the learner's approval behind the app's use case, and the credential the agent receives.
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureSetupCode } from "@/lib/auth/ensure-setup-code";
import { createAuth, type Auth } from "@/lib/auth/server";
import { db } from "@/lib/db/client";
import { prepareDatabase } from "@/lib/db/prepare-database";
import { decideDeviceCode } from "./approve-device";
import { findAgentCredential, listAgentCredentials, revokeAgentCredential } from "./credentials";

const BASE = "http://localhost:3998";
const globalForPrisma = globalThis as unknown as { cksPrisma?: unknown };
let previousUrl: string | undefined;
let auth: Auth;
let setupCode: string;

beforeAll(async () => {
  previousUrl = process.env.DATABASE_URL;
  const dir = mkdtempSync(path.join(os.tmpdir(), "cks-agent-"));
  const { url } = await prepareDatabase(`file:${path.join(dir, "agent.db")}`);
  process.env.DATABASE_URL = url;
  globalForPrisma.cksPrisma = undefined;
  setupCode = path.join(dir, "setup");
  auth = createAuth({ secret: "test-secret-".padEnd(40, "x"), baseURL: BASE, setupCode });
});

afterAll(async () => {
  await db().$disconnect();
  globalForPrisma.cksPrisma = undefined;
  process.env.DATABASE_URL = previousUrl;
});

let ip = 0;
function post(pathname: string, body: unknown, cookie?: string) {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    origin: BASE,
    "x-cks-client-ip": `198.51.100.${++ip}`,
  };
  if (cookie) headers.cookie = cookie;
  return auth.handler(
    new Request(`${BASE}/api/auth${pathname}`, { method: "POST", headers, body: JSON.stringify(body) }),
  );
}

async function signUp(name: string, extra: Record<string, string> = {}) {
  const response = await post("/sign-up/email", {
    name,
    email: `${name}@example.test`,
    password: "long-enough-password-for-agents",
    ...extra,
  });
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const { user } = (await response.json()) as { user: { id: string } };
  return { id: user.id, headers: new Headers({ cookie, origin: BASE }) };
}

const tokenRequest = (deviceCode: string) =>
  post("/agent/token", {
    grant_type: "urn:ietf:params:oauth:grant-type:device_code",
    device_code: deviceCode,
    client_id: "cks-lab-agent",
    hostname: "laptop-7",
  });

async function deviceCode() {
  const response = await post("/device/code", { client_id: "cks-lab-agent" });
  expect(response.status).toBe(200);
  return (await response.json()) as { device_code: string; user_code: string; verification_uri_complete: string };
}

describe("agent sign-in (device authorization)", () => {
  it("gives the agent a credential bound to the learner who approved its code, after and only after approval", async () => {
    await signUp("first-instructor", { setupCode: ensureSetupCode(setupCode) });
    const learner = await signUp("learner");
    const code = await deviceCode();
    expect(code.verification_uri_complete).toBe(`${BASE}/device?user_code=${code.user_code}`);

    const pending = await tokenRequest(code.device_code);
    expect(pending.status).toBe(400);
    expect(await pending.json()).toMatchObject({ error: "authorization_pending" });

    const typed = `${code.user_code.slice(0, 4).toLowerCase()}-${code.user_code.slice(4)}`;
    expect(await decideDeviceCode(auth, learner.headers, typed, "approve")).toEqual({ ok: true, decision: "approved" });
    // RFC 8628's polling interval applies between polls.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const granted = await tokenRequest(code.device_code);
    expect(granted.status).toBe(200);
    expect(granted.headers.getSetCookie()).toEqual([]);
    const { access_token: token } = (await granted.json()) as { access_token: string };
    expect(token).toMatch(/^cksa_/);
    expect(await findAgentCredential(token)).toMatchObject({ userId: learner.id, hostname: "laptop-7" });

    // Stored hashed: the token itself is nowhere in the table.
    const rows = await db().agentCredential.findMany();
    expect(JSON.stringify(rows)).not.toContain(token.slice(5));

    // Redeemed once; revoking kills it.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect((await tokenRequest(code.device_code)).status).toBe(400);
    const [listed] = await listAgentCredentials(learner.id);
    expect(await revokeAgentCredential("someone-else", listed!.id)).toBe(false);
    expect(await revokeAgentCredential(learner.id, listed!.id)).toBe(true);
    expect(await findAgentCredential(token)).toBeNull();
  }, 60_000);

  it("refuses another learner's code, a denied code, other clients, and never issues browser sessions", async () => {
    const owner = await signUp("owner");
    const other = await signUp("other");
    const code = await deviceCode();
    expect(await decideDeviceCode(auth, owner.headers, code.user_code, "deny")).toEqual({
      ok: true,
      decision: "denied",
    });
    expect(await decideDeviceCode(auth, other.headers, code.user_code, "approve")).toMatchObject({ ok: false });
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect(await (await tokenRequest(code.device_code)).json()).toMatchObject({ error: "access_denied" });

    const claimed = await deviceCode();
    expect(await decideDeviceCode(auth, owner.headers, "NOTACODE", "approve")).toMatchObject({
      ok: false,
      error: expect.stringContaining("not waiting for approval"),
    });
    await auth.api.deviceVerify({ query: { user_code: claimed.user_code }, headers: owner.headers });
    expect(await decideDeviceCode(auth, other.headers, claimed.user_code, "approve")).toMatchObject({ ok: false });

    expect((await post("/device/code", { client_id: "something-else" })).status).toBe(400);
    for (const pathname of ["/device/token", "/device/approve", "/device/deny"]) {
      expect((await post(pathname, { device_code: code.device_code, userCode: code.user_code }, "")).status).toBe(404);
    }
  }, 60_000);
});
