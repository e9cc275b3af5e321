import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { TestApiServer } from "./api-server";
import { instanceDir, prepareHost } from "./host";
import { ensureImages } from "./images";
import { removeOwnInstance } from "./runtime/leftovers";
import { hostSeccompDir } from "./runtime/security-profiles";

/** A running cluster the tests talk to through a kubeconfig. */
export type TTestCluster = {
  kubeconfigPath: string;
  kind: "podman" | "external";
  /** The node's /var/lib/kubelet/seccomp on this host (podman cluster only): Localhost profiles go here. */
  seccompDir?: string;
  stop(): Promise<void>;
};

/** Context name written into the podman cluster's kubeconfig. */
export const contextName = "cks-test";

/** Renders a kubeconfig for a bearer-token API server on 127.0.0.1 whose self-signed certificate is its own CA. */
export function renderKubeconfig(server: string, token: string, caPem: string): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    `- name: ${contextName}`,
    "  cluster:",
    `    server: ${server}`,
    `    certificate-authority-data: ${Buffer.from(caPem).toString("base64")}`,
    "users:",
    `- name: ${contextName}`,
    "  user:",
    `    token: ${token}`,
    "contexts:",
    `- name: ${contextName}`,
    "  context:",
    `    cluster: ${contextName}`,
    `    user: ${contextName}`,
    "    namespace: default",
    `current-context: ${contextName}`,
    "",
  ].join("\n");
}

/**
 * Starts the podman-backed test API server (building the nginx/busybox images once), or, when
 * CKS_TEST_KUBECONFIG is set, hands back that kubeconfig (e.g. a kind cluster) and starts nothing.
 */
export async function startTestCluster(
  options: { kubeconfigPath?: string; port?: number; log?: (line: string) => void } = {},
): Promise<TTestCluster> {
  const external = process.env.CKS_TEST_KUBECONFIG;
  if (external) {
    const resolved = path.resolve(external);
    if (!existsSync(resolved)) throw new Error(`CKS_TEST_KUBECONFIG points at ${resolved}, which does not exist`);
    return { kubeconfigPath: resolved, kind: "external", stop: async () => {} };
  }
  const log = options.log ?? ((line: string) => process.stderr.write(`[cks-cluster] ${line}\n`));
  prepareHost();
  await ensureImages(log);
  const token = randomBytes(24).toString("hex");
  const server = new TestApiServer(token);
  const port = await server.listen(options.port ?? 0);
  const kubeconfigPath = options.kubeconfigPath ?? path.join(instanceDir, "kubeconfig");
  mkdirSync(path.dirname(kubeconfigPath), { recursive: true });
  writeFileSync(kubeconfigPath, renderKubeconfig(`https://127.0.0.1:${port}`, token, server.certificate), {
    mode: 0o600,
  });
  // A fresh node has the kubelet's seccomp directory and no profiles in it, as a new kind node does.
  mkdirSync(hostSeccompDir, { recursive: true });
  let stopped = false;
  return {
    kubeconfigPath,
    kind: "podman",
    seccompDir: hostSeccompDir,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.close();
      await removeOwnInstance();
    },
  };
}
