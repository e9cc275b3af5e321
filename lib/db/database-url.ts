import path from "node:path";
import { AppError } from "@/lib/errors/app-error";

/** Where the SQLite file lives when DATABASE_URL is not set. */
export const DEFAULT_DATABASE_URL = "file:./data/cks-lab.db";

export interface SqliteLocation {
  url: string;
  /** Absolute path of the database file. */
  file: string;
}

/**
 * Resolves DATABASE_URL (or the default) to an absolute SQLite file path, relative paths
 * being taken from `cwd`. Anything else is a configuration error with one readable line.
 */
export function resolveDatabaseUrl(raw: string | undefined, cwd: string = process.cwd()): SqliteLocation {
  const url = raw === undefined || raw.trim() === "" ? DEFAULT_DATABASE_URL : raw.trim();
  if (/^postgres(ql)?:\/\//i.test(url)) {
    throw new AppError(
      "CONFIG_INVALID",
      "DATABASE_URL points at PostgreSQL, but this build stores data in SQLite only; use a file: URL such as file:./data/cks-lab.db (see README, Storage).",
    );
  }
  if (!url.startsWith("file:")) {
    throw new AppError(
      "CONFIG_INVALID",
      `DATABASE_URL must be a SQLite file: URL such as ${DEFAULT_DATABASE_URL}; found "${redact(url)}".`,
    );
  }
  const filePart =
    url
      .slice("file:".length)
      .replace(/^\/\/(?=\/)/, "")
      .split("?")[0] ?? "";
  if (filePart === "" || filePart.endsWith("/")) {
    throw new AppError(
      "CONFIG_INVALID",
      `DATABASE_URL "${redact(url)}" names no file; expected e.g. ${DEFAULT_DATABASE_URL}.`,
    );
  }
  const file = path.resolve(cwd, filePart);
  return { url: `file:${file}`, file };
}

// A URL may carry a password; never echo it back.
function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
}
