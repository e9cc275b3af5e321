import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { bindMigrationAwareSqlAdapterFactory, type SqlDriverAdapter } from "@prisma/driver-adapter-utils";
import type * as EngineModule from "@prisma/schema-engine-wasm/schema_engine_bg";

// Prisma's native schema engine is a binary download that this environment cannot reach.
// The same engine ships on npm compiled to WebAssembly; Node 20 cannot import .wasm as an
// ES module, so we instantiate it by hand and give it a driver adapter for the database.

type Engine = EngineModule.SchemaEngine;
export type MigrationList = Parameters<Engine["applyMigrations"]>[0]["migrationsList"];

const NO_FILTERS = { externalTables: [], externalEnums: [] };
let modulePromise: Promise<typeof EngineModule> | undefined;

async function loadEngineModule(): Promise<typeof EngineModule> {
  const require = createRequire(import.meta.url);
  const glue = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const bg = (await import(glue)) as typeof EngineModule & { __wbg_set_wasm(exports: unknown): void };
  const bytes = readFileSync(path.join(path.dirname(glue), "schema_engine_bg.wasm"));
  const { instance } = await WebAssembly.instantiate(bytes, {
    "./schema_engine_bg.js": bg as unknown as WebAssembly.ModuleImports,
  });
  bg.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as (() => void) | undefined)?.();
  return bg;
}

/** A schema engine session bound to one SQLite file. */
export interface SchemaEngineSession {
  applyMigrations(list: MigrationList): Promise<string[]>;
  /** SQL that takes the live database to the given schema; empty when they already match. */
  diffDatabaseToSchema(schema: { path: string; content: string }): Promise<string>;
  close(): Promise<void>;
}

/** Opens the WASM schema engine against the SQLite database at `fileUrl`. */
export async function openSchemaEngine(
  fileUrl: string,
  schema: { path: string; content: string },
): Promise<SchemaEngineSession> {
  modulePromise ??= loadEngineModule();
  const mod = await modulePromise;
  // The engine never closes the connections it opens; track them so close() can, or the
  // file stays locked for the rest of the process.
  const inner = new PrismaBetterSqlite3({ url: fileUrl });
  const opened: SqlDriverAdapter[] = [];
  const track = async (connect: () => Promise<SqlDriverAdapter>) => {
    const connection = await connect();
    opened.push(connection);
    return connection;
  };
  const adapter = bindMigrationAwareSqlAdapterFactory({
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: () => track(() => inner.connect()),
    connectToShadowDb: () => track(() => inner.connectToShadowDb()),
  });
  const logs: string[] = [];
  const engine = await mod.SchemaEngine.new(
    { datamodels: [[schema.path, schema.content]] },
    (line: string) => logs.push(line),
    adapter,
  );
  return {
    async applyMigrations(list) {
      const out = await engine.applyMigrations({ migrationsList: list, filters: NO_FILTERS });
      return out.appliedMigrationNames;
    },
    async diffDatabaseToSchema(target) {
      const out = await engine.diff({
        from: { tag: "schemaDatasource", files: [schema], configDir: path.dirname(schema.path) },
        to: { tag: "schemaDatamodel", files: [target] },
        script: true,
        exitCode: null,
        filters: NO_FILTERS,
      });
      const sql = out.stdout ?? "";
      return /^\s*(--[^\n]*\n?\s*)*$/.test(sql) ? "" : sql;
    },
    async close() {
      engine.free();
      await Promise.all(opened.map((c) => c.dispose()));
    },
  };
}
