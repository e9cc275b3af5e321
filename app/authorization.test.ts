// Who may use each page, route handler and server action, read from the exports themselves: every
// one is built by the door (lib/auth/session.ts), which attaches what it checks (action and whose
// resource) and decides with lib/auth/door.ts `decide`. This test imports every file under app/, reads
// that, and asks `decide` for each role on the user's own and on someone else's resource. Changing what
// a route checks (say, the gradebook export to `lab:grade`) or adding a route that skips the door fails
// here, in the unit suite.
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { decide, doorOf, type DoorMeta } from "@/lib/auth/door";
import type { Actor } from "@/lib/auth/policy";
import { ROLES } from "@/lib/auth/roles";

type Who = "anonymous" | (typeof ROLES)[number];
type Expect = Record<Who, boolean>;
const WHO: Who[] = ["anonymous", ...ROLES];
const all: Expect = { anonymous: true, student: true, grader: true, instructor: true };
const signedIn: Expect = { anonymous: false, student: true, grader: true, instructor: true };
const staff: Expect = { anonymous: false, student: false, grader: true, instructor: true };
const instructor: Expect = { anonymous: false, student: false, grader: false, instructor: true };
const nobody: Expect = { anonymous: false, student: false, grader: false, instructor: false };

/** The requirement: who may use each entry point on their own resource and on someone else's. */
type Rule = { own: Expect; other: Expect };
const same = (who: Expect): Rule => ({ own: who, other: who });
const ownOnly = (who: Expect): Rule => ({ own: who, other: who });

const EXPECTED: Record<string, Rule> = {
  "page /": same(all),
  "page /lessons/[module]/[lesson]": same(all),
  "page /setup": same(all),
  "page /sign-in": same(all),
  "page /sign-up": same(all),
  "page /not-allowed": same(all),
  "GET /api/auth/[...all]": same(all),
  "POST /api/auth/[...all]": same(all),
  // Personal pages and actions: always the signed-in user's own data (the door never takes an owner from input).
  "page /account": ownOnly(signedIn),
  "page /dashboard": ownOnly(signedIn),
  "page /connections": ownOnly(signedIn),
  "action toggleBookmark": ownOnly(signedIn),
  "action saveConnectionAction": ownOnly(signedIn),
  "action testConnectionAction": ownOnly(signedIn),
  "action deleteConnectionAction": ownOnly(signedIn),
  // cks-lab-agent: approving its code and disconnecting it are the learner's own.
  "page /device": ownOnly(signedIn),
  "action decideDeviceAction": ownOnly(signedIn),
  "action disconnectAgentAction": ownOnly(signedIn),
  // Grading your own cluster (local mode also needs this machine: lib/http/local-only.ts).
  "POST /api/labs/[module]/[lesson]/grade": same(signedIn),
  "GET /api/cluster/contexts": same(signedIn),
  "GET /api/attempts/[id]": { own: signedIn, other: staff },
  // The class: graders and instructors only.
  "page /grading": same(staff),
  "page /grading/students/[id]": same(staff),
  "GET /api/gradebook": same(staff),
  "action overrideLabGrade": { own: nobody, other: staff },
  // Instructors only.
  "page /admin": same(instructor),
  "page /authoring": same(instructor),
  "POST /api/authoring/[module]/[lesson]/self-test": same(instructor),
  "action changeRole": { own: nobody, other: instructor },
  "action updateSignUpSettings": same(instructor),
};

const ME = "user-me";
const actor = (who: Who): Actor => (who === "anonymous" ? null : { id: ME, role: who });

/** Every way `meta` disagrees with `rule`, as readable lines (empty when it matches). */
function mismatches(meta: DoorMeta, rule: Rule): string[] {
  const problems: string[] = [];
  for (const who of WHO) {
    for (const owner of ["own", "other"] as const) {
      const allowed = decide(meta, actor(who), owner === "own" ? ME : "someone-else") === "allowed";
      if (allowed !== rule[owner][who])
        problems.push(`${who} on ${owner} resource: ${allowed ? "allowed" : "refused"}, expected the opposite`);
    }
  }
  return problems;
}

const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/** Every entry point under app/, with the door metadata its export carries (null: no door). */
async function entryPoints(): Promise<Map<string, { kind: DoorMeta["kind"]; meta: DoorMeta | null }>> {
  const found = new Map<string, { kind: DoorMeta["kind"]; meta: DoorMeta | null }>();
  const root = path.resolve("app");
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.push(full);
    }
  };
  walk(root);
  for (const file of files) {
    const name = path.basename(file);
    if (!["page.tsx", "page.ts", "route.ts", "actions.ts"].includes(name)) continue;
    const url = "/" + path.relative(root, path.dirname(file)).split(path.sep).join("/");
    const at = url === "/" ? "/" : url.replace(/\/$/, "");
    const mod = (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
    if (name.startsWith("page.")) found.set(`page ${at}`, { kind: "page", meta: doorOf(mod.default) });
    for (const [key, value] of Object.entries(mod)) {
      if (name === "route.ts" && HTTP_METHODS.includes(key))
        found.set(`${key} ${at}`, { kind: "route", meta: doorOf(value) });
      if (name === "actions.ts" && typeof value === "function")
        found.set(`action ${key}`, { kind: "action", meta: doorOf(value) });
    }
  }
  return found;
}

describe("the one authorisation door", () => {
  it("guards every page, route handler and server action under app/, and each has a row here", async () => {
    const found = await entryPoints();
    const skipped = [...found].filter(([, e]) => e.meta === null || e.meta.kind !== e.kind).map(([k]) => k);
    expect(skipped, "built without page()/route()/action()/formAction() from lib/auth/session.ts").toEqual([]);
    expect([...found.keys()].sort()).toEqual(Object.keys(EXPECTED).sort());
  }, 60_000);

  it("lets exactly the expected roles through each one, as the export itself checks", async () => {
    const found = await entryPoints();
    const problems = [...found].flatMap(([key, { meta }]) =>
      meta && EXPECTED[key] ? mismatches(meta, EXPECTED[key]).map((p) => `${key} (${meta.action}): ${p}`) : [],
    );
    expect(problems).toEqual([]);
  }, 60_000);

  it("would catch the gradebook export checking lab:grade (any student could export every grade)", () => {
    const mutated: DoorMeta = { kind: "route", action: "lab:grade", ownership: "none" };
    expect(mismatches(mutated, EXPECTED["GET /api/gradebook"]!)).toContain(
      "student on own resource: allowed, expected the opposite",
    );
    const selfInsteadOfTarget: DoorMeta = { kind: "action", action: "user:set-role", ownership: "self" };
    expect(mismatches(selfInsteadOfTarget, EXPECTED["action changeRole"]!)).toContain(
      "instructor on other resource: refused, expected the opposite",
    );
  });
});
