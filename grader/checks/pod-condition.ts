import type { TPodConditionCheck } from "../lab/schema";
import { containerReasons, findContainer, podEvidence, summarizePod } from "./pod-state";
import { fail, pass, podReadFailure, type CheckContext, type Verdict } from "./verdict";

/** Passes when the pod's phase and the container's readiness, restarts and reasons meet every expectation. */
export async function checkPodCondition(check: TPodConditionCheck, ctx: CheckContext): Promise<Verdict> {
  const read = await ctx.readPod(check.pod);
  if (!read.ok) return podReadFailure(read.failure, check.pod, ctx);
  const pod = read.value;
  const container = findContainer(pod, check.container);
  if (!container) {
    return fail(
      `pod ${check.pod} has no container ${check.container}`,
      [],
      "container-missing",
      `Pod ${check.pod} has no container named ${check.container}.`,
    );
  }
  const evidence = podEvidence(pod, check.container);
  const observed = summarizePod(evidence);
  const { phase, ready, restartCountAtLeast, reasonIn } = check.expect;
  const met =
    (phase === undefined || phase.some((p) => p === pod.status?.phase)) &&
    (ready === undefined || (container.status?.ready ?? false) === ready) &&
    (restartCountAtLeast === undefined || (container.status?.restartCount ?? 0) >= restartCountAtLeast) &&
    (reasonIn === undefined || containerReasons(container.status).some((r) => reasonIn.includes(r)));
  return met ? pass(observed, [evidence]) : fail(observed, [evidence]);
}
