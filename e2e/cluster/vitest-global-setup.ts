import type { TestProject } from "vitest/node";
import { startTestCluster } from "./index";

declare module "vitest" {
  export interface ProvidedContext {
    kubeconfigPath: string;
    clusterKind: "podman" | "external";
    /** The podman node's seccomp profile directory ("" on an external cluster). */
    seccompDir: string;
  }
}

/** Starts one cluster for the `cluster` project and hands its kubeconfig to tests via `inject("kubeconfigPath")`. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startTestCluster();
  project.provide("kubeconfigPath", cluster.kubeconfigPath);
  project.provide("clusterKind", cluster.kind);
  project.provide("seccompDir", cluster.seccompDir ?? "");
  return async () => {
    await cluster.stop();
  };
}
