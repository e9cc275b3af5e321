import { describe, expect, it } from "vitest";
import { ZSignUpSettingsSchema } from "./schemas";
import { decideSignUp, type SignUpSettings } from "./sign-up-policy";

const open: SignUpSettings = { mode: "open", inviteCode: null };
const closed: SignUpSettings = { mode: "closed", inviteCode: null };
const invite: SignUpSettings = { mode: "invite", inviteCode: "cks-class-2026" };

describe("decideSignUp", () => {
  it.each([
    ["open, later user", open, 3, undefined, true],
    ["closed, later user", closed, 3, undefined, false],
    ["invite, right code", invite, 3, "cks-class-2026", true],
    ["invite, right code with spaces around", invite, 3, "  cks-class-2026 ", true],
    ["invite, missing code", invite, 3, undefined, false],
    ["invite, wrong code", invite, 3, "cks-class-2025", false],
    ["invite, prefix of the code", invite, 3, "cks-class", false],
    ["invite, code differs in case", invite, 3, "CKS-CLASS-2026", false],
    ["invite mode without a stored code", { mode: "invite", inviteCode: null }, 3, "anything-at-all", false],
  ] as const)("%s", (_name, settings, existingUsers, inviteCode, allowed) => {
    expect(decideSignUp(settings, { existingUsers, inviteCode }).allowed).toBe(allowed);
  });

  it("lets the very first account claim the install only with the setup code, whatever the mode", () => {
    for (const settings of [open, closed, invite]) {
      expect(decideSignUp(settings, { existingUsers: 0, setupCodeValid: true })).toEqual({
        allowed: true,
        firstUser: true,
      });
      expect(decideSignUp(settings, { existingUsers: 0 })).toMatchObject({ allowed: false, message: /setup code/ });
      expect(
        decideSignUp(settings, { existingUsers: 0, setupCodeValid: false, inviteCode: "cks-class-2026" }),
      ).toMatchObject({
        allowed: false,
      });
    }
    expect(decideSignUp(open, { existingUsers: 1 })).toEqual({ allowed: true, firstUser: false });
  });

  it("says why a sign-up is refused", () => {
    expect(decideSignUp(closed, { existingUsers: 1 })).toMatchObject({ status: 403, message: /closed/ });
    expect(decideSignUp(invite, { existingUsers: 1 })).toMatchObject({ message: /Enter the invite code/ });
    expect(decideSignUp(invite, { existingUsers: 1, inviteCode: "nope-nope" })).toMatchObject({ message: /not right/ });
  });
});

describe("ZSignUpSettingsSchema", () => {
  it.each([
    [{ mode: "open" }, true],
    [{ mode: "closed", inviteCode: "" }, true],
    [{ mode: "invite", inviteCode: "cks-class-2026" }, true],
    [{ mode: "invite" }, false],
    [{ mode: "invite", inviteCode: "short" }, false],
    [{ mode: "invite", inviteCode: "has spaces in it" }, false],
    [{ mode: "everyone" }, false],
  ])("%j valid: %s", (input, valid) => {
    expect(ZSignUpSettingsSchema.safeParse(input).success).toBe(valid);
  });
});
