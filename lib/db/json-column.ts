import type { z } from "zod";
import type { Prisma } from "./generated/client";

/**
 * A list as a Json column stores it: exactly what JSON keeps of it (undefined fields dropped, dates as
 * text), so what is read back later is what was written. Reading goes through `readJsonList`.
 */
export function toJsonList(list: readonly unknown[]): Prisma.InputJsonArray {
  // JSON.parse of JSON text is a JSON value by construction; its `any` only needs naming.
  return JSON.parse(JSON.stringify(list)) as Prisma.InputJsonArray;
}

/**
 * Reads a stored JSON list through its zod schema: each item that parses, in order. An item that does
 * not (written by a version that no longer exists, or damaged) is left out and counted, never guessed at;
 * a value that is not a list at all counts as one unreadable item.
 */
export function readJsonList<T>(schema: z.ZodType<T>, stored: unknown): { items: T[]; unreadable: number } {
  if (!Array.isArray(stored)) return { items: [], unreadable: stored === null || stored === undefined ? 0 : 1 };
  const items: T[] = [];
  let unreadable = 0;
  for (const item of stored) {
    const parsed = schema.safeParse(item);
    if (parsed.success) items.push(parsed.data);
    else unreadable += 1;
  }
  return { items, unreadable };
}
