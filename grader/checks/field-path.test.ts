import { describe, expect, it } from "vitest";
import { parseFieldPath, resolveFieldPath } from "./field-path";

const policy = {
  spec: {
    validations: [{ expression: "a" }, { expression: "object.spec.containers.all(c, c.securityContext.readOnlyRootFilesystem)" }],
    containers: [{ name: "a", image: "nginx" }, { name: "b", image: "busybox" }],
  },
};

describe("parseFieldPath", () => {
  it.each([
    ["securityContext.readOnlyRootFilesystem", [{ key: "securityContext" }, { key: "readOnlyRootFilesystem" }]],
    ["spec.validations[*].expression", [{ key: "spec" }, { key: "validations" }, { all: true }, { key: "expression" }]],
    ["spec.containers[name=b].image", [{ key: "spec" }, { key: "containers" }, { where: "name", equals: "b" }, { key: "image" }]],
  ])("parses %s", (path, expected) => {
    expect(parseFieldPath(path)).toEqual(expected);
  });

  it.each(["", ".a", "a.", "a..b", "[*]", "a[*", "a b"])("rejects %j", (path) => {
    expect(parseFieldPath(path)).toBeNull();
  });
});

describe("resolveFieldPath", () => {
  it.each([
    ["spec.validations[*].expression", ["a", "object.spec.containers.all(c, c.securityContext.readOnlyRootFilesystem)"]],
    ["spec.containers[name=b].image", ["busybox"]],
    ["spec.containers[name=c].image", []],
    ["spec.missing.deeper", []],
    ["spec.validations.expression", []],
  ])("resolves %s", (path, expected) => {
    expect(resolveFieldPath(policy, parseFieldPath(path) ?? [])).toEqual(expected);
  });
});
