import { describe, expect, it } from "vitest";
import { backoffAfterRun, maxBackoffMs, nextBackoff, shouldRestart } from "./backoff";

describe("kubelet crash back-off", () => {
  it.each([
    [undefined, 10_000],
    [10_000, 20_000],
    [20_000, 40_000],
    [160_000, 300_000],
    [300_000, 300_000],
  ])("after %s ms comes %s ms", (previous, expected) => {
    expect(nextBackoff(previous)).toBe(expected);
  });

  it("doubles to the five-minute cap in the sequence kubelet uses", () => {
    const delays: number[] = [];
    let current: number | undefined;
    for (let crash = 0; crash < 7; crash += 1) {
      current = nextBackoff(current);
      delays.push(current / 1000);
    }
    expect(delays).toEqual([10, 20, 40, 80, 160, 300, 300]);
  });

  it.each([
    [160_000, 1_000, 300_000],
    [160_000, 2 * maxBackoffMs, 10_000],
  ])("with %s ms back-off and a run of %s ms the next is %s ms", (previous, ran, expected) => {
    expect(backoffAfterRun(previous, ran)).toBe(expected);
  });

  it.each([
    ["Always", 0, true],
    ["Always", 1, true],
    ["OnFailure", 0, false],
    ["OnFailure", 2, true],
    ["Never", 1, false],
    ["Never", 0, false],
  ] as const)("restartPolicy %s with exit %s restarts: %s", (policy, code, expected) => {
    expect(shouldRestart(policy, code)).toBe(expected);
  });
});
