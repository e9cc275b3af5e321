import path from "node:path";
import { defineConfig } from "vitest/config";

// Three projects: `unit` is pure and fast; `hostile` runs the grader against e2e/hostile's attacking API
// server; `cluster` talks to a real Kubernetes API (the podman-backed test cluster in e2e/cluster, or a
// kind cluster via CKS_TEST_KUBECONFIG).
export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["{lib,grader,components,app,scripts,e2e/cluster}/**/*.test.ts"],
          exclude: ["**/*.cluster.test.ts", "**/node_modules/**"],
          // A guard against hangs, not a speed goal: a few unit tests run the WASM schema engine, scrypt
          // or the whole course's highlighting, which outlast Vitest's 5 s default on a busy two-core
          // machine. Speed is measured by the bench scripts, never by a timeout.
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          // The grader against e2e/hostile's attacking API server: slow by design (timeouts are the point).
          name: "hostile",
          include: ["e2e/hostile/**/*.test.ts"],
          testTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: "cluster",
          include: ["**/*.cluster.test.ts"],
          exclude: ["**/node_modules/**"],
          globalSetup: ["e2e/cluster/vitest-global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
