import type { TLogsCheck } from "../lab/schema";
import type { CallResult, ClusterFailure } from "../port";
import type { LogsEvidence } from "../report";
import { findContainer } from "./pod-state";
import { fail, failureVerdict, pass, podReadFailure, type CheckContext, type Verdict } from "./verdict";

/** Passes when the container's current or previous log (as the lab says) matches the pattern. */
export async function checkLogsContain(check: TLogsCheck, ctx: CheckContext): Promise<Verdict> {
  const read = (previous: boolean) =>
    ctx.cluster.readLogs({ namespace: ctx.namespace, pod: check.pod, container: check.container, previous });
  const pattern = new RegExp(check.pattern);
  const matches = (result: CallResult<string> | null) =>
    result?.ok === true && result.value.split("\n").some((l) => pattern.test(l));
  // Reading a log is costly for some API servers (the kubelet reads files), so "any" asks for the
  // previous container's log only when the current one does not already show the pattern.
  const [podRead, current] = await Promise.all([
    ctx.readPod(check.pod),
    check.from === "previous" ? null : read(false),
  ]);
  const previous = check.from === "current" || (check.from === "any" && matches(current)) ? null : await read(true);
  if (!podRead.ok) return podReadFailure(podRead.failure, check.pod, ctx);
  if (!findContainer(podRead.value, check.container)) {
    return fail(
      `pod ${check.pod} has no container ${check.container}`,
      [],
      "container-missing",
      `Pod ${check.pod} has no container named ${check.container}.`,
    );
  }
  const base = { type: "logs" as const, pod: check.pod, container: check.container };
  const sources: [LogsEvidence["source"], CallResult<string> | null][] = [
    ["current", current],
    ["previous", previous],
  ];
  for (const [source, result] of sources) {
    if (!result?.ok) continue;
    const line = result.value.split("\n").find((l) => pattern.test(l));
    if (line !== undefined)
      return pass(`${source} log: ${line.trim().slice(0, 120)}`, [{ ...base, source, excerpt: line.slice(0, 500) }]);
  }
  // A missing previous container (HTTP 400) just means there is no such log; RBAC, outages and
  // other server errors are errors, never "no log output".
  const noSuchLog = (failure: ClusterFailure) =>
    failure.kind === "not-found" ||
    failure.kind === "rejected" ||
    (failure.kind === "unexpected" && failure.code === 400);
  const hardFailure = sources
    .map(([, r]) => r)
    .find((r): r is Extract<CallResult<string>, { ok: false }> => r !== null && !r.ok && !noSuchLog(r.failure));
  if (hardFailure) return failureVerdict(hardFailure.failure, `get pods/log ${check.pod}`, ctx.cluster);
  const text = sources
    .map(([, r]) => (r?.ok ? r.value : ""))
    .join("\n")
    .trim();
  const lastLine = text.split("\n").filter(Boolean).at(-1) ?? "";
  const observed = lastLine ? `log ends with: ${lastLine.slice(0, 100)}` : "no log output";
  return fail(observed, [{ ...base, source: null, excerpt: text.slice(-500) }]);
}
