import { db } from "@/lib/db/client";
import { checkClusterHost, type Lookup } from "@/grader";
import { loadConnectionKey } from "./connection-key";
import { connectionOptionsFromEnv, type ConnectionOptions } from "./connection-options";
import { getConnectionSummary, type ConnectionSummary } from "./connection-summary";
import { encryptKubeconfig, type ConnectionKey } from "./encryption";
import { ZSaveConnectionSchema } from "./schemas";
import { validateKubeconfig } from "./validate-kubeconfig";

/** Test seams: the resolver, the key and the instance switches (defaults: system DNS, the configured key, env). */
export type SaveDeps = { lookup?: Lookup; key?: ConnectionKey; options?: ConnectionOptions };

/**
 * Validates a pasted kubeconfig (shape, credentials, scheme, and where its server resolves), seals it for
 * `userId` and stores it as their one connection, replacing any earlier one. Returns the summary, never the YAML.
 */
export async function saveConnection(
  userId: string,
  input: { label: unknown; kubeconfig: unknown },
  deps: SaveDeps = {},
): Promise<{ ok: true; summary: ConnectionSummary } | { ok: false; failure: string }> {
  const parsed = ZSaveConnectionSchema.safeParse(input);
  if (!parsed.success) return { ok: false, failure: parsed.error.issues[0]?.message ?? "The form is incomplete." };
  const options = deps.options ?? connectionOptionsFromEnv();
  const validated = validateKubeconfig(parsed.data.kubeconfig, { allowHttpLoopback: options.allowHttpLoopback });
  if (!validated.ok) return { ok: false, failure: validated.failure };
  const host = await checkClusterHost(validated.summary.server, options, deps.lookup);
  if (!host.ok) return { ok: false, failure: `Kubeconfig rejected: ${host.failure}` };

  const sealed = encryptKubeconfig(validated.kubeconfig, { boundTo: userId, key: deps.key ?? loadConnectionKey() });
  const fields = {
    label: parsed.data.label,
    server: validated.summary.server,
    context: validated.summary.context,
    encryptedKubeconfig: sealed,
    createdAt: new Date(),
    lastTestedAt: null,
    lastVersion: null,
  };
  await db().clusterConnection.upsert({ where: { userId }, create: { userId, ...fields }, update: fields });
  const summary = await getConnectionSummary(userId);
  if (!summary) throw new Error("The saved connection disappeared while saving.");
  return { ok: true, summary };
}
