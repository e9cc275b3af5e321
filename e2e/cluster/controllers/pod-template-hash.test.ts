import { describe, expect, it } from "vitest";
import { fnv32a, nameAlphabet, podTemplateHash, safeEncode } from "./pod-template-hash";

describe("pod-template-hash", () => {
  it("is FNV-1a 32 (the published test vectors)", () => {
    expect(fnv32a("")).toBe(0x811c9dc5);
    expect(fnv32a("a")).toBe(0xe40c292c);
    expect(fnv32a("foobar")).toBe(0xbf9cf968);
  });

  it("maps decimal digits onto the generated-name alphabet as Kubernetes does", () => {
    expect(safeEncode("0123456789")).toBe("456789bcdf");
    expect([...safeEncode("abcxyz")].every((char) => nameAlphabet.includes(char))).toBe(true);
  });

  it("looks like an upstream hash, ignores key order and changes with the template or the collision count", () => {
    const template = {
      metadata: { labels: { app: "web" } },
      spec: { containers: [{ name: "nginx", image: "nginx" }] },
    };
    const hash = podTemplateHash(template);
    expect(hash).toMatch(/^[456789bcdf]{1,10}$/);
    const reordered = {
      spec: { containers: [{ image: "nginx", name: "nginx" }] },
      metadata: { labels: { app: "web" } },
    };
    expect(podTemplateHash(reordered)).toBe(hash);
    const changed = { ...template, spec: { containers: [{ name: "nginx", image: "nginx:1.27" }] } };
    expect(podTemplateHash(changed)).not.toBe(hash);
    expect(podTemplateHash(template, 1)).not.toBe(hash);
  });
});
