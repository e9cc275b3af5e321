import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { processAlive, stateDir } from "./host";
import { startTestCluster } from "./index";
import { liveInstances, removeDeadInstances } from "./runtime/leftovers";

const pidFile = path.join(stateDir, "cli-up.pid");
const kubeconfigPath = path.join(stateDir, "kubeconfig");

async function up(): Promise<void> {
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, "utf8"));
    if (processAlive(pid)) {
      console.error(
        `A test cluster is already running (pid ${pid}); kubeconfig: ${kubeconfigPath}. Stop it with npm run cluster:down.`,
      );
      process.exit(1);
    }
  }
  const cluster = await startTestCluster({ kubeconfigPath });
  writeFileSync(pidFile, String(process.pid));
  console.log(kubeconfigPath);
  console.error(`[cks-cluster] running in the foreground; use it with: export KUBECONFIG=${kubeconfigPath}`);
  console.error(
    "[cks-cluster] Ctrl-C (or npm run cluster:down from another shell) stops it and removes its containers.",
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await cluster.stop();
    rmSync(pidFile, { force: true });
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

async function down(): Promise<void> {
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, "utf8"));
    if (processAlive(pid)) {
      process.kill(pid, "SIGTERM");
      const deadline = Date.now() + 15_000;
      while (processAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    rmSync(pidFile, { force: true });
  }
  const removed = await removeDeadInstances();
  rmSync(kubeconfigPath, { force: true });
  console.log(`test cluster stopped; removed ${removed} leftover container(s) of stopped or crashed runs`);
  for (const [pid, count] of await liveInstances()) {
    console.log(
      `left alone: ${count} container(s) of a test cluster still running in process ${pid} (a test run; it removes them when it ends)`,
    );
  }
}

const command = process.argv[2];
if (command === "up") await up();
else if (command === "down") await down();
else {
  console.error("usage: tsx e2e/cluster/cli.ts up|down");
  process.exit(2);
}
