import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { db } from "./client";
import { prepareDatabase } from "./prepare-database";

/** For tests: points DATABASE_URL at a new, migrated SQLite file of their own (db() follows it). */
export async function useTestDatabase(name: string): Promise<string> {
  const url = `file:${path.join(mkdtempSync(path.join(os.tmpdir(), `cks-${name}-`)), "test.db")}`;
  process.env.DATABASE_URL = url;
  await prepareDatabase(url);
  return url;
}

let counter = 0;

/** For tests: a user row with a unique id and email, returning the id. */
export async function createTestUser(role: "student" | "grader" | "instructor" = "student"): Promise<string> {
  counter += 1;
  const id = `user-${counter}-${Math.random().toString(36).slice(2, 8)}`;
  await db().user.create({ data: { id, name: `Learner ${counter}`, email: `${id}@example.test`, role } });
  return id;
}
