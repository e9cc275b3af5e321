import { execFile, spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { instanceId, processAlive } from "../host";

const execFileAsync = promisify(execFile);

/** Where `ip netns` keeps named network namespaces. */
export const netnsDir = "/run/netns";

/** Prefix of every network namespace a test cluster creates; the owning process id follows it. */
const prefix = "cks-";

/** This cluster's namespace name for `suffix` (`node`, `ext`, or a pod uid). */
export function netnsName(suffix: string, instance = instanceId): string {
  return `${prefix}${instance}-${suffix}`;
}

/** The path a container runtime joins (`podman run --network ns:<path>`). */
export function netnsPath(name: string): string {
  return path.join(netnsDir, name);
}

/** Runs `ip` with `args`; with `batch`, feeds those lines to `ip -b -` (one process for many changes). */
export async function ip(args: string[], batch?: string[]): Promise<void> {
  if (!batch) {
    await execFileAsync("ip", args);
    return;
  }
  await new Promise<void>((resolve, reject) => {
    const child = spawn("ip", [...args, "-b", "-"], { stdio: ["pipe", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`ip ${args.join(" ")} -b failed (${code}): ${stderr.trim()}\n${batch.join("\n")}`)),
    );
    child.stdin.end(`${batch.join("\n")}\n`);
  });
}

/** Creates an empty network namespace with its loopback up. */
export async function createNetns(name: string): Promise<void> {
  await ip(["netns", "add", name]);
  await ip(["-n", name, "link", "set", "lo", "up"]);
}

/** Deletes a network namespace (its veth ends go with it); a missing one is fine. */
export async function deleteNetns(name: string): Promise<void> {
  if (!existsSync(netnsPath(name))) return;
  await execFileAsync("ip", ["netns", "del", name]).catch(() => undefined);
}

/** Network namespaces of test clusters, with the process id that owns each. */
export function clusterNetns(): Array<{ name: string; owner: string }> {
  if (!existsSync(netnsDir)) return [];
  return readdirSync(netnsDir)
    .filter((name) => name.startsWith(prefix))
    .map((name) => ({ name, owner: name.slice(prefix.length).split("-")[0] ?? "" }))
    .filter((entry) => /^\d+$/.test(entry.owner));
}

/** Deletes the network namespaces of test clusters whose process is gone (after a crash or kill -9). */
export async function removeDeadNetns(): Promise<number> {
  const dead = clusterNetns().filter((entry) => entry.owner !== instanceId && !processAlive(Number(entry.owner)));
  for (const entry of dead) await deleteNetns(entry.name);
  return dead.length;
}

/** Deletes every network namespace of this process's cluster. */
export async function removeOwnNetns(): Promise<void> {
  for (const entry of clusterNetns().filter((candidate) => candidate.owner === instanceId))
    await deleteNetns(entry.name);
}

/** Runs a program inside a network namespace (only its network; files and processes stay the host's). */
export async function inNetns(name: string, command: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("nsenter", [`--net=${netnsPath(name)}`, command, ...args], {
      stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`${command} in ${name} failed (${code}): ${stderr.trim()}`)),
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}
