// better-auth as configured for CKS Lab, driven through its real HTTP handler (the path the
// forms use) against a fresh SQLite file: hooks, roles, sign-up modes and the rate limiter.
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { prepareDatabase } from "@/lib/db/prepare-database";
import { createAuth, type Auth } from "./server";
import { saveSignUpSettings } from "./settings";

const BASE = "http://localhost:3999";
const globalForPrisma = globalThis as unknown as { cksPrisma?: unknown };
let previousUrl: string | undefined;
let auth: Auth;

beforeAll(async () => {
  previousUrl = process.env.DATABASE_URL;
  const { url } = await prepareDatabase(
    `file:${path.join(mkdtempSync(path.join(os.tmpdir(), "cks-auth-")), "auth.db")}`,
  );
  process.env.DATABASE_URL = url;
  globalForPrisma.cksPrisma = undefined;
  auth = createAuth({ secret: "test-secret-".padEnd(40, "x"), baseURL: BASE });
});

afterAll(async () => {
  await db().$disconnect();
  globalForPrisma.cksPrisma = undefined;
  process.env.DATABASE_URL = previousUrl;
});

let ip = 0;
/** POSTs like a browser on its own address would, so each test has its own rate-limit bucket. */
function post(pathname: string, body: unknown, { cookie, from }: { cookie?: string; from?: string } = {}) {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    origin: BASE,
    "x-forwarded-for": from ?? `192.0.2.${++ip}`,
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
    password: "long-enough-pw",
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

describe("CKS Lab's better-auth configuration", () => {
  let instructor: { id: string; cookie: string };
  let student: { id: string; cookie: string };

  it("makes the first account instructor and later ones students, with an HttpOnly Lax cookie", async () => {
    const first = await signUp("Ida");
    expect(first.response.status).toBe(200);
    expect(first.response.headers.get("set-cookie")).toMatch(/HttpOnly/i);
    expect(first.response.headers.get("set-cookie")).toMatch(/SameSite=Lax/i);
    instructor = { id: first.body.user!.id, cookie: first.cookie };
    const second = await signUp("Stu");
    student = { id: second.body.user!.id, cookie: second.cookie };
    expect(await roleOf(instructor.id)).toBe("instructor");
    expect(await roleOf(student.id)).toBe("student");
  });

  it("validates sign-up input with the shared schema and refuses a role sent by the client", async () => {
    expect((await signUp("Short", { password: "short" })).body.message).toBe(
      "Use at least 8 characters for your password.",
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
            { email: "stu@example.test", password: `wrong-${i}-guess` },
            { from: "203.0.113.7" },
          )
        ).status,
      );
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    expect(
      (await post("/sign-in/email", { email: "stu@example.test", password: "long-enough-pw" }, { from: "203.0.113.8" }))
        .status,
    ).toBe(200);
  });

  it("revokes every session of a user at once", async () => {
    const other = await post("/sign-in/email", { email: "stu@example.test", password: "long-enough-pw" });
    expect(other.status).toBe(200);
    expect(await db().session.count({ where: { userId: student.id } })).toBeGreaterThanOrEqual(2);
    expect((await post("/revoke-sessions", {}, { cookie: student.cookie })).status).toBe(200);
    expect(await db().session.count({ where: { userId: student.id } })).toBe(0);
  });
});
