import { describe, expect, it } from "vitest";
import { decodeTokenRequest } from "./service-account-token";

function field(number: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([(number << 3) | 2, payload.length]), payload]);
}
const text = (number: number, value: string) => field(number, Buffer.from(value));
const varint = (number: number, value: number) => {
  const bytes = [number << 3];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  bytes.push(rest);
  return Buffer.from(bytes);
};

describe("decodeTokenRequest", () => {
  it("reads what kubectl create token --duration=15m --audience=vault --audience=x --bound-object-kind=Pod sends", () => {
    // The layout captured from kubectl 1.35: empty ObjectMeta, spec {audiences 1, boundObjectRef 3, expirationSeconds 4}.
    const bound = field(3, Buffer.concat([text(1, "Pod"), text(2, "v1"), text(3, "web"), text(4, "")]));
    const spec = field(2, Buffer.concat([text(1, "vault"), text(1, "x"), bound, varint(4, 900)]));
    const raw = Buffer.concat([field(1, Buffer.alloc(0)), spec, field(3, Buffer.alloc(0))]);
    expect(decodeTokenRequest(raw)).toEqual({
      metadata: {},
      spec: {
        audiences: ["vault", "x"],
        expirationSeconds: 900,
        boundObjectRef: { kind: "Pod", apiVersion: "v1", name: "web" },
      },
    });
  });

  it("leaves out what kubectl leaves out, so the server's defaults apply", () => {
    const raw = Buffer.concat([field(1, Buffer.alloc(0)), field(2, Buffer.alloc(0))]);
    expect(decodeTokenRequest(raw)).toEqual({ metadata: {}, spec: {} });
  });
});
