import { X509Certificate, createPrivateKey, type KeyObject } from "node:crypto";
import { stringify } from "yaml";
import { z } from "zod";
import { KUBECONFIG_MAX_BYTES, findForbiddenKubeconfigField, parseKubeconfigText } from "@/grader";
import { isRecord } from "@/lib/json/is-record";

export { KUBECONFIG_MAX_BYTES };

const MAX_TOKEN_LENGTH = 16 * 1024;
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

export type ValidateKubeconfigOptions = {
  /** Accept `http://` servers on 127.0.0.1, localhost or [::1] (local mode, test clusters); https otherwise. */
  allowHttpLoopback: boolean;
};

/** What the stored kubeconfig connects to; names and the server URL only, never credentials. */
export type KubeconfigSummary = {
  context: string;
  cluster: string;
  server: string;
  user: string;
  authKind: "token" | "client-certificate";
};

export type ValidateKubeconfigResult =
  { ok: true; kubeconfig: string; summary: KubeconfigSummary } | { ok: false; failure: string };

// Names are shown back to the learner and in logs, so control characters (newlines, escapes) are refused.
const ZName = z
  .string()
  .min(1)
  .max(253)
  .regex(/^\P{Cc}+$/u, "must be one line without control characters");

// Strict objects: an unknown field is refused rather than silently stored, since client libraries keep
// growing fields that change where they connect or what they execute.
const ZClusterSchema = z.strictObject({
  server: z.string().min(1).max(2048),
  "certificate-authority-data": z.string().min(1).optional(),
  "insecure-skip-tls-verify": z.boolean().optional(),
  "tls-server-name": z.string().min(1).max(253).optional(),
  "disable-compression": z.boolean().optional(),
  extensions: z.array(z.unknown()).optional(),
});

const ZUserSchema = z.strictObject({
  token: z
    .string()
    .min(1)
    .max(MAX_TOKEN_LENGTH)
    .regex(/^[\x21-\x7e]+$/, "must be one line of printable characters")
    .optional(),
  "client-certificate-data": z.string().min(1).optional(),
  "client-key-data": z.string().min(1).optional(),
  extensions: z.array(z.unknown()).optional(),
});

const ZContextSchema = z.strictObject({
  cluster: ZName,
  user: ZName,
  namespace: z.string().min(1).max(63).optional(),
  extensions: z.array(z.unknown()).optional(),
});

/** The kubeconfig shape we store: exactly what `kind get kubeconfig` prints, and nothing that reaches beyond it. */
export const ZKubeconfigSchema = z.strictObject({
  apiVersion: z.literal("v1"),
  kind: z.literal("Config"),
  clusters: z.array(z.strictObject({ name: ZName, cluster: ZClusterSchema })),
  users: z.array(z.strictObject({ name: ZName, user: ZUserSchema })),
  contexts: z.array(z.strictObject({ name: ZName, context: ZContextSchema })),
  "current-context": z.string().optional(),
  preferences: z.looseObject({}).optional(),
});
export type TKubeconfig = z.infer<typeof ZKubeconfigSchema>;

/**
 * Checks a pasted kubeconfig before it is stored: size, YAML (alias-bomb safe), shape, one cluster/user/context,
 * inline credentials only, no plugins or file references, https (or http to loopback when allowed).
 *
 * `insecure-skip-tls-verify: true` is refused on every https server, whatever `allowHttpLoopback` says: skipping
 * verification there would hand the credentials to whoever answers. It is accepted (and added) only with an
 * allowed http loopback server, where there is no TLS to skip and @kubernetes/client-node insists on it.
 */
export function validateKubeconfig(yaml: string, options: ValidateKubeconfigOptions): ValidateKubeconfigResult {
  if (typeof yaml !== "string") return fail(`expected the kubeconfig as text, found ${describeType(yaml)}`);
  if (yaml.trim() === "") return fail("the kubeconfig is empty: paste the output of `kind get kubeconfig`");

  // The size limit, YAML limits and forbidden fields are the grader's (grader/cluster/kubeconfig-rules.ts):
  // connectCluster applies the same ones to every kubeconfig given as text.
  const parsed = parseKubeconfigText(yaml);
  if (!parsed.ok) return fail(parsed.problem);
  const raw = parsed.value;
  if (!isRecord(raw)) {
    return fail(
      `expected a kubeconfig (a YAML mapping starting with apiVersion: v1 and kind: Config), found ${describeType(raw)}`,
    );
  }

  const forbidden = findForbiddenKubeconfigField(raw);
  if (forbidden) return fail(forbidden);

  const shaped = ZKubeconfigSchema.safeParse(raw);
  if (!shaped.success) {
    // An unknown field (often a typo or a newer client feature) explains more than the missing field it displaced.
    const issues = shaped.error.issues;
    return fail(describeIssue(issues.find((issue) => issue.code === "unrecognized_keys") ?? issues[0], raw));
  }
  const config = shaped.data;

  for (const [list, label] of [
    [config.clusters, "cluster"],
    [config.users, "user"],
    [config.contexts, "context"],
  ] as const) {
    if (list.length !== 1) {
      const names = list.length > 0 ? ` (${list.map((entry) => JSON.stringify(entry.name)).join(", ")})` : "";
      return fail(
        `expected exactly one ${label}, as \`kind get kubeconfig --name <cluster>\` prints, found ${list.length}${names}`,
      );
    }
  }
  const cluster = config.clusters[0]!;
  const user = config.users[0]!;
  const context = config.contexts[0]!;
  if (context.context.cluster !== cluster.name) {
    return fail(
      `contexts[0].context.cluster: expected the cluster "${cluster.name}", found "${context.context.cluster}"`,
    );
  }
  if (context.context.user !== user.name) {
    return fail(`contexts[0].context.user: expected the user "${user.name}", found "${context.context.user}"`);
  }
  const current = config["current-context"];
  if (current !== undefined && current !== "" && current !== context.name) {
    return fail(`current-context: expected "${context.name}" (the only context), found "${current}"`);
  }

  const server = checkServer(cluster.cluster, options);
  if (!server.ok) return server;

  const ca = cluster.cluster["certificate-authority-data"];
  if (ca !== undefined) {
    const certs = decodeCertificates(ca, "clusters[0].cluster.certificate-authority-data");
    if (!certs.ok) return certs;
  }

  const credentials = checkCredentials(user.user);
  if (!credentials.ok) return credentials;

  const normalised = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: cluster.name,
        cluster: {
          server: server.url,
          // Over http a CA means nothing, and client-go refuses a CA together with insecure-skip-tls-verify.
          ...(ca !== undefined && !server.http ? { "certificate-authority-data": stripWhitespace(ca) } : {}),
          ...(cluster.cluster["tls-server-name"] !== undefined
            ? { "tls-server-name": cluster.cluster["tls-server-name"] }
            : {}),
          // @kubernetes/client-node refuses plain http unless this is set; it changes nothing without TLS.
          ...(server.http ? { "insecure-skip-tls-verify": true } : {}),
        },
      },
    ],
    users: [{ name: user.name, user: credentials.user }],
    contexts: [
      {
        name: context.name,
        context: {
          cluster: cluster.name,
          user: user.name,
          ...(context.context.namespace ? { namespace: context.context.namespace } : {}),
        },
      },
    ],
    "current-context": context.name,
  };
  return {
    ok: true,
    kubeconfig: stringify(normalised, { lineWidth: 0 }),
    summary: {
      context: context.name,
      cluster: cluster.name,
      server: server.url,
      user: user.name,
      authKind: credentials.kind,
    },
  };
}

type Failure = { ok: false; failure: string };

function fail(error: string): Failure {
  return { ok: false, failure: `Kubeconfig rejected: ${error}.` };
}

function checkServer(
  cluster: TKubeconfig["clusters"][number]["cluster"],
  options: ValidateKubeconfigOptions,
): { ok: true; url: string; http: boolean } | Failure {
  const field = "clusters[0].cluster.server";
  let url: URL;
  try {
    url = new URL(cluster.server);
  } catch {
    return fail(`${field}: expected a URL such as https://127.0.0.1:6443, found text that is not a URL`);
  }
  // Credentials in the URL would be stored and logged as if they were an address.
  if (url.username || url.password)
    return fail(`${field}: expected a URL without user:password@, found one with credentials`);
  // Request paths are appended to the server URL; a query or fragment would silently change every call.
  if (url.search || url.hash) return fail(`${field}: expected a URL without ?query or #fragment, found one`);
  const where = `${url.protocol}//${url.host}`;
  const insecure = cluster["insecure-skip-tls-verify"] === true;
  if (url.protocol === "https:") {
    // Without verification anyone on the path could read the grader's token; kind always gives its CA.
    if (insecure) {
      return fail(
        "clusters[0].cluster.insecure-skip-tls-verify: true would send credentials without checking who answers; remove it and keep certificate-authority-data (kind prints it)",
      );
    }
    return { ok: true, url: url.href.replace(/\/$/, ""), http: false };
  }
  if (url.protocol === "http:") {
    if (!LOOPBACK_HOSTS.has(url.hostname)) {
      return fail(
        `${field}: expected https://, found plain http to ${where}; http is only accepted to 127.0.0.1, localhost or [::1]`,
      );
    }
    if (!options.allowHttpLoopback) {
      return fail(
        `${field}: expected https://, found ${where}; this instance does not accept plain http, even to loopback`,
      );
    }
    return { ok: true, url: url.href.replace(/\/$/, ""), http: true };
  }
  return fail(`${field}: expected https://, found the scheme ${url.protocol.replace(/:$/, "")}`);
}

function checkCredentials(
  user: TKubeconfig["users"][number]["user"],
): { ok: true; kind: KubeconfigSummary["authKind"]; user: Record<string, string> } | Failure {
  const token = user.token;
  const cert = user["client-certificate-data"];
  const key = user["client-key-data"];
  const hasCert = cert !== undefined || key !== undefined;
  if (token !== undefined && hasCert) {
    return fail("users[0].user: expected either token or client-certificate-data with client-key-data, found both");
  }
  if (token !== undefined) return { ok: true, kind: "token", user: { token } };
  if (!hasCert) {
    return fail("users[0].user: expected a token or client-certificate-data with client-key-data, found neither");
  }
  if (cert === undefined) return fail("users[0].user: client-key-data is there but client-certificate-data is missing");
  if (key === undefined) return fail("users[0].user: client-certificate-data is there but client-key-data is missing");
  const certs = decodeCertificates(cert, "users[0].user.client-certificate-data");
  if (!certs.ok) return certs;
  const privateKey = decodePrivateKey(key, "users[0].user.client-key-data");
  if (!privateKey.ok) return privateKey;
  const leaf = certs.certificates[0]!;
  if (!leaf.checkPrivateKey(privateKey.key)) {
    return fail("users[0].user: client-key-data is not the private key of client-certificate-data");
  }
  return {
    ok: true,
    kind: "client-certificate",
    user: { "client-certificate-data": stripWhitespace(cert), "client-key-data": stripWhitespace(key) },
  };
}

function decodeBase64Pem(data: string, field: string, expected: string): { ok: true; pem: string } | Failure {
  const compact = stripWhitespace(data);
  // Buffer.from ignores bad characters silently, so the alphabet is checked first.
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 !== 0) {
    return fail(`${field}: expected base64 of a PEM ${expected}, found text that is not base64`);
  }
  const pem = Buffer.from(compact, "base64").toString("utf8");
  if (!pem.includes("-----BEGIN ")) {
    return fail(`${field}: expected base64 of a PEM ${expected} (-----BEGIN ...), found base64 of something else`);
  }
  return { ok: true, pem };
}

function decodeCertificates(data: string, field: string): { ok: true; certificates: X509Certificate[] } | Failure {
  const decoded = decodeBase64Pem(data, field, "certificate");
  if (!decoded.ok) return decoded;
  const blocks = decoded.pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0)
    return fail(`${field}: expected a PEM certificate (-----BEGIN CERTIFICATE-----), found another PEM block`);
  const certificates: X509Certificate[] = [];
  for (const block of blocks) {
    try {
      certificates.push(new X509Certificate(block));
    } catch {
      return fail(`${field}: expected a PEM certificate, found a CERTIFICATE block that does not parse`);
    }
  }
  return { ok: true, certificates };
}

function decodePrivateKey(data: string, field: string): { ok: true; key: KeyObject } | Failure {
  const decoded = decodeBase64Pem(data, field, "private key");
  if (!decoded.ok) return decoded;
  if (!/-----BEGIN (RSA |EC )?PRIVATE KEY-----/.test(decoded.pem)) {
    return fail(
      `${field}: expected an unencrypted PEM private key (-----BEGIN PRIVATE KEY-----, RSA or EC), found another PEM block`,
    );
  }
  try {
    return { ok: true, key: createPrivateKey(decoded.pem) };
  } catch {
    return fail(`${field}: expected a PEM private key, found a PRIVATE KEY block that does not parse`);
  }
}

// Only the path and the rule appear in messages: zod's own messages may quote the rejected value.
function describeIssue(issue: z.core.$ZodIssue | undefined, raw: unknown): string {
  if (!issue) return "the kubeconfig does not have the expected shape";
  const path = formatPath(issue.path);
  switch (issue.code) {
    case "unrecognized_keys": {
      const where = path ? `${path}: ` : "top level: ";
      return `${where}unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}; only the fields \`kind get kubeconfig\` prints are accepted`;
    }
    case "invalid_type":
      return `${path || "kubeconfig"}: expected ${issue.expected}, found ${describeType(valueAt(raw, issue.path))}`;
    case "invalid_value":
      return `${path}: expected ${issue.values.map((v) => JSON.stringify(v)).join(" or ")}`;
    case "too_small":
      return `${path}: must not be empty`;
    case "too_big":
      return `${path}: too long (limit ${String(issue.maximum)} characters)`;
    case "invalid_format":
      return `${path}: ${issue.message}`;
    default:
      return `${path}: ${issue.message}`;
  }
}

function formatPath(path: PropertyKey[]): string {
  return path.reduce<string>(
    (text, key) => (typeof key === "number" ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)),
    "",
  );
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let current = root;
  for (const key of path)
    current = isRecord(current) || Array.isArray(current) ? (current as Record<PropertyKey, unknown>)[key] : undefined;
  return current;
}

function describeType(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return "a string";
  if (typeof value === "object") return "a mapping";
  return `a ${typeof value}`;
}

function stripWhitespace(text: string): string {
  return text.replace(/\s+/g, "");
}
