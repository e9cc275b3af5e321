import { describe, expect, it } from "vitest";
import { boundClusterData, clusterText, EVIDENCE_BOUNDS } from "./cluster-text";

describe("clusterText", () => {
  const cases: Array<[string, string, number, boolean, string]> = [
    ["plain text passes", 'pods "nginx" not found', 100, false, 'pods "nginx" not found'],
    ["HTML stays text (escaped where shown)", "<script>alert(1)</script>", 100, false, "<script>alert(1)</script>"],
    ["terminal escapes are neutralised", "\u001b[31mred\u001b[0m", 100, false, "\ufffd[31mred\ufffd[0m"],
    ["a carriage return cannot overwrite the line", "ok\rFAKE", 100, false, "ok\ufffdFAKE"],
    ["NUL, DEL and C1 controls", "a\u0000b\u007fc\u0085d\u009be", 100, false, "a\ufffdb\ufffdc\ufffdd\ufffde"],
    ["bidi overrides cannot reverse it", "abc\u202edcba\u2066x\u2069", 100, false, "abc\ufffddcba\ufffdx\ufffd"],
    ["line separators", "a\u2028b\u2029c", 100, false, "a\ufffdb\ufffdc"],
    ["one line: newlines and tabs become spaces", "a\nb\tc\r\nd", 100, false, "a b c d"],
    ["multi-line keeps newlines and tabs", "a\nb\tc\r\nd", 100, true, "a\nb\tc\nd"],
    ["cut to the limit with an ellipsis", "abcdefghij", 5, false, "abcd…"],
    ["exactly the limit is not cut", "abcde", 5, false, "abcde"],
    ["never half an emoji", "ab😀cd", 4, false, "ab…"],
  ];
  it.each(cases)("%s", (_name, input, max, multiline, expected) => {
    expect(clusterText(input, max, { multiline })).toBe(expected);
  });

  it("costs one slice on a 10 MB message", () => {
    const huge = "\u001b".repeat(10 * 1024 * 1024);
    const bounded = clusterText(huge, 1000);
    expect(bounded).toHaveLength(1000);
    expect(bounded.endsWith("…")).toBe(true);
  });
});

describe("boundClusterData", () => {
  it("bounds every string, keeps numbers, booleans and null, and drops what is not JSON", () => {
    const evidence = [
      {
        type: "field",
        values: ["x".repeat(10_000), 42, true, null, { nested: "\u001b[2J" }],
        fn: () => 1,
      },
    ];
    const bounded = boundClusterData(evidence as unknown[]) as Array<Record<string, unknown>>;
    const values = bounded[0]!.values as unknown[];
    expect((values[0] as string).length).toBe(EVIDENCE_BOUNDS.maxString);
    expect(values.slice(1)).toEqual([42, true, null, { nested: "\ufffd[2J" }]);
    expect(bounded[0]!.fn).toBeNull();
  });

  it("cuts long arrays, deep nesting and the total", () => {
    const wide = Array.from({ length: 1000 }, (_v, i) => i);
    expect(boundClusterData(wide)).toHaveLength(EVIDENCE_BOUNDS.maxItems);

    let deep: unknown = "bottom";
    for (let i = 0; i < 50; i += 1) deep = { down: deep };
    expect(JSON.stringify(boundClusterData(deep)).match(/down/g)).toHaveLength(EVIDENCE_BOUNDS.maxDepth);

    const many = Array.from({ length: 40 }, () => "y".repeat(3000));
    const total = boundClusterData<string[]>(many).reduce((sum, s) => sum + s.length, 0);
    expect(total).toBeLessThanOrEqual(EVIDENCE_BOUNDS.maxTotal + 40);
  });

  it("bounds keys too: a field name is cluster text as much as its value", () => {
    const bounded = boundClusterData({ ["k".repeat(500)]: 1, "a\u001bb": 2 });
    expect(Object.keys(bounded).map((k) => k.length)).toEqual([200, 3]);
    expect(Object.keys(bounded)[1]).toBe("a\ufffdb");
  });
});
