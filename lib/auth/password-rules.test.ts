import { describe, expect, it } from "vitest";
import { passwordProblem } from "./password-rules";

describe("passwordProblem", () => {
  it.each([
    ["short", /at least 12 characters/],
    ["elevenchars", /at least 12 characters/],
    ["x".repeat(129), /at most 128/],
    // Listed in the common-password dictionary at 12 characters or more, in any case.
    ["qwerty123456", /common passwords/],
    ["1qaz2wsx3edc", /common passwords/],
    ["LeaveMeAlone", /common passwords/],
    // A listed word dressed up with digits and symbols.
    ["Sunshine2026!!", /common passwords/],
    ["!!password123456", /common passwords/],
    ["Kubernetes2026", /common passwords/],
    ["abcabcabcabc", /repeats/],
    ["aaaaaaaaaaaaaaa", /repeats/],
    ["marguerite.l2026", null],
  ] as const)("%s: %s", (password, problem) => {
    const found = passwordProblem(password);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toMatch(problem);
  });

  it("refuses the email's name part as the password", () => {
    expect(passwordProblem("ada.lovelace99", { email: "ada.lovelace@example.test" })).toMatch(/email/);
    expect(passwordProblem("ada.lovelace99", { email: "someone@example.test" })).toBeNull();
  });

  it.each(["correct horse battery staple", "pw-6b1d2f0e-9a77-4c1e", "Tr0ub4dor&3-kind-cluster"])(
    "accepts a long, uncommon password: %s",
    (password) => {
      expect(passwordProblem(password)).toBeNull();
    },
  );
});
