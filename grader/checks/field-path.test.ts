import { describe, expect, it } from "vitest";
import { parseFieldPath, resolveFieldPath } from "./field-path";

const policy = {
  spec: {
    validations: [
      { expression: "a" },
      { expression: "object.spec.containers.all(c, c.securityContext.readOnlyRootFilesystem)" },
    ],
    containers: [
      { name: "a", image: "nginx" },
      { name: "b", image: "busybox" },
    ],
  },
};

describe("parseFieldPath", () => {
  it.each([
    ["securityContext.readOnlyRootFilesystem", [{ key: "securityContext" }, { key: "readOnlyRootFilesystem" }]],
    ["spec.validations[*].expression", [{ key: "spec" }, { key: "validations" }, { all: true }, { key: "expression" }]],
    [
      "spec.containers[name=b].image",
      [{ key: "spec" }, { key: "containers" }, { where: "name", equals: "b" }, { key: "image" }],
    ],
  ])("parses %s", (path, expected) => {
    expect(parseFieldPath(path)).toEqual(expected);
  });

  it.each(["", ".a", "a.", "a..b", "[*]", "a[*", "a b"])("rejects %j", (path) => {
    expect(parseFieldPath(path)).toBeNull();
  });
});

describe("resolveFieldPath", () => {
  it.each([
    [
      "spec.validations[*].expression",
      ["a", "object.spec.containers.all(c, c.securityContext.readOnlyRootFilesystem)"],
      0,
      0,
    ],
    ["spec.containers[name=b].image", ["busybox"], 0, 0],
    ["spec.containers[name=c].image", [], 0, 1],
    ["spec.missing.deeper", [], 1, 0],
    ["spec.validations.expression", [], 1, 0],
    ["spec.containers[*].securityContext", [], 2, 0],
  ])("resolves %s", (path, values, missing, unmatched) => {
    expect(resolveFieldPath(policy, parseFieldPath(path) ?? [])).toEqual({ values, missing, unmatched });
  });

  it("counts the containers that lack a field, so 'every container' cannot pass on some", () => {
    const pod = {
      spec: { containers: [{ name: "a", securityContext: { readOnlyRootFilesystem: true } }, { name: "b" }] },
    };
    expect(resolveFieldPath(pod, parseFieldPath("spec.containers[*].securityContext.readOnlyRootFilesystem")!)).toEqual(
      { values: [true], missing: 1, unmatched: 0 },
    );
  });
});
