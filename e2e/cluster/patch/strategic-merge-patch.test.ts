import { describe, expect, it } from "vitest";
import { strategicMergePatch } from "./strategic-merge-patch";

describe("strategicMergePatch", () => {
  const pod = {
    metadata: { labels: { a: "1" } },
    spec: {
      containers: [
        { name: "c", image: "busybox", command: ["sleep", "1"] },
        { name: "d", image: "nginx" },
      ],
    },
  };
  it.each([
    [
      "merges a container by name",
      { spec: { containers: [{ name: "c", command: ["sleep", "2"] }] } },
      {
        metadata: { labels: { a: "1" } },
        spec: {
          containers: [
            { name: "c", image: "busybox", command: ["sleep", "2"] },
            { name: "d", image: "nginx" },
          ],
        },
      },
    ],
    [
      "adds a container",
      { spec: { containers: [{ name: "e", image: "x" }] } },
      { ...pod, spec: { containers: [...pod.spec.containers, { name: "e", image: "x" }] } },
    ],
    [
      "deletes with $patch",
      { spec: { containers: [{ name: "d", $patch: "delete" }] } },
      { ...pod, spec: { containers: [pod.spec.containers[0]] } },
    ],
    [
      "null removes a label",
      { metadata: { labels: { a: null, b: "2" } } },
      { ...pod, metadata: { labels: { b: "2" } } },
    ],
    ["directives are dropped", { $setElementOrder: [], metadata: { labels: { a: "1" } } }, pod],
  ])("%s", (_name, patch, expected) => {
    expect(strategicMergePatch(pod, patch)).toEqual(expected);
  });
});
