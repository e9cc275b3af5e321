// Serves the app for the browser tests: starts the test Kubernetes cluster (or uses the kind
// cluster named by CKS_TEST_KUBECONFIG), builds the app against its own database, and runs
// `next start` with KUBECONFIG pointing at that cluster. Playwright starts its webServer
// before globalSetup, so the cluster has to come up here.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { startTestCluster } from "./cluster";
import { SETUP_CODE_FILE } from "./support/setup-code";
import { KUBECONFIG_POINTER } from "./support/test-cluster";

const port = process.argv[2] ?? "3100";
const root = path.resolve(import.meta.dirname, "..");
const artifacts = path.join(root, "e2e", ".artifacts");
mkdirSync(artifacts, { recursive: true });
for (const suffix of ["", "-wal", "-shm"]) rmSync(path.join(artifacts, `e2e.db${suffix}`), { force: true });
rmSync(SETUP_CODE_FILE, { force: true });

const cluster = await startTestCluster({ kubeconfigPath: path.join(artifacts, "kubeconfig") });
writeFileSync(KUBECONFIG_POINTER, cluster.kubeconfigPath);

// better-auth refuses cookie-carrying POSTs whose Origin is not its base URL: it must be the
// address the browser tests use. The database is fresh, so the run's first account is instructor.
const env = {
  ...process.env,
  DATABASE_URL: "file:./e2e/.artifacts/e2e.db",
  KUBECONFIG: cluster.kubeconfigPath,
  BETTER_AUTH_URL: `http://127.0.0.1:${port}`,
  NEXT_TELEMETRY_DISABLED: "1",
  // The test cluster listens on 127.0.0.1: classroom-mode tests paste its kubeconfig, which a
  // public instance would refuse as a loopback address.
  CKS_ALLOW_PRIVATE_CLUSTERS: "1",
  // The run's own one-time setup code (first-run.spec.ts reads it like an operator), not the clone's data/.
  CKS_SETUP_CODE_FILE: SETUP_CODE_FILE,
  // Playwright plays a reverse proxy on this machine: a test that sends X-Forwarded-For gets its own
  // sign-in bucket. e2e/remote-visitor.spec.ts runs a second server that trusts nobody.
  CKS_TRUSTED_PROXIES: "127.0.0.1",
};
for (const args of [
  ["tsx", "scripts/prepare.ts"],
  ["next", "build"],
]) {
  const step = spawnSync("npx", args, { cwd: root, env, stdio: "inherit" });
  if (step.status !== 0) {
    await cluster.stop();
    process.exit(step.status ?? 1);
  }
}

// CKS Lab's own server (scripts/server.ts), as `npm start` runs it, in this process's child so a
// SIGTERM reaches it directly.
const server = spawn(process.execPath, ["--import", "tsx", "scripts/server.ts"], {
  cwd: root,
  env: { ...env, PORT: port, HOST: "127.0.0.1" },
  stdio: "inherit",
});
let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  server.kill("SIGTERM");
  await cluster.stop();
  rmSync(KUBECONFIG_POINTER, { force: true });
  process.exit(code);
}
process.on("SIGTERM", () => void shutdown(0));
process.on("SIGINT", () => void shutdown(0));
server.on("exit", (code) => void shutdown(code ?? 1));
