import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "@/lib/db/generated/client";
import { resolveDatabaseUrl } from "./database-url";

const globalForPrisma = globalThis as unknown as { cksPrisma?: PrismaClient };

/** The process-wide Prisma client on the configured SQLite file (migrated by `npm start`). */
export function db(): PrismaClient {
  if (!globalForPrisma.cksPrisma) {
    const { url } = resolveDatabaseUrl(process.env.DATABASE_URL);
    globalForPrisma.cksPrisma = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url }) });
  }
  return globalForPrisma.cksPrisma;
}
