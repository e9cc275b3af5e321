import { describe, expect, it } from "vitest";
import { PodIpPool } from "./pod-ip-pool";

describe("PodIpPool", () => {
  it("hands out addresses after the gateway, one per owner, and does not reuse a freed one at once", () => {
    const pool = new PodIpPool("10.244.0.0/24", "10.244.0.1");
    expect(pool.allocate("a")).toBe("10.244.0.2");
    expect(pool.allocate("b")).toBe("10.244.0.3");
    expect(pool.allocate("a")).toBe("10.244.0.2");
    pool.release("a");
    expect(pool.allocate("c")).toBe("10.244.0.4");
  });

  it("wraps round, skipping the network, gateway and broadcast addresses, and says when the range is full", () => {
    const pool = new PodIpPool("10.0.0.0/29", "10.0.0.1");
    const given = ["a", "b", "c", "d", "e"].map((owner) => pool.allocate(owner));
    expect(given).toEqual(["10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6"]);
    expect(() => pool.allocate("f")).toThrow("no free pod address left");
    pool.release("b");
    expect(pool.allocate("f")).toBe("10.0.0.3");
  });
});
