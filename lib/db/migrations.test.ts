import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { createMigration, defaultPrismaPaths, migrateDatabase, pendingSchemaChanges } from "./migrations";
import { prepareDatabase } from "./prepare-database";

const tmp = () => mkdtempSync(path.join(os.tmpdir(), "cks-db-"));

describe("migrations (WASM schema engine, no network)", () => {
  it("prisma/migrations produce exactly what schema.prisma describes", async () => {
    // A schema change without `npm run db:migrate:new` fails here.
    expect(await pendingSchemaChanges()).toBe("");
  });

  it("migrates a new SQLite file once, records it in _prisma_migrations, and is idempotent", async () => {
    const file = path.join(tmp(), "nested", "lab.db");
    const first = await migrateDatabase(file);
    expect(first).toEqual(readdirSync(defaultPrismaPaths().migrationsDir).filter((n) => /^\d{14}_/.test(n)));
    expect(await migrateDatabase(file)).toEqual([]);
    const sqlite = new Database(file, { readonly: true });
    const applied = sqlite.prepare("select migration_name from _prisma_migrations where finished_at is not null").all();
    const tables = sqlite.prepare("select name from sqlite_master where type = 'table'").all();
    sqlite.close();
    expect(applied).toHaveLength(first.length);
    expect(tables).toContainEqual({ name: "user_bookmark" });
  });

  it("keeps stored rows when migrating again", async () => {
    const { file } = await prepareDatabase(`file:${path.join(tmp(), "keep.db")}`);
    const sqlite = new Database(file);
    sqlite.prepare(`insert into "user" (id, name, email) values ('u1', 'Ada', 'ada@example.test')`).run();
    sqlite
      .prepare(
        `insert into "user_bookmark" (id, userId, lessonId) values ('b1', 'u1', 'runtime-security/immutable-containers')`,
      )
      .run();
    sqlite.close();
    await prepareDatabase(`file:${file}`);
    const again = new Database(file, { readonly: true });
    expect(again.prepare(`select lessonId from "user_bookmark"`).all()).toEqual([
      { lessonId: "runtime-security/immutable-containers" },
    ]);
    expect(again.pragma("journal_mode", { simple: true })).toBe("wal");
    again.close();
  });

  it("generates a new migration from a schema change in Prisma's folder layout", async () => {
    const root = tmp();
    cpSync(path.resolve("prisma"), path.join(root, "prisma"), { recursive: true });
    const paths = defaultPrismaPaths(root);
    expect(await createMigration("nothing_changed", paths)).toBeNull();
    const schema = readFileSync(paths.schemaFile, "utf8").replace(
      "lessonId  String\n",
      "lessonId  String\n  note      String?\n",
    );
    writeFileSync(paths.schemaFile, schema);
    const dir = await createMigration("add_note", paths, new Date("2030-01-02T03:04:05Z"));
    expect(path.basename(dir!)).toBe("20300102030405_add_note");
    expect(readFileSync(path.join(dir!, "migration.sql"), "utf8")).toContain(
      'ALTER TABLE "user_bookmark" ADD COLUMN "note" TEXT;',
    );
    expect(await pendingSchemaChanges(paths)).toBe("");
    await expect(createMigration("Bad Name", paths)).rejects.toThrow(/must be lower-case letters/);
  });

  it("explains an unusable database location in one line", async () => {
    await expect(prepareDatabase("file:/dev/null/x.db")).rejects.toThrow(
      "Cannot create the folder /dev/null for the database file (a file is in the way); check DATABASE_URL.",
    );
    const notDb = path.join(tmp(), "notes.txt");
    writeFileSync(notDb, "hello, this is not SQLite ".repeat(100));
    await expect(prepareDatabase(`file:${notDb}`)).rejects.toThrow(
      /^Migrating .*notes\.txt failed: file is not a database$/,
    );
  });
});
