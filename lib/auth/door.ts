// The one authorisation door, framework-free half. Every page, route handler and server action is built
// with route(), action(), formAction() or page() from lib/auth/session.ts, which attach a DoorMeta to
// the export and decide with `decide` below, so a test can read what each export really checks
// (lib/auth/routes.test.ts) instead of trusting a copy of the table.
import { can, type Action, type Actor } from "./policy";

/** Marks an export built by the door; its value is the export's DoorMeta. */
export const DOOR = Symbol.for("cks-lab.door");

/** Open to everyone, anonymous visitors included (sign-in pages, better-auth's own endpoints, lessons). */
export const PUBLIC = "public" as const;

/** What a door guards: a policy action, or PUBLIC. */
export type DoorAction = Action | typeof PUBLIC;

/**
 * Whose resource the action touches:
 * - `none`: nobody's in particular (the gradebook, sign-up settings);
 * - `self`: always the signed-in user's own (bookmarks, their saved connection);
 * - `input`: someone named by the input (the student a grade is for, the user whose role changes);
 * - `loaded`: read from the database by the input (an attempt's owner), after the input is parsed.
 */
export type Ownership = "none" | "self" | "input" | "loaded";

/** What an export checks; attached to it under DOOR, and the only thing the door decides from. */
export type DoorMeta = {
  readonly kind: "route" | "action" | "page";
  readonly action: DoorAction;
  readonly ownership: Ownership;
};

/** The door's answer for one request. */
export type Decision = "allowed" | "sign-in" | "forbidden";

/**
 * Decides one request: `ownerId` is the resource's owner (ignored for `none`; the user's own id for
 * `self`). Anonymous visitors are sent to sign in for anything not PUBLIC.
 */
export function decide(meta: DoorMeta, user: Actor, ownerId?: string): Decision {
  if (meta.action === PUBLIC) return "allowed";
  const owner = meta.ownership === "self" ? user?.id : ownerId;
  const resource = meta.ownership === "none" || owner === undefined ? undefined : { ownerId: owner };
  if (can(user, meta.action, resource)) return "allowed";
  return user ? "forbidden" : "sign-in";
}

/** The DoorMeta of an export, or null when it was not built by the door. */
export function doorOf(value: unknown): DoorMeta | null {
  if (typeof value !== "function") return null;
  const meta = (value as unknown as Record<symbol, unknown>)[DOOR];
  return meta && typeof meta === "object" ? (meta as DoorMeta) : null;
}

/** Attaches `meta` to `fn` (frozen, so nothing changes what the export checks after the fact). */
export function withDoor<F extends (...args: never[]) => unknown>(fn: F, meta: DoorMeta): F {
  Object.defineProperty(fn, DOOR, { value: Object.freeze({ ...meta }), enumerable: false });
  return fn;
}
