// better-auth as configured for CKS Lab, driven through its real HTTP handler (the path the
// forms use) against a fresh SQLite file: hooks, roles, sign-up modes and the rate limiter.
import { existsSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { prepareDatabase } from "@/lib/db/prepare-database";
import { ensureSetupCode } from "./ensure-setup-code";
import { createAuth, KNOWN_DEVICE_COOKIE, type Auth } from "./server";
import { saveSignUpSettings } from "./settings";
import { SignInBackoff } from "./sign-in-backoff";

const BASE = "http://localhost:3999";
const globalForPrisma = globalThis as unknown as { cksPrisma?: unknown };
let previousUrl: string | undefined;
let auth: Auth;
let now = Date.parse("2026-11-28T09:00:00Z");
let setupCodeFile: string;

beforeAll(async () => {
  previousUrl = process.env.DATABASE_URL;
  const dir = mkdtempSync(path.join(os.tmpdir(), "cks-auth-"));
  const { url } = await prepareDatabase(`file:${path.join(dir, "auth.db")}`);
  setupCodeFile = path.join(dir, "setup-code");
  process.env.DATABASE_URL = url;
  globalForPrisma.cksPrisma = undefined;
  auth = createAuth({
    secret: "test-secret-".padEnd(40, "x"),
    baseURL: BASE,
    backoff: new SignInBackoff(() => now),
    setupCode: setupCodeFile,
  });
});

afterAll(async () => {
  await db().$disconnect();
  globalForPrisma.cksPrisma = undefined;
  process.env.DATABASE_URL = previousUrl;
});

let ip = 0;
/**
 * POSTs like a browser on its own address would, so each test has its own rate-limit bucket. The
 * address is the one scripts/server.ts stamps from the socket (x-cks-client-ip); `extra` headers are
 * whatever else the client chose to send.
 */
function post(
  pathname: string,
  body: unknown,
  { cookie, from, extra = {} }: { cookie?: string; from?: string; extra?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = {
    ...extra,
    "content-type": "application/json",
    origin: BASE,
    "x-cks-client-ip": from ?? `192.0.2.${++ip}`,
  };
  if (cookie) headers.cookie = cookie;
  return auth.handler(
    new Request(`${BASE}/api/auth${pathname}`, { method: "POST", headers, body: JSON.stringify(body) }),
  );
}

async function signUp(name: string, extra: Record<string, unknown> = {}) {
  const response = await post("/sign-up/email", {
    name,
    email: `${name.toLowerCase()}@example.test`,
    password: "long-enough-password",
    ...extra,
  });
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  return { response, cookie, body: (await response.json()) as { user?: { id: string }; message?: string } };
}

const roleOf = async (id: string) =>
  (await db().user.findUniqueOrThrow({ where: { id }, select: { role: true } })).role;

// Every sign-in and sign-up hashes a password with scrypt: on a busy two-core machine a test with a
// dozen of them takes longer than Vitest's default 5 s.
describe("CKS Lab's better-auth configuration", { timeout: 60_000 }, () => {
  let instructor: { id: string; cookie: string };
  let student: { id: string; cookie: string };

  it("lets only the holder of the setup code claim a fresh instance, once", async () => {
    const code = ensureSetupCode(setupCodeFile);
    expect((await signUp("Eve")).body.message).toMatch(/setup code CKS Lab printed/);
    expect((await signUp("Eve", { setupCode: "AAAAA-BBBBB-CCCCC-DDDDD" })).response.status).toBe(403);
    expect(await db().user.count()).toBe(0);
    expect(existsSync(setupCodeFile)).toBe(true);
    const first = await signUp("Ida", { setupCode: code.toLowerCase() });
    expect(first.response.status).toBe(200);
    // The code dies when used.
    expect(existsSync(setupCodeFile)).toBe(false);
    instructor = { id: first.body.user!.id, cookie: first.cookie };
    expect(await roleOf(instructor.id)).toBe("instructor");
  });

  it("makes later accounts students, with an HttpOnly Lax cookie", async () => {
    const first = { response: (await signUp("Ivy")).response };
    expect(first.response.status).toBe(200);
    expect(first.response.headers.get("set-cookie")).toMatch(/HttpOnly/i);
    expect(first.response.headers.get("set-cookie")).toMatch(/SameSite=Lax/i);
    const second = await signUp("Stu");
    student = { id: second.body.user!.id, cookie: second.cookie };
    expect(await roleOf(instructor.id)).toBe("instructor");
    expect(await roleOf(student.id)).toBe("student");
  });

  it("validates sign-up input with the shared schema and refuses a role sent by the client", async () => {
    expect((await signUp("Short", { password: "short" })).body.message).toBe(
      "Use at least 12 characters for your password.",
    );
    expect((await signUp("Common", { password: "qwerty123456" })).body.message).toMatch(/common passwords/);
    expect((await signUp("Dressed", { password: "Sunshine2026!" })).body.message).toMatch(/common passwords/);
    expect(await db().user.count({ where: { email: { in: ["common@example.test", "dressed@example.test"] } } })).toBe(
      0,
    );
    expect((await signUp("   ")).response.status).toBe(400);
    const sneaky = await signUp("Mallory", { role: "instructor" });
    expect(sneaky.response.status).toBe(400);
    expect(await db().user.count({ where: { email: "mallory@example.test" } })).toBe(0);
  });

  it("applies the sign-up mode: closed, then invite code", async () => {
    await saveSignUpSettings({ mode: "closed" });
    expect((await signUp("Closed")).response.status).toBe(403);
    await saveSignUpSettings({ mode: "invite", inviteCode: "class-of-2026" });
    expect((await signUp("NoCode")).body.message).toMatch(/invite code/);
    expect((await signUp("Wrong", { inviteCode: "class-of-2025" })).response.status).toBe(403);
    expect((await signUp("Right", { inviteCode: "class-of-2026" })).response.status).toBe(200);
    await saveSignUpSettings({ mode: "open" });
  });

  it("lets only instructors set roles, never their own, and never removes the last instructor", async () => {
    const asStudent = await post(
      "/admin/set-role",
      { userId: student.id, role: "instructor" },
      { cookie: student.cookie },
    );
    expect(asStudent.status).toBe(403);
    expect(await roleOf(student.id)).toBe("student");

    expect(
      (await post("/admin/set-role", { userId: instructor.id, role: "student" }, { cookie: instructor.cookie })).status,
    ).toBe(403);
    expect(
      (await post("/admin/set-role", { userId: student.id, role: "admin" }, { cookie: instructor.cookie })).status,
    ).toBe(400);
    expect(
      (
        await post(
          "/admin/set-role",
          { userId: student.id, role: ["grader", "instructor"] },
          { cookie: instructor.cookie },
        )
      ).status,
    ).toBe(400);
    expect(
      (await post("/admin/set-role", { userId: student.id, role: "grader" }, { cookie: instructor.cookie })).status,
    ).toBe(200);
    expect(await roleOf(student.id)).toBe("grader");

    // Promote, then the new instructor demotes the first: allowed while another instructor remains.
    await post("/admin/set-role", { userId: student.id, role: "instructor" }, { cookie: instructor.cookie });
    expect(
      (await post("/admin/set-role", { userId: instructor.id, role: "student" }, { cookie: student.cookie })).status,
    ).toBe(200);
    // The one instructor left cannot demote themselves, so the instance always keeps an instructor.
    expect(await db().user.count({ where: { role: "instructor" } })).toBe(1);
    expect(
      (await post("/admin/set-role", { userId: student.id, role: "student" }, { cookie: student.cookie })).status,
    ).toBe(403);
    expect(await roleOf(student.id)).toBe("instructor");
  });

  it("does not serve endpoints no page uses", async () => {
    expect((await post("/update-user", { name: "x".repeat(10_000) }, { cookie: student.cookie })).status).toBe(404);
    expect((await post("/change-email", { newEmail: "new@example.test" }, { cookie: student.cookie })).status).toBe(
      404,
    );
  });

  it("refuses cookie-carrying POSTs from another origin", async () => {
    const response = await auth.handler(
      new Request(`${BASE}/api/auth/sign-out`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: "http://evil.example", cookie: student.cookie },
        body: "{}",
      }),
    );
    expect(response.status).toBe(403);
  });

  it("answers 429 after 5 bad sign-ins from one address within a minute, and only for that address", async () => {
    const statuses = [];
    for (let i = 0; i < 6; i++)
      statuses.push(
        (
          await post(
            "/sign-in/email",
            { email: `nobody-${i}@example.test`, password: `wrong-${i}-guess` },
            { from: "203.0.113.7" },
          )
        ).status,
      );
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    expect(
      (
        await post(
          "/sign-in/email",
          { email: "stu@example.test", password: "long-enough-password" },
          { from: "203.0.113.8" },
        )
      ).status,
    ).toBe(200);
  });

  it("keeps the per-address limit however the client forges X-Forwarded-For", async () => {
    const statuses = [];
    for (let i = 0; i < 6; i++)
      statuses.push(
        (
          await post(
            "/sign-in/email",
            { email: `forger-${i}@example.test`, password: `wrong-${i}-guess` },
            { from: "203.0.113.9", extra: { "x-forwarded-for": `198.51.100.${i + 1}` } },
          )
        ).status,
      );
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it("holds an account after 5 failures from any addresses, but not a browser that signed in to it before", async () => {
    const owner = await post("/sign-in/email", { email: "stu@example.test", password: "long-enough-password" });
    expect(owner.status).toBe(200);
    const device = owner.headers.getSetCookie().find((c) => c.startsWith(`${KNOWN_DEVICE_COOKIE}=`));
    expect(device).toMatch(/HttpOnly/i);
    const ownersBrowser = device!.split(";")[0]!;

    // Five wrong guesses, each from its own address: the per-address limiter sees nothing unusual.
    for (let i = 0; i < 5; i++)
      expect((await post("/sign-in/email", { email: "stu@example.test", password: `guess-number-${i}` })).status).toBe(
        401,
      );
    // Now even the right password from a new browser waits, and says how long.
    const held = await post("/sign-in/email", { email: "stu@example.test", password: "long-enough-password" });
    expect(held.status).toBe(429);
    expect(held.headers.get("x-retry-after")).toBe("15");
    expect(((await held.json()) as { message: string }).message).toMatch(/Wait 15 seconds/);
    // The owner's usual browser is counted apart: the attacker's failures do not lock it out.
    expect(
      (
        await post(
          "/sign-in/email",
          { email: "stu@example.test", password: "long-enough-password" },
          { cookie: ownersBrowser },
        )
      ).status,
    ).toBe(200);
    // A refused attempt does not extend the hold; it ends by itself.
    now += 15_000;
    expect((await post("/sign-in/email", { email: "stu@example.test", password: "long-enough-password" })).status).toBe(
      200,
    );
  });

  it("never returns a session token in a response body, and serves no session list", async () => {
    const signIn = await post("/sign-in/email", { email: "stu@example.test", password: "long-enough-password" });
    const signInText = await signIn.text();
    expect(signIn.status).toBe(200);
    const token = /better-auth\.session_token=([^.;]+)/.exec(signIn.headers.get("set-cookie") ?? "")?.[1];
    expect(token).toBeTruthy();
    expect(signInText).not.toContain(token);
    expect(JSON.parse(signInText)).not.toHaveProperty("token");

    const session = await auth.handler(
      new Request(`${BASE}/api/auth/get-session`, {
        headers: {
          cookie: signIn.headers
            .getSetCookie()
            .map((c) => c.split(";")[0])
            .join("; "),
        },
      }),
    );
    const sessionText = await session.text();
    expect(JSON.parse(sessionText)).toMatchObject({ user: { email: "stu@example.test" } });
    expect(sessionText).not.toContain(token);
    expect(sessionText).not.toContain('"token"');

    for (const path of ["/list-sessions", "/admin/list-user-sessions", "/admin/impersonate-user"])
      expect((await post(path, { userId: student.id }, { cookie: instructor.cookie })).status).toBe(404);
  });

  it("revokes every session of a user at once", async () => {
    const other = await post("/sign-in/email", { email: "stu@example.test", password: "long-enough-password" });
    expect(other.status).toBe(200);
    expect(await db().session.count({ where: { userId: student.id } })).toBeGreaterThanOrEqual(2);
    expect((await post("/revoke-sessions", {}, { cookie: student.cookie })).status).toBe(200);
    expect(await db().session.count({ where: { userId: student.id } })).toBe(0);
  });
});
