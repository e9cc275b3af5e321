import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { runKubectl, type TKubectlResult } from "../cluster/kubectl";

/** Where e2e/serve.ts leaves the path of the kubeconfig the app under test uses. */
export const KUBECONFIG_POINTER = path.resolve(import.meta.dirname, "..", ".artifacts", "kubeconfig-path");

/** The kubeconfig of the cluster the app under test grades against. */
export function testKubeconfig(): string {
  if (!existsSync(KUBECONFIG_POINTER))
    throw new Error(`${KUBECONFIG_POINTER} is missing: the web server (e2e/serve.ts) did not start a cluster`);
  return readFileSync(KUBECONFIG_POINTER, "utf8").trim();
}

/** Runs the pinned kubectl against the app's test cluster, as a learner would; a non-zero exit throws with its stderr. */
export async function kubectl(args: string[], input?: string): Promise<TKubectlResult> {
  const result = await runKubectl(testKubeconfig(), args, input);
  if (result.code !== 0)
    throw new Error(`kubectl ${args.join(" ")} exited with ${result.code}: ${result.stderr.trim()}`);
  return result;
}
