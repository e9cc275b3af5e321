import { describe, expect, it } from "vitest";
import { bestAttempt, unsupportedPointsOf } from "./best-attempt";

const at = (minute: number) => new Date(Date.UTC(2026, 10, 27, 10, minute));

describe("bestAttempt", () => {
  it("prefers the larger share of the maximum, then the higher score, then the newer attempt", () => {
    const full = { id: "full-of-29", score: 29, maxScore: 29, startedAt: at(1) };
    const most = { id: "30-of-31", score: 30, maxScore: 31, startedAt: at(2) };
    expect(bestAttempt([most, full])?.id).toBe("full-of-29");
    const same = { id: "29-of-31", score: 29, maxScore: 31, startedAt: at(3) };
    expect(bestAttempt([same, most])?.id).toBe("30-of-31");
    const again = { id: "again", score: 30, maxScore: 31, startedAt: at(4) };
    expect(bestAttempt([again, most])?.id).toBe("again");
    expect(bestAttempt([])).toBeUndefined();
  });

  it("never divides by a zero maximum", () => {
    const empty = { id: "empty", score: 0, maxScore: 0, startedAt: at(5) };
    const some = { id: "some", score: 1, maxScore: 31, startedAt: at(1) };
    expect(bestAttempt([empty, some])?.id).toBe("some");
  });
});

describe("unsupportedPointsOf", () => {
  it("adds the points of unsupported checks only", () => {
    expect(
      unsupportedPointsOf([
        { status: "pass", points: 2 },
        { status: "unsupported", points: 3 },
        { status: "fail", points: 1 },
        { status: "unsupported", points: 1 },
      ]),
    ).toBe(4);
  });
});
