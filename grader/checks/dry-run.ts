import type { TDryRunAdmittedCheck, TDryRunRejectedCheck } from "../lab/schema";
import type { DryRunEvidence } from "../report";
import { fail, failureVerdict, namespaceMissingMessage, pass, type CheckContext, type Verdict } from "./verdict";

/** Server-side dry-run create of the lab's manifest; passes only when admission rejects it as expected. */
export function checkDryRunRejected(check: TDryRunRejectedCheck, ctx: CheckContext): Promise<Verdict> {
  return dryRun(check, ctx, "rejected");
}

/** Server-side dry-run create of the lab's manifest; passes only when the cluster admits it. */
export function checkDryRunAdmitted(check: TDryRunAdmittedCheck, ctx: CheckContext): Promise<Verdict> {
  return dryRun(check, ctx, "admitted");
}

async function dryRun(
  check: TDryRunRejectedCheck | TDryRunAdmittedCheck,
  ctx: CheckContext,
  expected: DryRunEvidence["expected"],
): Promise<Verdict> {
  const namespace = check.namespace ?? ctx.namespace;
  const manifest = { ...check.manifest, metadata: { ...check.manifest.metadata, namespace } };
  const result = await ctx.cluster.create(manifest, { namespace, dryRun: true });
  const base = {
    type: "dryRun" as const,
    kind: check.manifest.kind,
    name: check.manifest.metadata.name,
    namespace,
    expected,
    sent: boundedManifest(manifest),
  };
  const where = namespace === ctx.namespace ? "" : ` in namespace ${namespace}`;
  if (result.ok) {
    const evidence: DryRunEvidence = { ...base, admitted: true, code: null, reason: null, message: null };
    const observed = `${check.manifest.kind} ${check.manifest.metadata.name} was admitted${where}`;
    return expected === "admitted" ? pass(observed, [evidence]) : fail(observed, [evidence], "admitted");
  }
  const failure = result.failure;
  if (failure.kind === "rejected") {
    const evidence: DryRunEvidence = {
      ...base,
      admitted: false,
      code: failure.code,
      reason: failure.reason,
      message: failure.message.slice(0, 2000),
    };
    const observed = `rejected${where} (${failure.code}): ${failure.message.slice(0, 140)}`;
    if (expected === "admitted") return fail(observed, [evidence], "rejected");
    const messageMatches = "messageMatches" in check ? check.messageMatches : undefined;
    if (messageMatches === undefined || new RegExp(messageMatches).test(failure.message))
      return pass(observed, [evidence]);
    return fail(observed, [evidence]);
  }
  if (failure.kind === "not-found") {
    if (namespace !== ctx.namespace) {
      // Not the learner's namespace: the lab assumed a namespace that this cluster does not have.
      return {
        ...failureVerdict(failure, `dry-run create ${check.manifest.kind}${where}`, ctx.cluster),
        message: `The check dry-runs in namespace ${namespace}, which this cluster does not have (kubectl get namespace ${namespace}).`,
      };
    }
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
  return failureVerdict(failure, `dry-run create ${check.manifest.kind}${where}`, ctx.cluster);
}

// The manifest comes from the lab file, but evidence is stored per attempt and sent to browsers: keep it small.
function boundedManifest(manifest: unknown): unknown {
  const text = JSON.stringify(manifest);
  return text.length <= 4000 ? manifest : `${text.slice(0, 3997)}...`;
}
