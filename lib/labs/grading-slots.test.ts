import { describe, expect, it } from "vitest";
import { GradingSlots } from "./grading-slots";

describe("GradingSlots", () => {
  it("never runs more than its size at once, queues the rest in order, and tells them their place", async () => {
    const slots = new GradingSlots(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const queued: Array<[number, number]> = [];
    const job = (n: number) =>
      slots.run(
        async () => {
          running += 1;
          peak = Math.max(peak, running);
          await new Promise((resolve) => setTimeout(resolve, 10));
          order.push(n);
          running -= 1;
          return n;
        },
        (position) => queued.push([n, position]),
      );
    expect(await Promise.all([1, 2, 3, 4, 5].map(job))).toEqual([1, 2, 3, 4, 5]);
    expect(peak).toBe(2);
    expect(queued).toEqual([
      [3, 1],
      [4, 2],
      [5, 3],
    ]);
    expect(order.slice(2)).toEqual([3, 4, 5]);
  });

  it("frees the slot when the work throws", async () => {
    const slots = new GradingSlots(1);
    await expect(
      slots.run(async () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await slots.run(async () => "next")).toBe("next");
  });
});
