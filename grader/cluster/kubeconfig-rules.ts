// The one list of what a kubeconfig that comes from someone else (a learner's paste, a saved connection)
// may not contain. `connectCluster({ kubeconfigYaml })` applies it before client-node reads the text, and
// lib/connections/validate-kubeconfig.ts applies it before a paste is stored: one list, so they cannot drift.
import { LineCounter, parseDocument } from "yaml";
import { isRecord } from "@/lib/json/is-record";

/** Largest kubeconfig text accepted; `kind get kubeconfig` prints about 5 KB. */
export const KUBECONFIG_MAX_BYTES = 256 * 1024;

/** A kubeconfig never needs YAML aliases; a few are tolerated for hand-edited files, more is an expansion attack. */
export const KUBECONFIG_MAX_ALIASES = 20;

/**
 * Deepest nesting accepted; `kind get kubeconfig` nests 4 levels. The yaml library composes documents
 * recursively: from about 700 levels it runs out of stack, and a second such parse in the same process can
 * end in a V8 fatal error ("RegExpCompiler Allocation failed") that kills the server. So depth is measured on
 * the raw text before the parser sees it.
 */
export const KUBECONFIG_MAX_NESTING = 32;

const ON_SERVER = "is a file path on the machine that reads the kubeconfig (our server, not yours); paste";
const IMPERSONATION = "(impersonation) is not accepted: the grader acts only as the user whose credentials you paste";
const BASIC_AUTH =
  "(basic authentication) is not supported by Kubernetes since 1.19; use a token or client certificate";

/**
 * Fields refused in `clusters[].cluster` and `users[].user`, with the reason a learner needs to fix their paste.
 * Each would make our server read its own files, run programs, or talk through a third party on the learner's
 * behalf. Both spellings of the token file are here: kubectl writes `tokenFile`, client-node reads `token-file`.
 */
export const FORBIDDEN_KUBECONFIG_FIELDS = {
  cluster: {
    "certificate-authority": `${ON_SERVER} the CA inline as certificate-authority-data (base64), as \`kind get kubeconfig\` prints it`,
    "proxy-url": "is not accepted: the grader connects to your API server directly, never through a proxy you name",
  },
  user: {
    exec: "is an exec credential plugin: it would run a command on our server to fetch a token, so it is refused. Use a kubeconfig with a token or inline client certificate (what `kind get kubeconfig` prints, or the grader ServiceAccount token from docs/grader-access.md)",
    "auth-provider":
      "is an auth-provider plugin (gcp, azure, oidc): it runs provider code and refreshes credentials on our server, so it is refused. Use a token or inline client certificate instead",
    tokenFile: `${ON_SERVER} the token itself as \`token:\``,
    "token-file": `${ON_SERVER} the token itself as \`token:\``,
    "client-certificate": `${ON_SERVER} the certificate inline as client-certificate-data (base64)`,
    "client-key": `${ON_SERVER} the key inline as client-key-data (base64)`,
    username: BASIC_AUTH,
    password: BASIC_AUTH,
    as: IMPERSONATION,
    "as-groups": IMPERSONATION,
    "as-uid": IMPERSONATION,
    "as-user-extra": IMPERSONATION,
  },
} as const satisfies Record<"cluster" | "user", Record<string, string>>;

/** The text parsed as one YAML document, or what is wrong with it (never quoting the text, which may hold a token). */
export type KubeconfigText = { ok: true; value: unknown } | { ok: false; problem: string };

/** Parses kubeconfig text with the limits every untrusted kubeconfig gets: size, one document, unique keys, aliases. */
export function parseKubeconfigText(text: string): KubeconfigText {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > KUBECONFIG_MAX_BYTES) {
    return {
      ok: false,
      problem: `the kubeconfig is ${formatSize(bytes)}; the limit is ${formatSize(KUBECONFIG_MAX_BYTES)} (\`kind get kubeconfig\` prints about 5 KB): paste only that output`,
    };
  }
  if (nestedTooDeeply(text)) {
    return { ok: false, problem: `not valid YAML (nested more than ${KUBECONFIG_MAX_NESTING} levels deep)` };
  }
  const lineCounter = new LineCounter();
  try {
    // prettyErrors off: pretty messages quote the offending source line, which may hold a token.
    const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter, strict: true });
    const error = document.errors[0] ?? document.warnings[0];
    if (error) {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      const what =
        error.code === "MULTIPLE_DOCS"
          ? "expected one YAML document, found several (separated by ---)"
          : `not valid YAML (${error.message})`;
      return { ok: false, problem: `${what} at line ${line}, column ${col}` };
    }
    return { ok: true, value: document.toJS({ maxAliasCount: KUBECONFIG_MAX_ALIASES }) };
  } catch (error) {
    if (error instanceof ReferenceError && /alias/i.test(error.message)) {
      return {
        ok: false,
        problem: `the YAML expands too many aliases (more than ${KUBECONFIG_MAX_ALIASES}); a kubeconfig needs none`,
      };
    }
    // Deeply nested input can exhaust the parser's stack; the message never includes the input.
    return {
      ok: false,
      problem: `not valid YAML (${error instanceof RangeError ? "nested too deeply" : "unreadable"})`,
    };
  }
}

/** The first forbidden field in any cluster or user entry, as `users[0].user.exec <reason>`, or null. */
export function findForbiddenKubeconfigField(config: unknown): string | null {
  if (!isRecord(config)) return null;
  const sections: Array<[string, string, Readonly<Record<string, string>>]> = [
    ["clusters", "cluster", FORBIDDEN_KUBECONFIG_FIELDS.cluster],
    ["users", "user", FORBIDDEN_KUBECONFIG_FIELDS.user],
  ];
  for (const [list, inner, forbidden] of sections) {
    const entries = config[list];
    if (!Array.isArray(entries)) continue;
    for (const [index, entry] of entries.entries()) {
      const body = isRecord(entry) ? entry[inner] : undefined;
      if (!isRecord(body)) continue;
      for (const field of Object.keys(body)) {
        if (Object.hasOwn(forbidden, field)) {
          return `${list}[${index}].${inner}.${field} ${forbidden[field]}`;
        }
      }
    }
  }
  return null;
}

// An upper bound on nesting, whatever the quoting: open flow brackets, indentation (a block level needs at least
// one more column) and compact "- " / "? " / ": " indicators that open a level on the same line.
function nestedTooDeeply(text: string): boolean {
  let flow = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      flow += 1;
      if (flow > KUBECONFIG_MAX_NESTING) return true;
    } else if ((c === 0x5d || c === 0x7d) && flow > 0) flow -= 1;
  }
  for (const line of text.split("\n")) {
    const indent = line.length - line.trimStart().length;
    if (indent > KUBECONFIG_MAX_NESTING * 4) return true;
    const compact = /^(?:[-?:][ \t]+)+/.exec(line.trimStart())?.[0] ?? "";
    if ((compact.match(/[-?:]/g)?.length ?? 0) > KUBECONFIG_MAX_NESTING) return true;
  }
  return false;
}

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}
