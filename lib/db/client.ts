import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "@/lib/db/generated/client";
import { resolveDatabaseUrl } from "./database-url";

const globalForPrisma = globalThis as unknown as { cksPrisma?: { url: string; client: PrismaClient } };

/** The process-wide Prisma client on the configured SQLite file (migrated by `npm start`). */
export function db(): PrismaClient {
  const { url } = resolveDatabaseUrl(process.env.DATABASE_URL);
  // Keyed by URL so a test that points DATABASE_URL at its own file never reuses another file's client.
  if (globalForPrisma.cksPrisma?.url !== url) {
    globalForPrisma.cksPrisma = { url, client: new PrismaClient({ adapter: new PrismaBetterSqlite3({ url }) }) };
  }
  return globalForPrisma.cksPrisma.client;
}
