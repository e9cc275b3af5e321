import { existsSync } from "node:fs";
import { isIP } from "node:net";
import { homedir } from "node:os";
import path from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { z } from "zod";
import type { ClusterPort } from "../port";
import { errorLine } from "@/lib/errors/error-message";
import { ClientNodeCluster } from "./client-node-cluster";
import { findForbiddenKubeconfigField, parseKubeconfigText } from "./kubeconfig-rules";
import { ZOutboundLimitsSchema } from "./outbound/limits";

/** Where the kubeconfig comes from: a file, a YAML string, or (neither) KUBECONFIG / ~/.kube/config. */
export const ZKubeconfigSourceSchema = z
  .strictObject({
    kubeconfigPath: z.string().min(1).optional(),
    kubeconfigYaml: z.string().min(1).optional(),
  })
  .refine((s) => !(s.kubeconfigPath && s.kubeconfigYaml), "give kubeconfigPath or kubeconfigYaml, not both");
export type TKubeconfigSource = z.infer<typeof ZKubeconfigSourceSchema>;

export const ZConnectOptionsSchema = z.strictObject({
  kubeconfigPath: z.string().min(1).optional(),
  kubeconfigYaml: z.string().min(1).optional(),
  context: z.string().min(1).max(253).optional(),
  /** Whose connection budget this connection's requests count against (a learner's id). */
  owner: z.string().min(1).max(200).optional(),
  /** The address resolved and checked for the server's host: every socket dials it, no other. */
  pinnedAddress: z
    .string()
    .refine((address) => isIP(address) !== 0, "pinnedAddress must be an IP address")
    .optional(),
  /** Refuse private and loopback addresses unless allowPrivate (saved connections); metadata always. */
  addressPolicy: z.strictObject({ allowPrivate: z.boolean(), allowLoopback: z.boolean().optional() }).optional(),
  /** Narrower limits than the defaults (tests). */
  limits: ZOutboundLimitsSchema.partial().optional(),
});
export type TConnectOptions = z.infer<typeof ZConnectOptionsSchema>;

/** Why no cluster connection could be built; every case says what to do. */
export type ConnectFailure = {
  code: "no-kubeconfig" | "kubeconfig-invalid" | "context-not-found" | "no-current-context" | "invalid-options";
  message: string;
};

export type ConnectResult =
  { ok: true; cluster: ClusterPort; context: string; server: string } | { ok: false; failure: ConnectFailure };

/** A kubeconfig context as the UI may show it (never user credentials). */
export type ContextInfo = {
  name: string;
  cluster: string;
  server: string | null;
  namespace: string | null;
  isKind: boolean;
  isCurrent: boolean;
};

export type ListContextsResult =
  { ok: true; contexts: ContextInfo[]; current: string | null } | { ok: false; failure: ConnectFailure };

const CREATE_HINT = "Create a cluster with: kind create cluster --name cks";

/** Builds the cluster port from a kubeconfig and optional context; does not contact the cluster. */
export function connectCluster(options: TConnectOptions = {}): ConnectResult {
  const parsed = ZConnectOptionsSchema.safeParse(options);
  if (!parsed.success || (parsed.data.kubeconfigPath && parsed.data.kubeconfigYaml)) {
    return {
      ok: false,
      failure: {
        code: "invalid-options",
        message: parsed.success
          ? "Give kubeconfigPath or kubeconfigYaml (not both) and optionally a context."
          : `Invalid connection options: ${parsed.error.issues.map((i) => `${i.path.join(".") || "options"}: ${i.message}`).join("; ")}`,
      },
    };
  }
  const loaded = loadKubeConfig(parsed.data);
  if (!loaded.ok) return loaded;
  const kc = loaded.kubeConfig;
  const context = parsed.data.context ?? kc.getCurrentContext();
  if (!context)
    return {
      ok: false,
      failure: {
        code: "no-current-context",
        message: `The kubeconfig has no current context; choose one. ${CREATE_HINT}`,
      },
    };
  if (!kc.getContextObject(context)) {
    return {
      ok: false,
      failure: {
        code: "context-not-found",
        message: `Context "${context}" is not in the kubeconfig (have: ${
          kc
            .getContexts()
            .map((c) => c.name)
            .join(", ") || "none"
        }).`,
      },
    };
  }
  kc.setCurrentContext(context);
  const server = kc.getCurrentCluster()?.server;
  if (!server)
    return {
      ok: false,
      failure: { code: "kubeconfig-invalid", message: `Context "${context}" names no cluster with a server URL.` },
    };
  const { owner, pinnedAddress, addressPolicy, limits } = parsed.data;
  const cluster = new ClientNodeCluster(kc, {
    ...(owner ? { owner } : {}),
    ...(pinnedAddress ? { pinnedAddress } : {}),
    ...(addressPolicy ? { addressPolicy } : {}),
    ...(limits ? { limits } : {}),
  });
  return { ok: true, cluster, context, server };
}

/** Lists the kubeconfig's contexts, kind-* first, without credentials. */
export function listContexts(source: TKubeconfigSource = {}): ListContextsResult {
  const parsed = ZKubeconfigSourceSchema.safeParse(source);
  if (!parsed.success)
    return {
      ok: false,
      failure: { code: "invalid-options", message: "Give kubeconfigPath or kubeconfigYaml, not both." },
    };
  const loaded = loadKubeConfig(parsed.data);
  if (!loaded.ok) return loaded;
  const kc = loaded.kubeConfig;
  const current = kc.getCurrentContext() || null;
  const contexts = kc.getContexts().map((c) => ({
    name: c.name,
    cluster: c.cluster,
    server: kc.getCluster(c.cluster)?.server ?? null,
    namespace: c.namespace ?? null,
    isKind: c.name.startsWith("kind-"),
    isCurrent: c.name === current,
  }));
  contexts.sort((a, b) => Number(b.isKind) - Number(a.isKind) || a.name.localeCompare(b.name));
  return { ok: true, contexts, current };
}

function loadKubeConfig(
  source: TKubeconfigSource,
): { ok: true; kubeConfig: KubeConfig } | { ok: false; failure: ConnectFailure } {
  const kc = new KubeConfig();
  try {
    if (source.kubeconfigYaml) {
      const checked = checkKubeconfigText(source.kubeconfigYaml);
      if (!checked.ok) {
        return {
          ok: false,
          failure: { code: "kubeconfig-invalid", message: `The kubeconfig is refused: ${checked.problem}.` },
        };
      }
      // client-node gets exactly what was checked, as JSON: its own YAML parser never sees the text, so
      // no difference between two parsers (merge keys, tags) can smuggle a field past the rules.
      kc.loadFromString(JSON.stringify(checked.value));
    } else {
      const file = source.kubeconfigPath ?? defaultKubeconfigPath();
      if (!file || !existsSync(file)) {
        return {
          ok: false,
          failure: {
            code: "no-kubeconfig",
            message: `No kubeconfig found${file ? ` at ${file}` : ""}. ${CREATE_HINT}`,
          },
        };
      }
      kc.loadFromFile(file);
    }
  } catch (error) {
    const reason = errorLine(error);
    return {
      ok: false,
      failure: { code: "kubeconfig-invalid", message: `The kubeconfig could not be read: ${reason}` },
    };
  }
  if (kc.getContexts().length === 0) {
    return {
      ok: false,
      failure: { code: "kubeconfig-invalid", message: `The kubeconfig defines no contexts. ${CREATE_HINT}` },
    };
  }
  return { ok: true, kubeConfig: kc };
}

// A kubeconfig given as text comes from someone else (a learner). client-node would run its exec
// plugins and read the files it names on this server (a token-file is read at load time and its
// content sent as a bearer token to whatever server the text names), so the rules of
// kubeconfig-rules.ts refuse those before client-node ever sees the text. The server's own kubeconfig
// file is trusted.
function checkKubeconfigText(text: string): { ok: true; value: unknown } | { ok: false; problem: string } {
  const parsed = parseKubeconfigText(text);
  if (!parsed.ok) return parsed;
  const forbidden = findForbiddenKubeconfigField(parsed.value);
  return forbidden ? { ok: false, problem: forbidden } : parsed;
}

// First KUBECONFIG entry (as kubectl reads it when there is one), else ~/.kube/config.
function defaultKubeconfigPath(): string | null {
  const fromEnv = process.env.KUBECONFIG?.split(path.delimiter).find((p) => p.length > 0);
  return fromEnv ?? path.join(homedir(), ".kube", "config");
}
