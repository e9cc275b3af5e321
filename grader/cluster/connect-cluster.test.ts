import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkConnection } from "../check-connection";
import { connectCluster, listContexts } from "./connect-cluster";

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster: { server: "https://prod.example:6443" }
- name: kind-cks
  cluster: { server: "https://127.0.0.1:1", insecure-skip-tls-verify: true }
- name: kind-a
  cluster: { server: "https://127.0.0.1:2" }
users:
- name: admin
  user: { token: SECRET-TOKEN-123 }
contexts:
- name: prod
  context: { cluster: prod, user: admin, namespace: apps }
- name: kind-cks
  context: { cluster: kind-cks, user: admin }
- name: kind-a
  context: { cluster: kind-a, user: admin }
current-context: prod
`;

describe("listContexts", () => {
  it("puts kind contexts first and leaves credentials out", () => {
    const result = listContexts({ kubeconfigYaml: KUBECONFIG });
    if (!result.ok) throw new Error(result.failure.message);
    expect(result.contexts.map((c) => c.name)).toEqual(["kind-a", "kind-cks", "prod"]);
    expect(result.current).toBe("prod");
    expect(result.contexts[2]).toEqual({
      name: "prod",
      cluster: "prod",
      server: "https://prod.example:6443",
      namespace: "apps",
      isKind: false,
      isCurrent: true,
    });
    expect(JSON.stringify(result)).not.toContain("SECRET-TOKEN");
  });

  it("reads a file path and reports a missing file with how to create a cluster", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "kc-"));
    writeFileSync(path.join(dir, "config"), KUBECONFIG);
    expect(listContexts({ kubeconfigPath: path.join(dir, "config") }).ok).toBe(true);
    expect(listContexts({ kubeconfigPath: path.join(dir, "nope") })).toEqual({
      ok: false,
      failure: { code: "no-kubeconfig", message: expect.stringContaining("kind create cluster --name cks") },
    });
  });
});

describe("connectCluster", () => {
  it("uses the chosen context and exposes its server, not its credentials", () => {
    const result = connectCluster({ kubeconfigYaml: KUBECONFIG, context: "kind-cks" });
    if (!result.ok) throw new Error(result.failure.message);
    expect(result).toMatchObject({ context: "kind-cks", server: "https://127.0.0.1:1" });
    expect(result.cluster.context).toBe("kind-cks");
  });

  it("fails as data on an unknown context, an invalid kubeconfig or both sources at once", () => {
    expect(connectCluster({ kubeconfigYaml: KUBECONFIG, context: "nope" })).toMatchObject({
      ok: false,
      failure: { code: "context-not-found" },
    });
    expect(connectCluster({ kubeconfigYaml: "{ not: [yaml" })).toMatchObject({
      ok: false,
      failure: { code: "kubeconfig-invalid" },
    });
    expect(connectCluster({ kubeconfigYaml: KUBECONFIG, kubeconfigPath: "/x" })).toMatchObject({
      ok: false,
      failure: { code: "invalid-options" },
    });
  });

  it("reports a cluster that does not listen as unreachable", async () => {
    const result = connectCluster({ kubeconfigYaml: KUBECONFIG, context: "kind-cks" });
    if (!result.ok) throw new Error(result.failure.message);
    const status = await checkConnection(result.cluster);
    expect(status).toMatchObject({
      ok: false,
      outcome: "cluster-unreachable",
      failure: "Cannot reach the cluster at https://127.0.0.1:1: is it running? (kind create cluster --name cks)",
    });
  });
});

describe("kubeconfig text from someone else", () => {
  const secretFile = path.join(mkdtempSync(path.join(tmpdir(), "cks-secret-")), "server-secret");
  writeFileSync(secretFile, "TOP-SECRET-FROM-THE-SERVER");
  const withUser = (user: string) => KUBECONFIG.replace("  user: { token: SECRET-TOKEN-123 }", `  user: ${user}`);

  it.each([
    [
      "an exec plugin",
      withUser('{ exec: { apiVersion: client.authentication.k8s.io/v1, command: "sh", args: ["-c", "id"] } }'),
      /users\[0\]\.user\.exec is an exec credential plugin/,
    ],
    [
      "an auth-provider",
      withUser("{ auth-provider: { name: oidc, config: {} } }"),
      /users\[0\]\.user\.auth-provider is an auth-provider plugin/,
    ],
    [
      "a token file on the server",
      withUser(`{ token-file: ${secretFile} }`),
      /users\[0\]\.user\.token-file is a file path/,
    ],
    ["kubectl's token file", withUser(`{ tokenFile: ${secretFile} }`), /users\[0\]\.user\.tokenFile is a file path/],
    [
      "client certificate files",
      withUser("{ client-certificate: /etc/ssl/cert.pem, client-key: /etc/ssl/key.pem }"),
      /users\[0\]\.user\.client-certificate is a file path/,
    ],
    [
      "a CA file",
      KUBECONFIG.replace(
        '{ server: "https://prod.example:6443" }',
        '{ server: "https://prod.example:6443", certificate-authority: /etc/ssl/ca.pem }',
      ),
      /clusters\[0\]\.cluster\.certificate-authority is a file path/,
    ],
    [
      "a proxy",
      KUBECONFIG.replace(
        '{ server: "https://prod.example:6443" }',
        '{ server: "https://prod.example:6443", proxy-url: "http://10.0.0.1:3128" }',
      ),
      /clusters\[0\]\.cluster\.proxy-url is not accepted/,
    ],
    ["impersonation", withUser("{ token: t, as: system:admin }"), /users\[0\]\.user\.as \(impersonation\)/],
    [
      "an alias bomb",
      `${KUBECONFIG}x: &a [1]\ny: [${Array.from({ length: 21 }, () => "*a").join(", ")}]\n`,
      /too many aliases \(more than 20\)/,
    ],
  ])("refuses %s before client-node reads it", (_name, yaml, message) => {
    const result = connectCluster({ kubeconfigYaml: yaml, context: "kind-cks" });
    expect(result).toMatchObject({
      ok: false,
      failure: { code: "kubeconfig-invalid", message: expect.stringMatching(message) },
    });
    expect(JSON.stringify(result)).not.toContain("TOP-SECRET-FROM-THE-SERVER");
  });

  it("accepts inline credentials", () => {
    expect(connectCluster({ kubeconfigYaml: KUBECONFIG, context: "kind-cks" })).toMatchObject({
      ok: true,
      context: "kind-cks",
    });
  });
});
