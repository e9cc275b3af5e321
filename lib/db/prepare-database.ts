import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { AppError } from "@/lib/errors/app-error";
import { resolveDatabaseUrl, type SqliteLocation } from "./database-url";
import { defaultPrismaPaths, migrateDatabase, type PrismaPaths } from "./migrations";
import { errorMessage } from "@/lib/errors/error-message";

/** Resolves DATABASE_URL, applies pending migrations and switches the file to WAL mode. */
export async function prepareDatabase(
  rawUrl: string | undefined = process.env.DATABASE_URL,
  paths: PrismaPaths = defaultPrismaPaths(),
): Promise<SqliteLocation & { applied: string[] }> {
  const location = resolveDatabaseUrl(rawUrl);
  restrictDatabaseFiles(location.file);
  const applied = await migrateDatabase(location.file, paths);
  try {
    // WAL lets readers continue while a grading run writes; the setting persists in the file.
    const sqlite = new Database(location.file);
    sqlite.pragma("journal_mode = WAL");
    sqlite.close();
  } catch (error) {
    throw new AppError("DATABASE_UNAVAILABLE", `Cannot open ${location.file}: ${errorMessage(error)}`);
  }
  return { ...location, applied };
}

/**
 * The database holds password hashes, sessions and sealed kubeconfigs: only the server's user may read
 * it. Creates the file 0600 before SQLite does (SQLite gives its -wal and -shm files the database
 * file's mode) and tightens an existing file and its companions; a new folder for it is 0700.
 */
export function restrictDatabaseFiles(file: string): void {
  try {
    if (!existsSync(path.dirname(file))) mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    if (!existsSync(file)) closeSync(openSync(file, "a", 0o600));
  } catch {
    // An unusable location: the migrator explains it in its own words (file, folder, DATABASE_URL).
    return;
  }
  try {
    for (const suffix of ["", "-wal", "-shm", "-journal"]) {
      if (existsSync(`${file}${suffix}`)) chmodSync(`${file}${suffix}`, 0o600);
    }
  } catch (error) {
    throw new AppError("DATABASE_UNAVAILABLE", `Cannot create ${file} with mode 0600: ${errorMessage(error)}`);
  }
}
