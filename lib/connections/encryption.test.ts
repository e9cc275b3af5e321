import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { isAppError } from "@/lib/errors/app-error";
import { connectionKeyFromEnv, decryptKubeconfig, encryptKubeconfig, parseConnectionKey } from "./encryption";

const key = parseConnectionKey(randomBytes(32).toString("base64"));
const otherKey = parseConnectionKey(randomBytes(32).toString("base64"));
const kubeconfig =
  "apiVersion: v1\nkind: Config\nusers:\n- name: kind-cks\n  user:\n    token: super-secret-token-0123456789\n";
const owner = "user_123";

function flip(sealed: string, part: number): string {
  const parts = sealed.split(":");
  const bytes = Buffer.from(parts[part]!, "base64url");
  bytes[0] = bytes[0]! ^ 0x01;
  parts[part] = bytes.toString("base64url");
  return parts.join(":");
}

describe("encryptKubeconfig / decryptKubeconfig", () => {
  it("round-trips a kubeconfig", () => {
    const sealed = encryptKubeconfig(kubeconfig, { boundTo: owner, key });
    expect(decryptKubeconfig(sealed, { boundTo: owner, key })).toEqual({ ok: true, kubeconfig });
  });

  it("writes v1:<keyId>:<iv>:<tag>:<ciphertext> with a fresh IV each time", () => {
    const a = encryptKubeconfig(kubeconfig, { boundTo: owner, key });
    const b = encryptKubeconfig(kubeconfig, { boundTo: owner, key });
    const [version, id, iv, tag, data] = a.split(":");
    expect(version).toBe("v1");
    expect(id).toBe(key.id);
    expect(Buffer.from(iv!, "base64url")).toHaveLength(12);
    expect(Buffer.from(tag!, "base64url")).toHaveLength(16);
    expect(data).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(b.split(":")[2]).not.toBe(iv);
    expect(b).not.toBe(a);
  });

  it("leaks no plaintext, in any common encoding, into the sealed value", () => {
    const sealed = encryptKubeconfig(kubeconfig, { boundTo: owner, key });
    for (const fragment of ["super-secret-token", "apiVersion", "kind-cks"]) {
      for (const encoded of [
        fragment,
        Buffer.from(fragment).toString("base64"),
        Buffer.from(fragment).toString("base64url"),
        Buffer.from(fragment).toString("hex"),
      ]) {
        expect(sealed).not.toContain(encoded);
      }
    }
    expect(sealed).not.toContain(key.key.toString("base64url"));
  });

  it.each([
    ["ciphertext", 4],
    ["auth tag", 3],
    ["IV", 2],
  ])("detects a flipped bit in the %s", (_name, part) => {
    const sealed = encryptKubeconfig(kubeconfig, { boundTo: owner, key });
    expect(decryptKubeconfig(flip(sealed, part), { boundTo: owner, key })).toMatchObject({
      ok: false,
      failure: { code: "tampered" },
    });
  });

  it("refuses a value moved to another owner's row", () => {
    const sealed = encryptKubeconfig(kubeconfig, { boundTo: owner, key });
    expect(decryptKubeconfig(sealed, { boundTo: "user_456", key })).toMatchObject({
      ok: false,
      failure: { code: "tampered" },
    });
  });

  it("refuses a value sealed with another key, naming both key ids", () => {
    const sealed = encryptKubeconfig(kubeconfig, { boundTo: owner, key });
    const result = decryptKubeconfig(sealed, { boundTo: owner, key: otherKey });
    expect(result).toMatchObject({ ok: false, failure: { code: "wrong-key" } });
    if (!result.ok)
      expect(result.failure.message).toContain(
        `sealed with key ${key.id}, but CKS_CONNECTION_KEY is key ${otherKey.id}`,
      );
  });

  it("refuses a forged key id (the key id is authenticated too)", () => {
    const sealed = encryptKubeconfig(kubeconfig, { boundTo: owner, key }).split(":");
    sealed[1] = otherKey.id;
    expect(decryptKubeconfig(sealed.join(":"), { boundTo: owner, key: otherKey })).toMatchObject({
      ok: false,
      failure: { code: "tampered" },
    });
  });

  it.each([
    ["plaintext stored by mistake", kubeconfig, "malformed"],
    ["a truncated value", "v1:abc:def", "malformed"],
    ["a bad base64url part", `v1:${key.id}:!!!:AAAA:AAAA`, "malformed"],
    ["a short IV", `v1:${key.id}:AAAA:${"A".repeat(22)}:AAAA`, "malformed"],
    ["a future format", `v2:${key.id}:a:b:c`, "unknown-version"],
  ])("reports %s as %s", (_name, sealed, code) => {
    expect(decryptKubeconfig(sealed, { boundTo: owner, key })).toMatchObject({ ok: false, failure: { code } });
  });
});

describe("the connection key", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it.each([
    [undefined, /CKS_CONNECTION_KEY is not set: generate one with `openssl rand -base64 32`/],
    ["", /CKS_CONNECTION_KEY is empty/],
    ["not base64 at all!", /CKS_CONNECTION_KEY is not base64/],
    [randomBytes(16).toString("base64"), /CKS_CONNECTION_KEY must decode to 32 bytes, found 16/],
  ])("refuses %j with one clear line", (text, message) => {
    let error: unknown;
    try {
      parseConnectionKey(text);
    } catch (caught) {
      error = caught;
    }
    expect(isAppError(error, "CONFIG_INVALID")).toBe(true);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain("\n");
  });

  it("accepts base64url and gives the same key the same id", () => {
    const bytes = randomBytes(32);
    expect(parseConnectionKey(bytes.toString("base64url")).id).toBe(parseConnectionKey(bytes.toString("base64")).id);
  });

  it("reads CKS_CONNECTION_KEY once, so encrypt and decrypt need no key argument", () => {
    vi.stubEnv("CKS_CONNECTION_KEY", randomBytes(32).toString("base64"));
    const sealed = encryptKubeconfig(kubeconfig, { boundTo: owner });
    vi.stubEnv("CKS_CONNECTION_KEY", "changed after start-up");
    expect(connectionKeyFromEnv().id).toBe(sealed.split(":")[1]);
    expect(decryptKubeconfig(sealed, { boundTo: owner })).toEqual({ ok: true, kubeconfig });
  });
});
