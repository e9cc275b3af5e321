import { describe, expect, it } from "vitest";
import { allKinds } from "./kinds";
import { decodeKubernetesProtobuf } from "./protobuf";
import { Scheme } from "./registry/scheme";

const scheme = new Scheme(allKinds);

function field(number: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([(number << 3) | 2, payload.length]), payload]);
}
const text = (number: number, value: string) => field(number, Buffer.from(value));

describe("decodeKubernetesProtobuf", () => {
  it("reads a Namespace as kubectl create namespace sends it", () => {
    const label = field(11, Buffer.concat([text(1, "team"), text(2, "red")]));
    const metadata = field(1, Buffer.concat([text(1, "lab"), label]));
    const raw = Buffer.concat([metadata, field(2, Buffer.alloc(0)), field(3, Buffer.alloc(0))]);
    const typeMeta = field(1, Buffer.concat([text(1, "v1"), text(2, "Namespace")]));
    const body = Buffer.concat([Buffer.from("k8s\0", "binary"), typeMeta, field(2, raw)]);
    expect(decodeKubernetesProtobuf(body, scheme)).toEqual({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "lab", labels: { team: "red" } },
      spec: { finalizers: [] },
    });
  });

  it("reads a SelfSubjectAccessReview as kubectl auth can-i sends it", () => {
    const attributes = field(1, Buffer.concat([text(1, "lab"), text(2, "create"), text(5, "pods"), text(6, "exec")]));
    const raw = Buffer.concat([field(1, Buffer.alloc(0)), field(2, attributes), field(3, Buffer.alloc(0))]);
    const typeMeta = field(1, Buffer.concat([text(1, "authorization.k8s.io/v1"), text(2, "SelfSubjectAccessReview")]));
    const body = Buffer.concat([Buffer.from("k8s\0", "binary"), typeMeta, field(2, raw)]);
    expect(decodeKubernetesProtobuf(body, scheme)).toEqual({
      apiVersion: "authorization.k8s.io/v1",
      kind: "SelfSubjectAccessReview",
      metadata: {},
      spec: { resourceAttributes: { namespace: "lab", verb: "create", resource: "pods", subresource: "exec" } },
    });
  });

  it("reads a ConfigMap as kubectl create configmap sends it, binary data as base64", () => {
    const entry = (number: number, key: string, value: string) =>
      field(number, Buffer.concat([text(1, key), text(2, value)]));
    const raw = Buffer.concat([
      field(1, Buffer.concat([text(1, "settings"), text(3, "lab")])),
      entry(2, "mode", "strict"),
      entry(2, "level", "3"),
      entry(3, "logo", "\u0000\u0001"),
    ]);
    const typeMeta = field(1, Buffer.concat([text(1, "v1"), text(2, "ConfigMap")]));
    const body = Buffer.concat([Buffer.from("k8s\0", "binary"), typeMeta, field(2, raw)]);
    expect(decodeKubernetesProtobuf(body, scheme)).toEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "settings", namespace: "lab" },
      data: { mode: "strict", level: "3" },
      binaryData: { logo: "AAE=" },
    });
  });

  it("refuses kinds it does not know instead of guessing", () => {
    const typeMeta = field(1, Buffer.concat([text(1, "batch/v1"), text(2, "Job")]));
    const body = Buffer.concat([Buffer.from("k8s\0", "binary"), typeMeta, field(2, Buffer.alloc(0))]);
    expect(() => decodeKubernetesProtobuf(body, scheme)).toThrow(/protobuf bodies for Job are not implemented/);
  });
});
