import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { kubectlPath } from "../cluster/kubectl";

/** Where e2e/serve.ts leaves the path of the kubeconfig the app under test uses. */
export const KUBECONFIG_POINTER = path.resolve(import.meta.dirname, "..", ".artifacts", "kubeconfig-path");

/** The kubeconfig of the cluster the app under test grades against. */
export function testKubeconfig(): string {
  if (!existsSync(KUBECONFIG_POINTER))
    throw new Error(`${KUBECONFIG_POINTER} is missing: the web server (e2e/serve.ts) did not start a cluster`);
  return readFileSync(KUBECONFIG_POINTER, "utf8").trim();
}

const run = promisify(execFile);

/** Runs the pinned kubectl against the test cluster, as a learner would in a terminal. */
export async function kubectl(args: string[], input?: string): Promise<{ stdout: string; stderr: string }> {
  const child = run(kubectlPath(), ["--kubeconfig", testKubeconfig(), ...args], { timeout: 60_000 });
  if (input !== undefined) {
    child.child.stdin?.end(input);
  }
  return child;
}
