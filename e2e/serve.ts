// Serves the app for the browser tests: starts the test Kubernetes cluster (or uses the kind
// cluster named by CKS_TEST_KUBECONFIG), then builds and starts the app (CKS Lab's own server, as
// `npm start` runs it) against its own database with KUBECONFIG pointing at that cluster
// (e2e/support/app-server.ts). Playwright starts its webServer before globalSetup, so the cluster
// has to come up here.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { errorMessage } from "@/lib/errors/error-message";
import { startTestCluster } from "./cluster";
import { startApp, type AppServer } from "./support/app-server";
import { SETUP_CODE_FILE } from "./support/setup-code";
import { KUBECONFIG_POINTER } from "./support/test-cluster";

const port = Number(process.argv[2] ?? "3100");
const root = path.resolve(import.meta.dirname, "..");
const artifacts = path.join(root, "e2e", ".artifacts");
mkdirSync(artifacts, { recursive: true });
for (const suffix of ["", "-wal", "-shm"]) rmSync(path.join(artifacts, `e2e.db${suffix}`), { force: true });
rmSync(SETUP_CODE_FILE, { force: true });

const cluster = await startTestCluster({ kubeconfigPath: path.join(artifacts, "kubeconfig") });
writeFileSync(KUBECONFIG_POINTER, cluster.kubeconfigPath);

let app: AppServer | null = null;
let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  await app?.stop();
  await cluster.stop();
  rmSync(KUBECONFIG_POINTER, { force: true });
  process.exit(code);
}
process.on("SIGTERM", () => void shutdown(0));
process.on("SIGINT", () => void shutdown(0));

try {
  // The database is fresh, so the run's first account is instructor.
  app = await startApp({
    port,
    build: "always",
    env: {
      DATABASE_URL: "file:./e2e/.artifacts/e2e.db",
      KUBECONFIG: cluster.kubeconfigPath,
      // The test cluster listens on 127.0.0.1: classroom-mode tests paste its kubeconfig, which a
      // public instance would refuse as a loopback address.
      CKS_ALLOW_PRIVATE_CLUSTERS: "1",
      // The run's own one-time setup code (first-run.spec.ts reads it like an operator), not the clone's data/.
      CKS_SETUP_CODE_FILE: SETUP_CODE_FILE,
      // Playwright plays a reverse proxy on this machine: a test that sends X-Forwarded-For gets its own
      // sign-in bucket. e2e/remote-visitor.spec.ts runs a second server that trusts nobody.
      CKS_TRUSTED_PROXIES: "127.0.0.1",
    },
  });
} catch (error) {
  console.error(`the app did not start: ${errorMessage(error)}`);
  await shutdown(1);
}
void app?.exited.then((code) => shutdown(code ?? 1));
