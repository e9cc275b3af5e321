import { describe, expect, it } from "vitest";
import { decodeMessage, deploymentMessage } from "./workload-protobuf";

// A minimal protobuf writer for the test: varints and length-delimited fields, as Go's encoder writes them.
const varint = (value: number): number[] => {
  const bytes: number[] = [];
  let rest = BigInt.asUintN(64, BigInt(value));
  do {
    const low = Number(rest & 0x7fn);
    rest >>= 7n;
    bytes.push(rest > 0n ? low | 0x80 : low);
  } while (rest > 0n);
  return bytes;
};
const int = (number: number, value: number) => Buffer.from([...varint((number << 3) | 0), ...varint(value)]);
const bytes = (number: number, ...parts: (Buffer | string)[]) => {
  const body = Buffer.concat(parts.map((part) => (typeof part === "string" ? Buffer.from(part) : part)));
  return Buffer.concat([Buffer.from([...varint((number << 3) | 2), ...varint(body.length)]), body]);
};
const entry = (number: number, key: string, value: string) => bytes(number, bytes(1, key), bytes(2, value));

// What `kubectl create deployment web --image=nginx --replicas=0` sends: zeros and empties included.
const deployment = Buffer.concat([
  bytes(1, bytes(1, "web"), bytes(2, ""), bytes(3, ""), entry(11, "app", "web")),
  bytes(
    2,
    int(1, 0),
    bytes(2, entry(1, "app", "web")),
    bytes(
      3,
      bytes(1, bytes(1, ""), entry(11, "app", "web")),
      bytes(
        2,
        bytes(2, bytes(1, "nginx"), bytes(2, "nginx"), bytes(5, ""), bytes(8), bytes(13, ""), int(16, 0)),
        bytes(3, ""),
        int(11, 0),
      ),
    ),
    bytes(4, bytes(1, "")),
    int(5, 0),
    int(7, 0),
  ),
  bytes(3, int(1, 0), int(2, 0)),
]);

describe("decoding the protobuf Deployment kubectl sends", () => {
  it("gives the JSON the same object would be sent as: zeros dropped unless the field is a pointer", () => {
    expect(decodeMessage(deployment, deploymentMessage)).toEqual({
      metadata: { name: "web", labels: { app: "web" } },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: { containers: [{ name: "nginx", image: "nginx", resources: {} }] },
        },
        strategy: {},
      },
    });
  });

  it("reads repeated strings, ports and negative numbers", () => {
    const spec = bytes(
      2,
      int(1, 3),
      bytes(
        3,
        bytes(
          2,
          bytes(2, bytes(1, "box"), bytes(2, "busybox"), bytes(3, "sleep"), bytes(3, "3600"), bytes(6, int(3, 80))),
        ),
      ),
      int(6, -1),
    );
    expect(decodeMessage(spec, deploymentMessage)).toEqual({
      spec: {
        replicas: 3,
        revisionHistoryLimit: -1,
        template: {
          spec: {
            containers: [{ name: "box", image: "busybox", command: ["sleep", "3600"], ports: [{ containerPort: 80 }] }],
          },
        },
      },
    });
  });

  it("refuses a field it does not know that carries a value, instead of losing it", () => {
    const withAffinity = bytes(2, bytes(3, bytes(2, bytes(18, bytes(1, bytes(1, "x"))))));
    expect(() => decodeMessage(withAffinity, deploymentMessage)).toThrow(
      "field 18 of PodSpec in a protobuf body is not implemented by the podman test cluster; send JSON (e.g. kubectl apply -f)",
    );
  });
});
