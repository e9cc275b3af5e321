import { describe, expect, it } from "vitest";
import { coverage, formatRange, parseCidr, subtract } from "./ip-range";

describe("parseCidr", () => {
  it.each([
    ["10.0.0.0/8", "10.0.0.0/8"],
    ["10.1.2.3/8", "10.0.0.0/8"],
    ["169.254.169.254", "169.254.169.254/32"],
    ["0.0.0.0/0", "0.0.0.0/0"],
    ["2001:db8::/64", "2001:db8:0:0:0:0:0:0/64"],
    ["::ffff:10.0.0.1/128", "0:0:0:0:0:ffff:a00:1/128"],
    ["fd00::1", "fd00:0:0:0:0:0:0:1/128"],
  ])("reads %s as %s (host bits dropped)", (text, shown) => {
    const range = parseCidr(text);
    expect(range).not.toBeNull();
    expect(formatRange(range!)).toBe(shown);
  });

  it.each(["10.0.0.0/33", "10.0.0/8", "300.0.0.0/8", "10.0.0.0/-1", "10.0.0.0/8/9", "", "fd00::1::2", "example.com"])(
    "refuses %j",
    (text) => expect(parseCidr(text)).toBeNull(),
  );
});

describe("subtract and coverage", () => {
  const r = (text: string) => parseCidr(text)!;

  it("cuts holes and reports what is left in CIDR terms where possible", () => {
    expect(subtract([r("10.0.0.0/30")], [r("10.0.0.1/32")]).map(formatRange)).toEqual(["10.0.0.0/32", "10.0.0.2/31"]);
    expect(subtract([r("10.0.0.0/29")], [r("10.0.0.1/32")]).map(formatRange)).toEqual([
      "10.0.0.0/32",
      "10.0.0.2-10.0.0.7",
    ]);
  });

  it("tells all, some and none apart, across several ranges", () => {
    expect(coverage(r("10.0.0.0/24"), [r("10.0.0.0/25"), r("10.0.0.128/25")])).toBe("all");
    expect(coverage(r("10.0.0.0/24"), [r("10.0.0.0/25")])).toBe("some");
    expect(coverage(r("10.0.0.0/24"), [r("10.0.1.0/24")])).toBe("none");
  });

  it("keeps families apart", () => {
    expect(coverage(r("::/0"), [r("0.0.0.0/0")])).toBe("none");
    expect(subtract([r("0.0.0.0/0")], [r("::/0")]).map(formatRange)).toEqual(["0.0.0.0/0"]);
  });
});
