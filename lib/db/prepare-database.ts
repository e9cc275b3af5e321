import Database from "better-sqlite3";
import { AppError } from "@/lib/errors/app-error";
import { resolveDatabaseUrl, type SqliteLocation } from "./database-url";
import { defaultPrismaPaths, migrateDatabase, type PrismaPaths } from "./migrations";

/** Resolves DATABASE_URL, applies pending migrations and switches the file to WAL mode. */
export async function prepareDatabase(
  rawUrl: string | undefined = process.env.DATABASE_URL,
  paths: PrismaPaths = defaultPrismaPaths(),
): Promise<SqliteLocation & { applied: string[] }> {
  const location = resolveDatabaseUrl(rawUrl);
  const applied = await migrateDatabase(location.file, paths);
  try {
    // WAL lets readers continue while a grading run writes; the setting persists in the file.
    const sqlite = new Database(location.file);
    sqlite.pragma("journal_mode = WAL");
    sqlite.close();
  } catch (error) {
    throw new AppError("DATABASE_UNAVAILABLE", `Cannot open ${location.file}: ${(error as Error).message}`);
  }
  return { ...location, applied };
}
