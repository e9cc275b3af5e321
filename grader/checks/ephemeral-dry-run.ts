import type { TEphemeralContainerDryRunCheck } from "../lab/schema";
import type { DryRunEvidence } from "../report";
import { fail, failureVerdict, pass, podReadFailure, type CheckContext, type Verdict } from "./verdict";

/**
 * Adds the lab's ephemeral container to one of the learner's pods with a server-side dry-run (what
 * `kubectl debug` sends) and compares what admission answered with what the check expects.
 */
export async function checkEphemeralContainerDryRun(
  check: TEphemeralContainerDryRunCheck,
  ctx: CheckContext,
): Promise<Verdict> {
  // The pod must exist first: its absence is the learner's next step, not a policy verdict.
  const pod = await ctx.readPod(check.pod);
  if (!pod.ok) return podReadFailure(pod.failure, check.pod, ctx);
  const container = check.ephemeralContainer;
  const result = await ctx.cluster.addEphemeralContainer({
    namespace: ctx.namespace,
    pod: check.pod,
    container,
    dryRun: true,
  });
  const base = {
    type: "dryRun" as const,
    operation: "debug" as const,
    kind: "EphemeralContainer",
    name: check.pod,
    namespace: ctx.namespace,
    expected: check.expect,
    container: { name: container.name, image: container.image },
    sent: { spec: { ephemeralContainers: [container] } },
  };
  const what = `debug container ${container.name} (${container.image}) in pod ${check.pod}`;
  if (result.ok) {
    const evidence: DryRunEvidence = { ...base, admitted: true, code: null, reason: null, message: null };
    const observed = `${what} was admitted`;
    return check.expect === "admitted" ? pass(observed, [evidence]) : fail(observed, [evidence], "admitted");
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
    const observed = `${what} rejected (${failure.code}): ${failure.message.slice(0, 120)}`;
    if (check.expect === "admitted") return fail(observed, [evidence], "rejected");
    if (check.messageMatches !== undefined && !new RegExp(check.messageMatches).test(failure.message))
      return fail(observed, [evidence]);
    return pass(observed, [evidence]);
  }
  if (failure.kind === "not-found") {
    // The pod was just read, so a 404 here means the cluster does not serve the subresource.
    return {
      ...failureVerdict(failure, `dry-run debug container in pod ${check.pod}`, ctx.cluster),
      message: `The cluster has no pods/ephemeralcontainers subresource (Kubernetes before 1.25, or turned off); kubectl debug cannot work there either.`,
    };
  }
  return failureVerdict(failure, `dry-run debug container in pod ${check.pod}`, ctx.cluster);
}
