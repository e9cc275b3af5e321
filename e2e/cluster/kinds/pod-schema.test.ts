import { describe, expect, it } from "vitest";
import { unknownPodFields } from "./pod-schema";

describe("unknownPodFields", () => {
  it.each([
    [
      "clean",
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "a", labels: { x: "y" } },
        spec: { containers: [{ name: "a", image: "nginx", securityContext: { readOnlyRootFilesystem: true } }] },
      },
      [],
    ],
    ["container typo", { spec: { containers: [{ name: "a", imagee: "nginx" }] } }, ["spec.containers[0].imagee"]],
    [
      "securityContext typo",
      { spec: { containers: [{ name: "a", securityContext: { readOnlyRootFileSystem: true } }] } },
      ["spec.containers[0].securityContext.readOnlyRootFileSystem"],
    ],
    ["spec typo", { spec: { container: [] } }, ["spec.container"]],
    ["volume typo", { spec: { volumes: [{ name: "v", emptydir: {} }] } }, ["spec.volumes[0].emptydir"]],
    [
      "mount typo",
      { spec: { containers: [{ name: "a", volumeMounts: [{ name: "v", path: "/x" }] }] } },
      ["spec.containers[0].volumeMounts[0].path"],
    ],
    [
      "open maps are not checked",
      { metadata: { annotations: { anything: "x" } }, spec: { nodeSelector: { any: "thing" } } },
      [],
    ],
  ])("%s", (_name, manifest, expected) => {
    expect(unknownPodFields(manifest)).toEqual(expected);
  });
});
