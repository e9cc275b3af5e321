import { describe, expect, it } from "vitest";
import { ObjectStore, type TWatchEvent } from "../registry/object-store";
import { watchResource } from "./controller";

const object = (name: string) => ({ metadata: { name, namespace: "lab" } });

describe("watchResource", () => {
  it("replays existing objects as ADDED, then every change of that resource, each after the write returned", async () => {
    const store = new ObjectStore();
    store.put("pods", "lab", object("old"));
    store.put("events", "lab", object("other-resource"));
    const seen: string[] = [];
    let writing = false;
    const stop = watchResource(store, "pods", (event: TWatchEvent) => {
      seen.push(`${event.type} ${event.object.metadata.name}${writing ? " (inside a write)" : ""}`);
    });
    writing = true;
    store.put("pods", "lab", object("new"));
    store.delete("pods", "lab", "old");
    writing = false;
    await Promise.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(["ADDED old", "ADDED new", "DELETED old"]);
    stop();
    store.put("pods", "lab", object("after-stop"));
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toHaveLength(3);
  });
});
