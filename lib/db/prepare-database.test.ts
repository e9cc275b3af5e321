import { chmodSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { prepareDatabase } from "./prepare-database";

const mode = (file: string) => statSync(file).mode & 0o777;

describe("database file modes", () => {
  it("creates the database and its WAL and shared-memory files readable by this user only", async () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), "cks-modes-")), "data");
    const { file } = await prepareDatabase(`file:${path.join(dir, "cks-lab.db")}`);
    // A connection that writes, as the app's does: SQLite now creates -wal and -shm.
    const sqlite = new Database(file);
    sqlite.prepare(`INSERT INTO "setting" ("id", "signUpMode", "updatedAt") VALUES ('probe', 'open', 0)`).run();
    expect([mode(dir), mode(file), mode(`${file}-wal`), mode(`${file}-shm`)]).toEqual([0o700, 0o600, 0o600, 0o600]);
    sqlite.close();
  });

  it("tightens a database left world-readable by an older version", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "cks-modes-"));
    const file = path.join(dir, "old.db");
    writeFileSync(file, "");
    chmodSync(file, 0o644);
    await prepareDatabase(`file:${file}`);
    expect(mode(file)).toBe(0o600);
  });
});
