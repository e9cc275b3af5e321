import { describe, expect, it } from "vitest";
import { allKinds } from "../kinds";
import { ObjectStore } from "../registry/object-store";
import { Scheme } from "../registry/scheme";
import { EventRecorder } from "./event-recorder";

describe("EventRecorder", () => {
  const setup = () => {
    const store = new ObjectStore();
    const replicaSet = store.put("replicasets", "lab", {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: { name: "web-5d59d67564", namespace: "lab", uid: "rs-uid" },
    });
    return { store, replicaSet, events: new EventRecorder(store, new Scheme(allKinds)) };
  };
  const failed = (pod: string) => ({
    type: "Warning" as const,
    reason: "FailedCreate",
    message: `Error creating: pods "${pod}" is forbidden: denied`,
    component: "replicaset-controller",
  });

  it("counts identical repeats on one event", () => {
    const { store, replicaSet, events } = setup();
    for (let i = 0; i < 3; i += 1) events.record(replicaSet, failed("web-5d59d67564-aaaaa"));
    expect(store.list("events", "lab").map((e) => [e.message, e.count])).toEqual([
      ['Error creating: pods "web-5d59d67564-aaaaa" is forbidden: denied', 3],
    ]);
  });

  it("combines similar events from the tenth different message on, as client-go's aggregator does", () => {
    const { store, replicaSet, events } = setup();
    for (let i = 0; i < 12; i += 1) events.record(replicaSet, failed(`web-5d59d67564-${String(i).padStart(5, "b")}`));
    const stored = store.list("events", "lab");
    const combined = stored.filter((e) => String(e.message).startsWith("(combined from similar events): "));
    expect(stored).toHaveLength(10);
    expect(combined).toEqual([
      expect.objectContaining({
        count: 3,
        message: '(combined from similar events): Error creating: pods "web-5d59d67564-bbb11" is forbidden: denied',
        reason: "FailedCreate",
        type: "Warning",
      }),
    ]);
    expect(combined[0]?.metadata.name).toMatch(/^web-5d59d67564\.[0-9a-f]+$/);
  });
});
