import { describe, expect, it } from "vitest";
import { ACTIONS, can, type Action, type Actor } from "./policy";
import { ROLES } from "./roles";

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
  "agent:approve": { own: signedIn, other: nobody },
  "agent:connect": { own: signedIn, other: nobody },
  "agent:manage": { own: signedIn, other: nobody },
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
      "agent:approve",
      "agent:connect",
      "agent:manage",
      "grade:override",
    ] as const) {
      expect(can({ id: ME, role: "instructor" }, action)).toBe(false);
    }
  });
});
