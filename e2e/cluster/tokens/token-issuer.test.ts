import { createPublicKey, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { serviceAccountIssuer, TokenIssuer } from "./token-issuer";

const issuer = new TokenIssuer();
const parts = (token: string) => {
  const [header = "", payload = "", signature = ""] = token.split(".");
  return {
    header: JSON.parse(Buffer.from(header, "base64url").toString()) as Record<string, unknown>,
    payloadText: Buffer.from(payload, "base64url").toString(),
    signed: Buffer.from(`${header}.${payload}`),
    signature: Buffer.from(signature, "base64url"),
  };
};

describe("TokenIssuer", () => {
  it("signs RS256 tokens that verify with the published key set, kid included", () => {
    const { token } = issuer.issueBound({
      namespace: "lab",
      serviceAccount: { name: "web", uid: "u1" },
      audiences: [serviceAccountIssuer],
      expirationSeconds: 3600,
    });
    const { header, signed, signature } = parts(token);
    const [jwk] = issuer.jwks().keys;
    expect(header).toEqual({ alg: "RS256", kid: jwk?.kid });
    const key = createPublicKey({ key: { kty: "RSA", n: jwk?.n, e: jwk?.e } as never, format: "jwk" });
    expect(verify("sha256", signed, key, signature)).toBe(true);
    expect(issuer.verify(token)).toMatchObject({ sub: "system:serviceaccount:lab:web" });
    const tampered = token.replace(/\.[^.]+\./, `.${Buffer.from('{"sub":"system:admin"}').toString("base64url")}.`);
    expect(issuer.verify(tampered)).toBeUndefined();
  });

  it("writes the claims in the order and shape kube-apiserver does, warnafter for extended volume tokens", () => {
    const now = Date.UTC(2026, 10, 28, 12, 0, 0);
    const { token, issuedAt, expiresAt } = issuer.issueBound(
      {
        namespace: "lab",
        serviceAccount: { name: "web", uid: "sa-uid" },
        pod: { name: "web", uid: "pod-uid" },
        node: { name: "node-1" },
        audiences: [serviceAccountIssuer],
        expirationSeconds: 365 * 24 * 3600,
        warnAfterSeconds: 3607,
      },
      now,
    );
    expect(issuedAt).toBe(now / 1000);
    expect(expiresAt - issuedAt).toBe(31536000);
    const { payloadText } = parts(token);
    const claims = JSON.parse(payloadText) as Record<string, unknown>;
    expect(Object.keys(claims)).toEqual(["aud", "exp", "iat", "iss", "jti", "kubernetes.io", "nbf", "sub"]);
    expect(claims).toMatchObject({
      aud: [serviceAccountIssuer],
      iss: serviceAccountIssuer,
      nbf: issuedAt,
      sub: "system:serviceaccount:lab:web",
      "kubernetes.io": {
        namespace: "lab",
        node: { name: "node-1" },
        pod: { name: "web", uid: "pod-uid" },
        serviceaccount: { name: "web", uid: "sa-uid" },
        warnafter: issuedAt + 3607,
      },
    });
    expect(Object.keys(claims["kubernetes.io"] as object)).toEqual([
      "namespace",
      "node",
      "pod",
      "serviceaccount",
      "warnafter",
    ]);
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("gives token Secrets the legacy claims: issuer kubernetes/serviceaccount, no audience, no expiry", () => {
    const claims = JSON.parse(parts(issuer.issueLegacy("lab", { name: "web", uid: "u" }, "web-token")).payloadText);
    expect(claims).toEqual({
      iss: "kubernetes/serviceaccount",
      "kubernetes.io/serviceaccount/namespace": "lab",
      "kubernetes.io/serviceaccount/secret.name": "web-token",
      "kubernetes.io/serviceaccount/service-account.name": "web",
      "kubernetes.io/serviceaccount/service-account.uid": "u",
      sub: "system:serviceaccount:lab:web",
    });
  });
});
