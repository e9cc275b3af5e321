import { describe, expect, it } from "vitest";
import { SIGN_IN_BACKOFF, SignInBackoff } from "./sign-in-backoff";

function clock() {
  let now = 1_000_000;
  return { now: () => now, advance: (seconds: number) => (now += seconds * 1000) };
}

describe("SignInBackoff", () => {
  it("lets five failures through, then holds 15 s, doubling up to 15 minutes", () => {
    const backoff = new SignInBackoff();
    expect([1, 4, 5, 6, 7, 8, 9, 10, 11, 40].map((n) => backoff.holdSeconds(n))).toEqual([
      0, 0, 15, 30, 60, 120, 240, 480, 900, 900,
    ]);
  });

  it("holds an account after its fifth consecutive failure, and the hold ends by itself", () => {
    const time = clock();
    const backoff = new SignInBackoff(time.now);
    for (let i = 0; i < 4; i++) {
      backoff.failed("ada@example.test");
      expect(backoff.waitSeconds("ada@example.test")).toBe(0);
    }
    backoff.failed("ada@example.test");
    expect(backoff.waitSeconds("ada@example.test")).toBe(15);
    expect(backoff.waitSeconds("bob@example.test")).toBe(0);
    time.advance(10);
    expect(backoff.waitSeconds("ada@example.test")).toBe(5);
    time.advance(5);
    expect(backoff.waitSeconds("ada@example.test")).toBe(0);
    backoff.failed("ada@example.test");
    expect(backoff.waitSeconds("ada@example.test")).toBe(30);
  });

  it("is cleared by a success, and forgets failures after a quiet day", () => {
    const time = clock();
    const backoff = new SignInBackoff(time.now);
    for (let i = 0; i < 6; i++) backoff.failed("a");
    backoff.succeeded("a");
    expect(backoff.waitSeconds("a")).toBe(0);
    for (let i = 0; i < 6; i++) backoff.failed("b");
    time.advance(SIGN_IN_BACKOFF.forgetAfterSeconds + 1);
    backoff.failed("b");
    expect(backoff.waitSeconds("b")).toBe(0);
  });

  it("never grows past its cap of entries, forgetting the oldest first", () => {
    const backoff = new SignInBackoff(Date.now, { ...SIGN_IN_BACKOFF, maxEntries: 3, freeFailures: 1 });
    for (const key of ["a", "b", "c", "d"]) backoff.failed(key);
    expect(["a", "b", "c", "d"].map((key) => backoff.waitSeconds(key) > 0)).toEqual([false, true, true, true]);
  });
});
