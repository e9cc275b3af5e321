import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { instanceDir, instanceId, ownerLabel, podman, processAlive, stateDir } from "../host";
import { removeDeadNetns } from "../network/netns";

const execFileAsync = promisify(execFile);

async function removeContainers(owners: (owner: string) => boolean): Promise<number> {
  const listing = await podman(
    ["ps", "-a", "--filter", `label=${ownerLabel}`, "--format", `{{.ID}} {{index .Labels "${ownerLabel}"}}`],
    { allowFailure: true },
  );
  const ids = listing.stdout
    .split("\n")
    .filter(Boolean)
    .map((line) => line.split(" "))
    .filter(([, owner]) => owners(owner ?? ""))
    .map(([id]) => id ?? "");
  if (ids.length > 0) await podman(["rm", "-f", "-t", "0", ...ids], { allowFailure: true });
  return ids.length;
}

async function removeInstanceDir(dir: string): Promise<void> {
  const mounts = await execFileAsync("awk", [`$2 ~ "^${dir}/" {print $2}`, "/proc/mounts"]).catch(() => ({
    stdout: "",
  }));
  for (const mount of mounts.stdout.split("\n").filter(Boolean))
    await execFileAsync("umount", [mount]).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}

/** Ends `podman events` watchers whose cluster process died without stopping them (kill -9). */
function killOrphanWatchers(): void {
  const marker = `label=${ownerLabel}=`;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
    } catch {
      continue;
    }
    if (!args.includes("events")) continue;
    const owner = args.find((arg) => arg.startsWith(marker))?.slice(marker.length);
    if (owner && owner !== instanceId && !processAlive(Number(owner))) {
      try {
        process.kill(Number(entry), "SIGTERM");
      } catch {
        // Gone already.
      }
    }
  }
}

/** Removes containers and pod volumes left behind by runs whose process is gone (a crash, a kill -9). */
export async function removeLeftovers(): Promise<void> {
  killOrphanWatchers();
  await removeContainers((owner) => owner !== instanceId && !processAlive(Number(owner)));
  await removeDeadNetns();
  const instances = path.join(stateDir, "instances");
  if (!existsSync(instances)) return;
  for (const entry of readdirSync(instances)) {
    if (entry !== instanceId && !processAlive(Number(entry))) await removeInstanceDir(path.join(instances, entry));
  }
}

/** Containers that belong to test clusters whose process is still running (other test runs on this machine). */
export async function liveInstances(): Promise<Map<string, number>> {
  const listing = await podman(
    ["ps", "-a", "--filter", `label=${ownerLabel}`, "--format", `{{index .Labels "${ownerLabel}"}}`],
    { allowFailure: true },
  );
  const owners = new Map<string, number>();
  for (const owner of listing.stdout.split("\n").filter(Boolean))
    if (processAlive(Number(owner))) owners.set(owner, (owners.get(owner) ?? 0) + 1);
  return owners;
}

/** Removes the containers and pod volumes of every test cluster whose process is gone; returns the container count. */
export async function removeDeadInstances(): Promise<number> {
  killOrphanWatchers();
  const count = await removeContainers((owner) => !processAlive(Number(owner)));
  await removeDeadNetns();
  const instances = path.join(stateDir, "instances");
  if (existsSync(instances)) {
    for (const entry of readdirSync(instances))
      if (!processAlive(Number(entry))) await removeInstanceDir(path.join(instances, entry));
  }
  return count;
}

/** Removes this process's own pod folder (after its pods are stopped). */
export async function removeOwnInstance(): Promise<void> {
  await removeInstanceDir(instanceDir);
}
