import type { TLogsCheck } from "../lab/schema";
import type { CallResult, ClusterFailure } from "../port";
import type { LogsEvidence } from "../report";
import { fail, failureVerdict, pass, pickContainer, podReadFailure, type CheckContext, type Verdict } from "./verdict";

/** Passes when the container's current or previous log (as the lab says) matches the pattern. */
export async function checkLogsContain(check: TLogsCheck, ctx: CheckContext): Promise<Verdict> {
  const read = (container: string, previous: boolean) =>
    ctx.cluster.readLogs({ namespace: ctx.namespace, pod: check.pod, container, previous });
  const pattern = new RegExp(check.pattern);
  const matches = (result: CallResult<string> | null) =>
    result?.ok === true && result.value.split("\n").some((l) => pattern.test(l));
  // Reading a log is costly for some API servers (the kubelet reads files), so "any" asks for the
  // previous container's log only when the current one does not already show the pattern. With a named
  // container the pod read and the first log read go out together; without, the pod says which container.
  const [podRead, early] = await Promise.all([
    ctx.readPod(check.pod),
    check.container === undefined || check.from === "previous" ? null : read(check.container, false),
  ]);
  if (!podRead.ok) return podReadFailure(podRead.failure, check.pod, ctx);
  const picked = pickContainer(podRead.value, check.container);
  if (!picked.ok) return picked.verdict;
  const container = picked.container.name;
  const current = check.from === "previous" ? null : (early ?? (await read(container, false)));
  const previous =
    check.from === "current" || (check.from === "any" && matches(current)) ? null : await read(container, true);
  const base = { type: "logs" as const, pod: check.pod, container };
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
