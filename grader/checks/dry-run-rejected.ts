import type { TDryRunRejectedCheck } from "../lab/schema";
import type { DryRunEvidence } from "../report";
import { fail, failureVerdict, namespaceMissingMessage, pass, type CheckContext, type Verdict } from "./verdict";

/** Server-side dry-run create of the lab's manifest; passes only when admission rejects it as expected. */
export async function checkDryRunRejected(check: TDryRunRejectedCheck, ctx: CheckContext): Promise<Verdict> {
  const manifest = { ...check.manifest, metadata: { ...check.manifest.metadata, namespace: ctx.namespace } };
  const result = await ctx.cluster.create(manifest, { namespace: ctx.namespace, dryRun: true });
  const base = { type: "dryRun" as const, kind: check.manifest.kind, name: check.manifest.metadata.name };
  if (result.ok) {
    const evidence: DryRunEvidence = { ...base, admitted: true, code: null, reason: null, message: null };
    return fail(`${check.manifest.kind} ${check.manifest.metadata.name} was admitted`, [evidence], "admitted");
  }
  const failure = result.failure;
  if (failure.kind === "rejected") {
    const evidence: DryRunEvidence = {
      ...base,
      admitted: false,
      code: failure.code,
      reason: failure.reason,
      message: failure.message,
    };
    const observed = `rejected (${failure.code}): ${failure.message.slice(0, 140)}`;
    if (check.messageMatches === undefined || new RegExp(check.messageMatches).test(failure.message))
      return pass(observed, [evidence]);
    return fail(observed, [evidence]);
  }
  if (failure.kind === "not-found") {
    const ns = await ctx.readNamespace();
    if (!ns.ok && ns.failure.kind === "not-found") {
      return fail(
        `namespace ${ctx.namespace} not found`,
        [],
        "namespace-missing",
        namespaceMissingMessage(ctx.namespace),
      );
    }
  }
  return failureVerdict(failure, `dry-run create ${check.manifest.kind}`, ctx.cluster);
}
