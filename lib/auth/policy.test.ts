import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ACTIONS, can, type Action, type Actor } from "./policy";
import { ROLES } from "./roles";

// Every page, route handler and server action in app/, with the action it asks the policy for
// (null: open to everyone). The last test fails when a new route is added without a row here.
const ROUTES: Record<string, Action | null> = {
  "page /": null,
  "page /lessons/[module]/[lesson]": "lesson:read",
  "page /setup": null,
  "page /sign-in": null,
  "page /sign-up": null,
  "page /not-allowed": null,
  "page /account": "account:view",
  "page /admin": "admin:view",
  "page /dashboard": "progress:read",
  "page /connections": "connection:read",
  "GET /api/attempts/[id]": "attempt:read",
  "page /grading": "gradebook:read",
  "page /grading/students/[id]": "gradebook:read",
  "GET /api/gradebook": "gradebook:read",
  "action overrideLabGrade": "grade:override",
  "page /authoring": "authoring:view",
  "POST /api/authoring/[module]/[lesson]/self-test": "lab:self-test",
  "GET,POST /api/auth/[...all]": null,
  "POST /api/labs/[module]/[lesson]/grade": "lab:grade",
  "GET /api/cluster/contexts": "cluster:list-contexts",
  "action toggleBookmark": "bookmark:write",
  "action saveConnectionAction": "connection:write",
  "action testConnectionAction": "connection:read",
  "action deleteConnectionAction": "connection:write",
  "action changeRole": "user:set-role",
  "action updateSignUpSettings": "settings:update",
};

type Who = "anonymous" | (typeof ROLES)[number];
type Expect = Record<Who, boolean>;
const all: Expect = { anonymous: true, student: true, grader: true, instructor: true };
const signedIn: Expect = { anonymous: false, student: true, grader: true, instructor: true };
const instructor: Expect = { anonymous: false, student: false, grader: false, instructor: true };
const nobody: Expect = { anonymous: false, student: false, grader: false, instructor: false };
const staff: Expect = { anonymous: false, student: false, grader: true, instructor: true };

// What each action allows on the user's own resource and on someone else's.
const TABLE: Record<Action, { own: Expect; other: Expect }> = {
  "lesson:read": { own: all, other: all },
  "lab:grade": { own: signedIn, other: signedIn },
  "cluster:list-contexts": { own: signedIn, other: signedIn },
  "bookmark:read": { own: signedIn, other: nobody },
  "bookmark:write": { own: signedIn, other: nobody },
  "progress:read": { own: signedIn, other: staff },
  "attempt:read": { own: signedIn, other: staff },
  "gradebook:read": { own: staff, other: staff },
  "grade:override": { own: nobody, other: staff },
  "authoring:view": { own: instructor, other: instructor },
  "lab:self-test": { own: instructor, other: instructor },
  "connection:read": { own: signedIn, other: nobody },
  "connection:write": { own: signedIn, other: nobody },
  "account:view": { own: signedIn, other: nobody },
  "session:revoke": { own: signedIn, other: nobody },
  "admin:view": { own: instructor, other: instructor },
  "user:list": { own: instructor, other: instructor },
  "user:set-role": { own: nobody, other: instructor },
  "settings:update": { own: instructor, other: instructor },
};

const ME = "user-me";
const actor = (who: Who): Actor => (who === "anonymous" ? null : { id: ME, role: who });
const WHO: Who[] = ["anonymous", ...ROLES];

describe("can(user, action, resource)", () => {
  const cases = ACTIONS.flatMap((action) =>
    WHO.flatMap((who) => [
      { action, who, owner: "own" as const, expected: TABLE[action].own[who] },
      { action, who, owner: "other" as const, expected: TABLE[action].other[who] },
    ]),
  );

  it.each(cases)("$action by $who on $owner resource: $expected", ({ action, who, owner, expected }) => {
    expect(can(actor(who), action, { ownerId: owner === "own" ? ME : "someone-else" })).toBe(expected);
  });

  it("personal actions without a resource are refused", () => {
    for (const action of [
      "bookmark:read",
      "bookmark:write",
      "account:view",
      "session:revoke",
      "user:set-role",
      "progress:read",
      "attempt:read",
      "connection:read",
      "connection:write",
      "grade:override",
    ] as const) {
      expect(can({ id: ME, role: "instructor" }, action)).toBe(false);
    }
  });
});

describe("every route and server action asks the policy", () => {
  // Routes act on the signed-in user's own data, except set-role, which targets another user.
  const routeCases = Object.entries(ROUTES)
    .filter((entry): entry is [string, Action] => entry[1] !== null)
    .flatMap(([route, action]) =>
      WHO.map((who) => {
        const owner = action === "user:set-role" || action === "grade:override" ? ("other" as const) : ("own" as const);
        return { route, who, action, owner, expected: TABLE[action][owner][who] };
      }),
    );

  it.each(routeCases)("$route for $who: $expected", ({ who, action, owner, expected }) => {
    expect(can(actor(who), action, { ownerId: owner === "own" ? ME : "someone-else" })).toBe(expected);
  });

  it("lists every page, route handler and server action under app/", () => {
    const found = new Set<string>();
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        const route = "/" + path.relative("app", dir).split(path.sep).join("/");
        const url = route === "/" ? "/" : route.replace(/^\/$/, "");
        if (entry.name === "page.tsx") found.add(`page ${url}`);
        if (entry.name === "route.ts") {
          const methods = [
            ...readFileSync(full, "utf8").matchAll(/export (?:async )?function (GET|POST|PUT|PATCH|DELETE)\b/g),
          ].map((m) => m[1]);
          found.add(`${methods.join(",")} ${url}`);
        }
        if (entry.name === "actions.ts") {
          for (const m of readFileSync(full, "utf8").matchAll(/export async function (\w+)/g))
            found.add(`action ${m[1]}`);
        }
      }
    };
    walk(path.resolve("app"));
    expect([...found].sort()).toEqual(Object.keys(ROUTES).sort());
  });
});
