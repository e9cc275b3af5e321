// Load test for pressing Check (npm run bench:load): 50 signed-in learners grade the immutability lab
// at the same moment through the HTTP API of a real CKS Lab server, against the podman test cluster
// (or CKS_TEST_KUBECONFIG). Prints the single-learner p50 (one learner, 5 Checks in a row), the load
// p50/p95/max and their ratio, where the time went, wall time, attempts stored and errors; exits 1
// unless every load-phase attempt is stored exactly once, passed at full marks, with all its checks.
//
//   npm run bench:load
//   LOAD_LEARNERS=25 LOAD_BASELINE_RUNS=5 npm run bench:load    # other sizes
//   LOAD_REBUILD=1 npm run bench:load                           # force `next build` (else a fresh .next is reused)
//
// This file only supervises scripts/load-grade-run.ts, which does the work. The reason: under the tsx
// CLI a Ctrl-C reaches the script through tsx, which SIGKILLs its child when the child does not
// acknowledge the signal within ~60 ms (easy on a busy 2-core machine), and a killed run would leave
// the app server and the cluster's containers behind. Run with plain `node --import tsx`, the worker
// gets the signal itself and cleans up; this idle parent just passes signals on and waits.
import { spawn } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const worker = spawn(process.execPath, ["--import", "tsx", "scripts/load-grade-run.ts"], {
  cwd: root,
  stdio: "inherit",
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    worker.kill(signal);
  });
}
worker.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
