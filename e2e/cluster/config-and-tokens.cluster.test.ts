import { createPublicKey, verify } from "node:crypto";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runKubectl } from "./kubectl";
import { pollUntil, randomNamespace } from "./test-support";

// ConfigMaps, Secret types, the kube-root-ca.crt ConfigMap, token Secrets and TokenRequest, driven by the
// pinned kubectl as the service account and secrets lessons drive them.
const kubeconfigPath = inject("kubeconfigPath");
const namespace = randomNamespace("cfg");
const kubectl = (...args: string[]) => runKubectl(kubeconfigPath, ["-n", namespace, ...args]);
const apply = (manifest: string) => runKubectl(kubeconfigPath, ["apply", "-n", namespace, "-f", "-"], manifest);
const columns = (line: string | undefined) => (line ?? "").trim().split(/\s{2,}/);
const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.trim().split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;

describe("ConfigMaps, Secrets and service account tokens", () => {
  beforeAll(async () => {
    expect((await runKubectl(kubeconfigPath, ["create", "namespace", namespace])).code).toBe(0);
  });
  afterAll(async () => {
    await runKubectl(kubeconfigPath, ["delete", "namespace", namespace, "--wait=false"]);
  });

  it("every namespace has kube-root-ca.crt with the CA kubectl trusts, put back when deleted or edited", async () => {
    const kubeconfig = parse(readFileSync(kubeconfigPath, "utf8")) as {
      clusters: Array<{ cluster: { "certificate-authority-data"?: string } }>;
    };
    const trusted = Buffer.from(
      kubeconfig.clusters[0]?.cluster["certificate-authority-data"] ?? "",
      "base64",
    ).toString();
    const read = () => kubectl("get", "configmap", "kube-root-ca.crt", "-o", "json");
    const first = await pollUntil(read, (r) => r.code === 0, 10_000);
    const config = JSON.parse(first.stdout) as { data: Record<string, string>; metadata: { annotations: object } };
    expect(config.data).toEqual({ "ca.crt": expect.stringContaining("-----BEGIN CERTIFICATE-----") as string });
    expect(trusted).toContain(config.data["ca.crt"]?.trim() ?? "missing");
    expect(config.metadata.annotations).toEqual({
      "kubernetes.io/description": expect.stringMatching(
        /^Contains a CA bundle that can be used to verify the kube-apiserver/,
      ),
    });
    expect((await kubectl("delete", "configmap", "kube-root-ca.crt")).code).toBe(0);
    expect((await pollUntil(read, (r) => r.code === 0, 10_000)).code).toBe(0);
    expect((await kubectl("patch", "configmap", "kube-root-ca.crt", "-p", '{"data":{"ca.crt":"x"}}')).code).toBe(0);
    const restored = await pollUntil(
      () => kubectl("get", "configmap", "kube-root-ca.crt", "-o", "jsonpath={.data.ca\\.crt}"),
      (r) => r.stdout.startsWith("-----BEGIN CERTIFICATE-----"),
      10_000,
    );
    expect(restored.stdout).toBe(config.data["ca.crt"]);
  });

  it("kubectl create configmap (protobuf) stores literals and files; get prints NAME DATA AGE", async () => {
    const created = await kubectl(
      "create",
      "configmap",
      "settings",
      "--from-literal=mode=strict",
      "--from-literal=level=3",
      "--from-file=binary=/bin/true",
    );
    expect(created).toMatchObject({ code: 0, stdout: "configmap/settings created\n" });
    const [head, ...rows] = (await kubectl("get", "cm")).stdout.trimEnd().split("\n");
    expect(columns(head)).toEqual(["NAME", "DATA", "AGE"]);
    expect(rows.map((row) => columns(row).slice(0, 2))).toEqual([
      ["kube-root-ca.crt", "1"],
      ["settings", "3"],
    ]);
    const stored = JSON.parse((await kubectl("get", "cm", "settings", "-o", "json")).stdout) as {
      data: Record<string, string>;
      binaryData: Record<string, string>;
    };
    expect(stored.data).toEqual({ mode: "strict", level: "3" });
    expect(Buffer.from(stored.binaryData.binary ?? "", "base64")).toEqual(readFileSync("/bin/true"));
  });

  it("refuses a ConfigMap key in both data and binaryData, and keys starting with '..'", async () => {
    const result = await apply(
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: clash\ndata:\n  a: "1"\n  ..data: x\nbinaryData:\n  a: MQ==\n',
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('The ConfigMap "clash" is invalid');
    expect(result.stderr).toContain(`data[..data]: Invalid value: "..data": must not start with '..'`);
    expect(result.stderr).toContain('data[a]: Invalid value: "a": duplicate of key present in binaryData');
  });

  it("an immutable ConfigMap or Secret keeps its data and its flag", async () => {
    expect((await kubectl("create", "configmap", "frozen", "--from-literal=x=1")).code).toBe(0);
    expect((await kubectl("patch", "configmap", "frozen", "-p", '{"immutable":true}')).code).toBe(0);
    const edit = await kubectl("patch", "configmap", "frozen", "-p", '{"data":{"x":"2"}}');
    expect(edit.code).not.toBe(0);
    expect(edit.stderr).toContain(
      'The ConfigMap "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set',
    );
    expect((await kubectl("create", "secret", "generic", "sealed", "--from-literal=k=v")).code).toBe(0);
    expect((await kubectl("patch", "secret", "sealed", "-p", '{"immutable":true}')).code).toBe(0);
    const thaw = await kubectl("patch", "secret", "sealed", "-p", '{"immutable":false}');
    expect(thaw.stderr).toContain(
      'The Secret "sealed" is invalid: immutable: Forbidden: field is immutable when `immutable` is set',
    );
  });

  it("each built-in Secret type must carry its keys: service account name, docker config JSON, basic-auth, ssh", async () => {
    const secret = (name: string, type: string, rest = "") =>
      apply(`apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\ntype: ${type}\n${rest}`);
    expect((await secret("no-account", "kubernetes.io/service-account-token")).stderr).toContain(
      'The Secret "no-account" is invalid: metadata.annotations[kubernetes.io/service-account.name]: Required value',
    );
    expect(
      (await secret("bad-docker", "kubernetes.io/dockerconfigjson", 'stringData:\n  .dockerconfigjson: "{auths}"\n'))
        .stderr,
    ).toContain(
      `data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": invalid character 'a' looking for beginning of object key string`,
    );
    expect((await secret("no-docker", "kubernetes.io/dockerconfigjson")).stderr).toContain(
      "data[.dockerconfigjson]: Required value",
    );
    const login = (await secret("no-login", "kubernetes.io/basic-auth")).stderr;
    expect(login).toContain("* data[username]: Required value\n* data[password]: Required value");
    expect((await secret("no-key", "kubernetes.io/ssh-auth")).stderr).toContain("data[ssh-privatekey]: Required value");
    const registry = await kubectl(
      "create",
      "secret",
      "docker-registry",
      "pull",
      "--docker-server=registry.example",
      "--docker-username=u",
      "--docker-password=p",
    );
    expect(registry).toMatchObject({ code: 0, stdout: "secret/pull created\n" });
    const row = (await kubectl("get", "secret", "pull", "--no-headers")).stdout;
    expect(columns(row).slice(0, 3)).toEqual(["pull", "kubernetes.io/dockerconfigjson", "1"]);
  });

  it("fills a hand-made token Secret with a non-expiring token and deletes it with its account", async () => {
    expect((await kubectl("create", "serviceaccount", "legacy")).code).toBe(0);
    const made = await apply(`apiVersion: v1
kind: Secret
metadata:
  name: legacy-token
  annotations:
    kubernetes.io/service-account.name: legacy
type: kubernetes.io/service-account-token
`);
    expect(made.code).toBe(0);
    const filled = await pollUntil(
      () => kubectl("get", "secret", "legacy-token", "-o", "json"),
      (r) => r.code === 0 && (JSON.parse(r.stdout) as { data?: object }).data !== undefined,
      10_000,
    );
    const secret = JSON.parse(filled.stdout) as {
      data: Record<string, string>;
      metadata: { annotations: Record<string, string> };
    };
    expect(Object.keys(secret.data).sort()).toEqual(["ca.crt", "namespace", "token"]);
    expect(Buffer.from(secret.data.namespace ?? "", "base64").toString()).toBe(namespace);
    const uid = (await kubectl("get", "sa", "legacy", "-o", "jsonpath={.metadata.uid}")).stdout;
    expect(secret.metadata.annotations["kubernetes.io/service-account.uid"]).toBe(uid);
    const claims = claimsOf(Buffer.from(secret.data.token ?? "", "base64").toString());
    expect(claims).toMatchObject({
      iss: "kubernetes/serviceaccount",
      sub: `system:serviceaccount:${namespace}:legacy`,
      "kubernetes.io/serviceaccount/secret.name": "legacy-token",
    });
    expect(claims.exp).toBeUndefined();
    expect((await kubectl("delete", "serviceaccount", "legacy")).code).toBe(0);
    const gone = await pollUntil(
      () => kubectl("get", "secret", "legacy-token"),
      (r) => r.code !== 0,
      10_000,
    );
    expect(gone.stderr).toContain('secrets "legacy-token" not found');
  });

  it("kubectl create token (a protobuf TokenRequest) returns a signed, expiring JWT for the account", async () => {
    expect((await kubectl("create", "serviceaccount", "web")).code).toBe(0);
    const plain = await kubectl("create", "token", "web");
    expect(plain.code).toBe(0);
    // kubectl prints the token alone, without a newline after it.
    expect(plain.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const claims = claimsOf(plain.stdout);
    const uid = (await kubectl("get", "sa", "web", "-o", "jsonpath={.metadata.uid}")).stdout;
    expect(claims).toMatchObject({
      aud: ["https://kubernetes.default.svc.cluster.local"],
      iss: "https://kubernetes.default.svc.cluster.local",
      sub: `system:serviceaccount:${namespace}:web`,
      "kubernetes.io": { namespace, serviceaccount: { name: "web", uid } },
    });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(3600);
    expect(claims.nbf).toBe(claims.iat);
    expect(Object.keys(claims["kubernetes.io"] as object).sort()).toEqual(["namespace", "serviceaccount"]);

    // The signature verifies with the key set the API server publishes for relying parties.
    const jwks = JSON.parse((await runKubectl(kubeconfigPath, ["get", "--raw", "/openid/v1/jwks"])).stdout) as {
      keys: Array<{ kid: string; n: string; e: string }>;
    };
    const [header, payload, signature] = plain.stdout.trim().split(".") as [string, string, string];
    const { kid } = JSON.parse(Buffer.from(header, "base64url").toString()) as { kid: string };
    const jwk = jwks.keys.find((key) => key.kid === kid);
    expect(jwk).toBeDefined();
    const key = createPublicKey({ key: { kty: "RSA", n: jwk?.n, e: jwk?.e } as never, format: "jwk" });
    expect(verify("sha256", Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, "base64url"))).toBe(true);

    const custom = claimsOf((await kubectl("create", "token", "web", "--duration=15m", "--audience=vault")).stdout);
    expect(custom.aud).toEqual(["vault"]);
    expect(Number(custom.exp) - Number(custom.iat)).toBe(900);
  });

  it("binds a token to a pod of the same account, and refuses short lifetimes, strangers and unknown accounts", async () => {
    expect((await kubectl("run", "holder", "--image=busybox", "--command", "--", "sleep", "3600")).code).toBe(0);
    const bound = claimsOf(
      (await kubectl("create", "token", "default", "--bound-object-kind=Pod", "--bound-object-name=holder")).stdout,
    );
    const podUid = (await kubectl("get", "pod", "holder", "-o", "jsonpath={.metadata.uid}")).stdout;
    expect(bound["kubernetes.io"]).toMatchObject({
      pod: { name: "holder", uid: podUid },
      node: { name: expect.any(String) as string },
    });
    expect((await kubectl("create", "token", "web", "--duration=1m")).stderr).toBe(
      'error: failed to create token: TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes\n',
    );
    expect(
      (await kubectl("create", "token", "web", "--bound-object-kind=Pod", "--bound-object-name=holder")).stderr,
    ).toBe(
      'error: failed to create token: cannot bind token for serviceaccount "web" to pod running with different serviceaccount name.\n',
    );
    expect((await kubectl("create", "token", "nobody")).stderr).toBe(
      'error: failed to create token: serviceaccounts "nobody" not found\n',
    );
  });
});
