import type { TPodConditionCheck } from "../lab/schema";
import { containerReasons, podEvidence, summarizePod } from "./pod-state";
import { fail, pass, pickContainer, podReadFailure, type CheckContext, type Verdict } from "./verdict";

/** Passes when the pod's phase and the container's readiness, restarts and reasons meet every expectation. */
export async function checkPodCondition(check: TPodConditionCheck, ctx: CheckContext): Promise<Verdict> {
  const read = await ctx.readPod(check.pod);
  if (!read.ok) return podReadFailure(read.failure, check.pod, ctx);
  const pod = read.value;
  const picked = pickContainer(pod, check.container);
  if (!picked.ok) return picked.verdict;
  const container = picked.container;
  const evidence = podEvidence(pod, container.name);
  const observed = summarizePod(evidence);
  const { phase, ready, restartCountAtLeast, reasonIn } = check.expect;
  const met =
    (phase === undefined || phase.some((p) => p === pod.status?.phase)) &&
    (ready === undefined || (container.status?.ready ?? false) === ready) &&
    (restartCountAtLeast === undefined || (container.status?.restartCount ?? 0) >= restartCountAtLeast) &&
    (reasonIn === undefined || containerReasons(container.status).some((r) => reasonIn.includes(r)));
  return met ? pass(observed, [evidence]) : fail(observed, [evidence]);
}
