import { afterEach, describe, expect, it, vi } from "vitest";
import { keyOf, splitKey, WorkQueue } from "./work-queue";

afterEach(() => {
  vi.useRealTimers();
});

describe("WorkQueue", () => {
  it("never syncs one key twice at once, and syncs once more for adds made meanwhile", async () => {
    const log: string[] = [];
    let release: () => void = () => {};
    const queue = new WorkQueue(
      async (key) => {
        log.push(`start ${key}`);
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        log.push(`end ${key}`);
      },
      () => {},
    );
    queue.add("ns/a");
    await Promise.resolve();
    queue.add("ns/a");
    queue.add("ns/a");
    await vi.waitFor(() => expect(log).toEqual(["start ns/a"]));
    release();
    await vi.waitFor(() => expect(log).toEqual(["start ns/a", "end ns/a", "start ns/a"]));
    release();
    await vi.waitFor(() => expect(log).toHaveLength(4));
    queue.stop();
  });

  it("backs a failing key off 5 ms, 10 ms, 20 ms..., and forgets the count after a success", async () => {
    vi.useFakeTimers();
    const runs: number[] = [];
    const queue = new WorkQueue(
      async () => {
        runs.push(Date.now());
      },
      () => {},
    );
    const start = Date.now();
    for (const wait of [5, 10, 20, 40]) {
      queue.retry("ns/a");
      await vi.advanceTimersByTimeAsync(wait - 1);
      const before = runs.length;
      await vi.advanceTimersByTimeAsync(1);
      expect(runs.length).toBe(before + 1);
    }
    queue.forget("ns/a");
    queue.retry("ns/a");
    await vi.advanceTimersByTimeAsync(5);
    expect(runs).toHaveLength(5);
    expect(runs[0]).toBe(start + 5);
    queue.stop();
  });

  it("keys name a namespaced object", () => {
    expect(splitKey(keyOf("lab", "web"))).toEqual(["lab", "web"]);
  });
});
