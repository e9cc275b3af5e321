import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { gradeLab } from "../grade-lab";
import type { KubeObject } from "../port";
import type { CertificateEvidence, CheckResult } from "../report";
import { FakeCluster } from "../testing/fake-cluster";
import { labWith } from "../testing/lab-builder";

const NS = "ingress-lab";
const fixture = (name: string) =>
  readFileSync(path.join(import.meta.dirname, "..", "testing", "fixtures", "tls", name), "utf8");
const b64 = (text: string) => Buffer.from(text).toString("base64");

function tlsSecret(crt: string, key: string, type = "kubernetes.io/tls", name = "web-tls"): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace: NS },
    type,
    data: { "tls.crt": b64(fixture(crt)), "tls.key": b64(fixture(key)) },
  };
}

function ingress(tls: object[]): KubeObject {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: { name: "web", namespace: NS },
    spec: { ingressClassName: "nginx", tls, rules: [] },
  };
}

const full = {
  id: "certificate",
  type: "certificate",
  secret: "web-tls",
  expect: { coversHost: "secure.cks.test", keyMatches: true, validNow: true },
};

async function grade(objects: KubeObject[], check: Record<string, unknown> = full): Promise<CheckResult> {
  const cluster = new FakeCluster(NS);
  for (const object of objects) cluster.addObject(object, NS);
  const result = (await gradeLab({ lab: labWith([check], NS), cluster })).results[0];
  if (!result) throw new Error("no result");
  return result;
}

function certificate(result: CheckResult): CertificateEvidence {
  const evidence = result.evidence.find((e) => e.type === "certificate");
  if (evidence?.type !== "certificate") throw new Error("no certificate evidence");
  return evidence;
}

describe("certificate", () => {
  it("passes a certificate that covers the host, matches its key and is valid now, and shows what it holds", async () => {
    const result = await grade([tlsSecret("web.crt", "web.key")]);
    expect(result).toMatchObject({
      status: "pass",
      message: "OK: CN=secure.cks.test: covers secure.cks.test, key matches, valid until 2126-01-01T00:00:00Z",
    });
    expect(certificate(result)).toEqual({
      type: "certificate",
      source: "Secret web-tls",
      secretType: "kubernetes.io/tls",
      subject: "CN=secure.cks.test",
      issuer: "CN=secure.cks.test",
      subjectAltNames: ["DNS:secure.cks.test"],
      notBefore: "2026-01-01T00:00:00Z",
      notAfter: "2126-01-01T00:00:00Z",
      selfSigned: true,
      sha256Fingerprint: expect.stringMatching(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/),
      keyMatches: true,
    });
  });

  it("never puts the key in a result", async () => {
    const key = fixture("web.key");
    const body = key.split("\n").find((line) => line.length > 40)!;
    for (const result of [
      await grade([tlsSecret("web.crt", "web.key")]),
      await grade([tlsSecret("web.crt", "other.key")]),
    ]) {
      const text = JSON.stringify(result);
      expect(text).not.toContain(body.slice(0, 32));
      expect(text).not.toContain(b64(key).slice(0, 32));
      expect(text).not.toMatch(/PRIVATE KEY/);
    }
  });

  it.each([
    ["cn-only.crt", "web.key", "no DNS subjectAltName covers secure.cks.test (it has no subjectAltName)"],
    ["wrong-host.crt", "web.key", "no DNS subjectAltName covers secure.cks.test (it names DNS:www.cks.test)"],
    ["web.crt", "other.key", "tls.key is not the private key of this certificate"],
    ["web.crt", "ec.key", "tls.key is not the private key of this certificate"],
    ["expired.crt", "web.key", "expired on 2021-01-01T00:00:00Z"],
    ["not-yet-valid.crt", "web.key", "not valid before 2120-01-01T00:00:00Z"],
  ])("fails %s with key %s: %s", async (crt, key, observed) => {
    const result = await grade([tlsSecret(crt, key)]);
    expect(result).toMatchObject({ status: "fail", outcome: "failed", observed });
  });

  it("accepts a wildcard for one label, an EC key, and a certificate naming several hosts", async () => {
    expect(await grade([tlsSecret("wildcard.crt", "web.key")])).toMatchObject({ status: "pass" });
    expect(await grade([tlsSecret("ec.crt", "ec.key")])).toMatchObject({ status: "pass" });
    const deeper = { ...full, expect: { coversHost: "a.secure.cks.test" } };
    expect(await grade([tlsSecret("wildcard.crt", "web.key")], deeper)).toMatchObject({ status: "fail" });
  });

  it("checks only what the lab asks for", async () => {
    const onlyHost = { ...full, expect: { coversHost: "secure.cks.test" } };
    expect(await grade([tlsSecret("expired.crt", "other.key")], onlyHost)).toMatchObject({ status: "pass" });
    const parses = { ...full, expect: {} };
    expect(await grade([tlsSecret("expired.crt", "other.key")], parses)).toMatchObject({
      status: "pass",
      message: "OK: CN=secure.cks.test parses",
    });
    expect(certificate(await grade([tlsSecret("web.crt", "web.key")], onlyHost)).keyMatches).toBeNull();
  });

  it("wants a kubernetes.io/tls Secret with a certificate and a readable key", async () => {
    expect(await grade([tlsSecret("web.crt", "web.key", "Opaque")])).toMatchObject({
      status: "fail",
      message:
        "Secret web-tls has type Opaque; create it with kubectl create secret tls so that it is kubernetes.io/tls.",
    });
    const noCert = { ...tlsSecret("web.crt", "web.key"), data: { "tls.key": b64(fixture("web.key")) } };
    expect(await grade([noCert])).toMatchObject({ status: "fail", observed: "Secret web-tls has no usable tls.crt" });
    const garbage = { ...tlsSecret("web.crt", "web.key"), data: { "tls.crt": b64("hello"), "tls.key": b64("x") } };
    expect(await grade([garbage])).toMatchObject({ observed: "tls.crt of Secret web-tls holds no PEM certificate" });
    const badKey = {
      ...tlsSecret("web.crt", "web.key"),
      data: { "tls.crt": b64(fixture("web.crt")), "tls.key": b64("x") },
    };
    expect(await grade([badKey])).toMatchObject({
      status: "fail",
      observed: "tls.key is not a readable, unencrypted private key",
    });
  });

  it("reads the first certificate of a chain as the leaf", async () => {
    const chain = {
      ...tlsSecret("web.crt", "web.key"),
      data: { "tls.crt": b64(fixture("web.crt") + fixture("wrong-host.crt")), "tls.key": b64(fixture("web.key")) },
    };
    expect(await grade([chain])).toMatchObject({ status: "pass" });
  });

  it("reports a missing Secret and a missing namespace as such", async () => {
    expect(await grade([])).toMatchObject({
      status: "fail",
      outcome: "object-missing",
      observed: "no Secret named web-tls",
    });
    const result = (await gradeLab({ lab: labWith([full], NS), cluster: new FakeCluster() })).results[0];
    expect(result).toMatchObject({ status: "fail", outcome: "namespace-missing" });
  });

  describe("served by an Ingress", () => {
    const served = { ...full, servedBy: { ingress: "web", host: "secure.cks.test" } };

    it("passes when the Ingress names the Secret for the host", async () => {
      const result = await grade(
        [tlsSecret("web.crt", "web.key"), ingress([{ hosts: ["secure.cks.test"], secretName: "web-tls" }])],
        served,
      );
      expect(result).toMatchObject({ status: "pass" });
      expect(certificate(result).source).toBe("Ingress web, host secure.cks.test -> Secret web-tls");
    });

    it.each([
      [[], "Ingress web has no tls entry for secure.cks.test"],
      [[{ hosts: ["www.cks.test"], secretName: "web-tls" }], "Ingress web has no tls entry for secure.cks.test"],
      [
        [{ hosts: ["secure.cks.test"] }],
        "Ingress web serves secure.cks.test with no Secret (the controller's default certificate), not web-tls",
      ],
      [
        [
          { hosts: ["secure.cks.test"], secretName: "other" },
          { hosts: ["secure.cks.test"], secretName: "web-tls" },
        ],
        "Ingress web serves secure.cks.test with Secret other, not web-tls",
      ],
    ])("fails tls %j: %s", async (tls, observed) => {
      const result = await grade([tlsSecret("web.crt", "web.key"), ingress(tls)], served);
      expect(result).toMatchObject({ status: "fail", observed });
    });

    it("accepts a wildcard tls host and reports a missing Ingress", async () => {
      const wildcard = ingress([{ hosts: ["*.cks.test"], secretName: "web-tls" }]);
      expect(await grade([tlsSecret("web.crt", "web.key"), wildcard], served)).toMatchObject({ status: "pass" });
      expect(await grade([tlsSecret("web.crt", "web.key")], served)).toMatchObject({
        outcome: "object-missing",
        observed: "no Ingress named web",
      });
    });
  });

  it("refuses lab files with a wildcard or upper-case host", () => {
    expect(() => labWith([{ ...full, expect: { coversHost: "*.cks.test" } }], NS)).toThrow(/must be a DNS name/);
    expect(() => labWith([{ ...full, servedBy: { ingress: "web", host: "Secure.cks.test" } }], NS)).toThrow(
      /must be a DNS name/,
    );
  });
});
