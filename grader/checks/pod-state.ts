import type { TPod } from "../port";
import type { PodEvidence } from "../report";

type ContainerStatus = NonNullable<NonNullable<TPod["status"]>["containerStatuses"]>[number];
type ContainerState = NonNullable<ContainerStatus["state"]>;
export type ContainerSpec = TPod["spec"]["containers"][number];

/** A container of a pod: its name, spec and (if reported) status. */
export type FoundContainer = { name: string; spec: ContainerSpec; status: ContainerStatus | null };

/** The container spec and (if reported) status of the named container. */
export function findContainer(pod: TPod, name: string): FoundContainer | null {
  const spec = pod.spec.containers.find((c) => c.name === name);
  if (!spec) return null;
  const status = pod.status?.containerStatuses?.find((s) => s.name === name) ?? null;
  return { name, spec, status };
}

/** "running", "waiting: CrashLoopBackOff", "terminated: Error (exit 1)"; null when nothing is reported. */
export function describeState(state: ContainerState | undefined): string | null {
  if (!state) return null;
  if (state.running) return "running";
  if (state.waiting) return `waiting: ${state.waiting.reason ?? "unknown"}`;
  if (state.terminated) {
    const exit = state.terminated.exitCode === undefined ? "" : ` (exit ${state.terminated.exitCode})`;
    return `terminated: ${state.terminated.reason ?? "unknown"}${exit}`;
  }
  return null;
}

/** Pod and container status as evidence. */
export function podEvidence(pod: TPod, container: string): PodEvidence {
  const status = findContainer(pod, container)?.status ?? null;
  return {
    type: "pod",
    pod: pod.metadata.name,
    container,
    phase: pod.status?.phase ?? null,
    ready: status?.ready ?? null,
    restartCount: status?.restartCount ?? null,
    state: describeState(status?.state),
    lastTermination: describeState(status?.lastState),
  };
}

/** One line summary of the evidence, e.g. "phase Running, not ready, 3 restarts, waiting: CrashLoopBackOff". */
export function summarizePod(e: PodEvidence): string {
  const parts = [`phase ${e.phase ?? "unknown"}`];
  if (e.ready !== null) parts.push(e.ready ? "ready" : "not ready");
  if (e.restartCount !== null) parts.push(`${e.restartCount} restart${e.restartCount === 1 ? "" : "s"}`);
  if (e.state) parts.push(e.state);
  if (e.lastTermination) parts.push(`last ${e.lastTermination}`);
  return parts.join(", ");
}

/** Every reason the container's current and last state report (waiting, terminated). */
export function containerReasons(status: ContainerStatus | null): string[] {
  if (!status) return [];
  return [status.state?.waiting?.reason, status.state?.terminated?.reason, status.lastState?.terminated?.reason].filter(
    (r): r is string => typeof r === "string",
  );
}
