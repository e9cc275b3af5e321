import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { prepareDatabase } from "@/lib/db/prepare-database";
import { getSignUpSettings, saveSignUpSettings } from "./settings";
import { countInstructors, listUsers, promoteIfFirstUser } from "./users";

const globalForPrisma = globalThis as unknown as { cksPrisma?: unknown };
let previousUrl: string | undefined;

beforeAll(async () => {
  previousUrl = process.env.DATABASE_URL;
  const { url } = await prepareDatabase(
    `file:${path.join(mkdtempSync(path.join(os.tmpdir(), "cks-users-")), "users.db")}`,
  );
  process.env.DATABASE_URL = url;
  globalForPrisma.cksPrisma = undefined;
});

afterAll(async () => {
  await db().$disconnect();
  globalForPrisma.cksPrisma = undefined;
  process.env.DATABASE_URL = previousUrl;
});

const addUser = (id: string, at: string) =>
  db().user.create({
    data: {
      id,
      name: `User ${id}`,
      email: `${id}@example.test`,
      role: "student",
      createdAt: new Date(at),
      updatedAt: new Date(at),
    },
  });

describe("first user becomes instructor", () => {
  it("promotes only the oldest account, only once, even when the later one asks first", async () => {
    await addUser("first", "2026-01-01T00:00:00Z");
    await addUser("second", "2026-01-01T00:00:01Z");
    expect(await promoteIfFirstUser("second")).toBe(false);
    expect(await promoteIfFirstUser("first")).toBe(true);
    expect(await promoteIfFirstUser("first")).toBe(false);
    expect(await countInstructors()).toBe(1);
    // Only the columns the admin page shows.
    expect(await listUsers()).toEqual([
      { id: "first", name: "User first", email: "first@example.test", role: "instructor" },
      { id: "second", name: "User second", email: "second@example.test", role: "student" },
    ]);
  });

  it("never makes a later sign-up instructor while an instructor exists", async () => {
    await db().user.update({ where: { id: "first" }, data: { role: "student" } });
    await db().user.update({ where: { id: "second" }, data: { role: "instructor" } });
    await addUser("third", "2026-01-01T00:00:02Z");
    expect(await promoteIfFirstUser("first")).toBe(false);
    expect(await promoteIfFirstUser("third")).toBe(false);
    expect(await countInstructors()).toBe(1);
  });
});

describe("sign-up settings", () => {
  it("default to open, and keep an invite code only in invite mode", async () => {
    expect(await getSignUpSettings()).toEqual({ mode: "open", inviteCode: null });
    await saveSignUpSettings({ mode: "invite", inviteCode: "class-of-2026" });
    expect(await getSignUpSettings()).toEqual({ mode: "invite", inviteCode: "class-of-2026" });
    await saveSignUpSettings({ mode: "closed", inviteCode: "ignored-code" });
    expect(await getSignUpSettings()).toEqual({ mode: "closed", inviteCode: null });
  });

  it("fail closed on a mode the code does not know", async () => {
    await db().setting.update({ where: { id: "global" }, data: { signUpMode: "everyone" } });
    expect((await getSignUpSettings()).mode).toBe("closed");
  });
});
