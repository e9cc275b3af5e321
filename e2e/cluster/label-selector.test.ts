import { describe, expect, it } from "vitest";
import { matchesLabels, parseLabelSelector, requirementsFromSelector } from "./label-selector";

describe("parseLabelSelector + matchesLabels", () => {
  const labels = { app: "web", tier: "front", env: "prod" };
  it.each([
    ["", true],
    ["app=web", true],
    ["app==web", true],
    ["app=db", false],
    ["app!=db", true],
    ["app!=web", false],
    ["missing!=x", true],
    ["app,tier", true],
    ["app,missing", false],
    ["!missing", true],
    ["!app", false],
    ["env in (prod,staging)", true],
    ["env in (staging)", false],
    ["env notin (staging, dev)", true],
    ["missing notin (x)", true],
    ["missing in (x)", false],
    ["app=web,tier=front,env in (prod)", true],
    ["app=web,tier=back", false],
  ])("%j matches %s", (selector, expected) => {
    expect(matchesLabels(parseLabelSelector(selector), labels)).toBe(expected);
  });

  it.each(["app=web,", "a b c", "=x"])("rejects malformed %j", (selector) => {
    expect(() => parseLabelSelector(selector)).toThrow(/unable to parse requirement/);
  });
});

describe("requirementsFromSelector", () => {
  it.each([
    [{}, { a: "1" }, true],
    [undefined, {}, true],
    [{ matchLabels: { a: "1" } }, { a: "1" }, true],
    [{ matchLabels: { a: "1" } }, { a: "2" }, false],
    [{ matchExpressions: [{ key: "a", operator: "In" as const, values: ["1", "2"] }] }, { a: "2" }, true],
    [{ matchExpressions: [{ key: "a", operator: "NotIn" as const, values: ["1"] }] }, { a: "1" }, false],
    [{ matchExpressions: [{ key: "a", operator: "Exists" as const }] }, {}, false],
    [{ matchExpressions: [{ key: "a", operator: "DoesNotExist" as const }] }, {}, true],
  ])("%j against %j is %s", (selector, labels, expected) => {
    expect(matchesLabels(requirementsFromSelector(selector), labels)).toBe(expected);
  });
});
