import { lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { TKubeObject, TPod } from "../types";
import { containerEnv } from "./container-env";
import { MountError, volumeFiles, writeVolumeFiles, type TPodObjects } from "./volume-files";

const pod: TPod = {
  metadata: { name: "app", namespace: "secret-lab", uid: "u-1", labels: { app: "db" } },
  spec: { containers: [{ name: "app", image: "busybox" }], nodeName: "node-1" },
};
const secret: TKubeObject = {
  metadata: { name: "db-credentials" },
  data: { password: Buffer.from("S3cure").toString("base64"), user: Buffer.from("app").toString("base64") },
};
const objects: TPodObjects = {
  get: (resource, name) => (resource === "secrets" && name === "db-credentials" ? secret : undefined),
  token: () => "header.payload.signature",
};

describe("volumeFiles", () => {
  it("writes every key with defaultMode, or only the items with their own paths and modes", () => {
    expect(
      volumeFiles(pod, { name: "v", secret: { secretName: "db-credentials", defaultMode: 0o440 } }, objects),
    ).toEqual([
      { path: "password", content: Buffer.from("S3cure"), mode: 0o440 },
      { path: "user", content: Buffer.from("app"), mode: 0o440 },
    ]);
    const items = { secretName: "db-credentials", items: [{ key: "password", path: "db/pass", mode: 0o400 }] };
    expect(volumeFiles(pod, { name: "v", secret: items }, objects)).toEqual([
      { path: "db/pass", content: Buffer.from("S3cure"), mode: 0o400 },
    ]);
  });

  it("refuses a missing Secret or key with the kubelet's words, unless the source is optional", () => {
    expect(() => volumeFiles(pod, { name: "v", secret: { secretName: "nope" } }, objects)).toThrow(
      new MountError('secret "nope" not found'),
    );
    expect(volumeFiles(pod, { name: "v", secret: { secretName: "nope", optional: true } }, objects)).toEqual([]);
    const items = { secretName: "db-credentials", items: [{ key: "passwd", path: "p" }] };
    expect(() => volumeFiles(pod, { name: "v", secret: items }, objects)).toThrow(
      "references non-existent secret key: passwd",
    );
    expect(() => volumeFiles(pod, { name: "v", configMap: { name: "settings" } }, objects)).toThrow(
      'configmap "settings" not found',
    );
  });

  it("projects a token, secret items and downward API fields under one defaultMode", () => {
    const files = volumeFiles(
      pod,
      {
        name: "v",
        projected: {
          defaultMode: 0o400,
          sources: [
            { serviceAccountToken: { path: "token", expirationSeconds: 3600 } },
            { secret: { name: "db-credentials", items: [{ key: "user", path: "user" }] } },
            { downwardAPI: { items: [{ path: "labels", fieldRef: { fieldPath: "metadata.labels" } }] } },
          ],
        },
      },
      objects,
    );
    expect(files.map((file) => [file.path, file.content.toString(), file.mode])).toEqual([
      ["token", "header.payload.signature", 0o400],
      ["user", "app", 0o400],
      ["labels", 'app="db"', 0o400],
    ]);
  });
});

describe("writeVolumeFiles", () => {
  let dir = "";
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("lays files out as the kubelet's atomic writer does: ..<timestamp>, ..data, and links into ..data", () => {
    dir = mkdtempSync(path.join(tmpdir(), "volume-"));
    writeVolumeFiles(
      dir,
      [
        { path: "password", content: Buffer.from("S3cure"), mode: 0o400 },
        { path: "nested/file", content: Buffer.from("x"), mode: 0o644 },
      ],
      new Date(Date.UTC(2026, 10, 28, 4, 5, 6)),
    );
    const stamped = readlinkSync(path.join(dir, "..data"));
    expect(stamped).toMatch(/^\.\.2026_11_28_04_05_06\.\d+$/);
    expect(readlinkSync(path.join(dir, "password"))).toBe("..data/password");
    expect(readlinkSync(path.join(dir, "nested"))).toBe("..data/nested");
    expect(lstatSync(path.join(dir, "password")).isSymbolicLink()).toBe(true);
    expect(statSync(path.join(dir, "password")).mode & 0o777).toBe(0o400);
    expect(readFileSync(path.join(dir, "nested", "file"), "utf8")).toBe("x");
  });
});

describe("containerEnv", () => {
  const container = (env: unknown[], envFrom: unknown[] = []) =>
    ({ name: "app", image: "busybox", env, envFrom }) as never;

  it("resolves secretKeyRef and fieldRef, env after envFrom", () => {
    const result = containerEnv(
      pod,
      container(
        [
          { name: "user", value: "override" },
          { name: "DB", valueFrom: { secretKeyRef: { name: "db-credentials", key: "password" } } },
          { name: "NODE", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
        ],
        [{ secretRef: { name: "db-credentials" } }],
      ),
      objects,
    );
    expect(result).toEqual({
      env: [
        { name: "password", value: "S3cure" },
        { name: "user", value: "override" },
        { name: "DB", value: "S3cure" },
        { name: "NODE", value: "node-1" },
      ],
    });
  });

  it.each([
    [
      { secretKeyRef: { name: "db-credentials", key: "pin" } },
      "couldn't find key pin in Secret secret-lab/db-credentials",
    ],
    [{ secretKeyRef: { name: "other", key: "pin" } }, 'secret "other" not found'],
    [{ configMapKeyRef: { name: "settings", key: "mode" } }, 'configmap "settings" not found'],
  ])("stops the container on %j", (valueFrom, message) => {
    expect(containerEnv(pod, container([{ name: "X", valueFrom }]), objects)).toEqual({
      problem: { reason: "CreateContainerConfigError", message },
    });
  });
});
