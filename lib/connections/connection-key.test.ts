import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConnectionKey } from "./connection-key";
import { decryptKubeconfig, encryptKubeconfig } from "./encryption";
import { ensureConnectionKey } from "./ensure-connection-key";

const scratch = () => path.join(mkdtempSync(path.join(os.tmpdir(), "cks-key-")), "data", "connection-key");

describe("connection key bootstrap", () => {
  it("creates data/connection-key once, mode 0600, and the app reads a working key from it", () => {
    const file = scratch();
    expect(ensureConnectionKey({}, file)).toBe("created");
    const first = readFileSync(file, "utf8");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(ensureConnectionKey({}, file)).toBe("file");
    expect(readFileSync(file, "utf8")).toBe(first);
    const key = loadConnectionKey({}, file);
    const sealed = encryptKubeconfig("apiVersion: v1", { boundTo: "u1", key });
    expect(decryptKubeconfig(sealed, { boundTo: "u1", key: loadConnectionKey({}, file) })).toEqual({
      ok: true,
      kubeconfig: "apiVersion: v1",
    });
  });

  it("prefers CKS_CONNECTION_KEY, validates it, and then creates no file", () => {
    const file = scratch();
    const env = { CKS_CONNECTION_KEY: randomBytes(32).toString("base64") };
    expect(ensureConnectionKey(env, file)).toBe("env");
    expect(() => statSync(file)).toThrow();
    expect(() => ensureConnectionKey({ CKS_CONNECTION_KEY: "c2hvcnQ=" }, file)).toThrow(/must decode to 32 bytes/);
  });

  it("tightens a copied file's mode and refuses a file that holds no key, without printing it", () => {
    const file = scratch();
    ensureConnectionKey({}, file);
    chmodSync(file, 0o644);
    expect(ensureConnectionKey({}, file)).toBe("file");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    writeFileSync(file, "not-a-key-at-all-secret-value");
    expect(() => ensureConnectionKey({}, file)).toThrow(/does not hold a 32-byte base64 key/);
    expect(() => ensureConnectionKey({}, file)).not.toThrow(/secret-value/);
    expect(() => loadConnectionKey({}, path.join(path.dirname(file), "missing"))).toThrow(/No connection key/);
  });
});
