import { shortDuration } from "../clock";
import type { TContainerStatus, TPod, TPodCondition, TPodStatus } from "../types";

/**
 * Pod phase from container statuses, following kubelet: init containers first; a container that is
 * waiting after having run counts as stopped, not waiting.
 */
export function computePhase(input: {
  restartPolicy: "Always" | "OnFailure" | "Never";
  initContainerStatuses: TContainerStatus[];
  initDone: boolean;
  initFailed: boolean;
  containerStatuses: TContainerStatus[];
}): TPodStatus["phase"] {
  if (input.initFailed) return "Failed";
  if (!input.initDone) return "Pending";
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const status of input.containerStatuses) {
    if (status.state.running) {
      running += 1;
    } else if (status.state.terminated) {
      stopped += 1;
      if (status.state.terminated.exitCode === 0) succeeded += 1;
    } else if (status.state.waiting) {
      if (status.lastState.terminated) stopped += 1;
      else waiting += 1;
    }
  }
  if (waiting > 0) return "Pending";
  if (running > 0) return "Running";
  if (stopped > 0) {
    if (input.restartPolicy === "Always") return "Running";
    if (stopped === succeeded) return "Succeeded";
    return input.restartPolicy === "OnFailure" ? "Running" : "Failed";
  }
  return "Pending";
}

/** Pod conditions (PodReadyToStartContainers, Initialized, Ready, ContainersReady, PodScheduled). */
export function computeConditions(input: {
  now: string;
  previous: TPodCondition[];
  sandboxReady: boolean;
  initDone: boolean;
  phase: TPodStatus["phase"];
  containerStatuses: TContainerStatus[];
  pendingInitNames: string[];
}): TPodCondition[] {
  const notReady = input.containerStatuses.filter((status) => !status.ready).map((status) => status.name);
  const containersReady = notReady.length === 0 && input.phase !== "Succeeded" && input.phase !== "Failed";
  const build = (type: string, ok: boolean, reason?: string, message?: string): TPodCondition => {
    const status = ok ? "True" : "False";
    const before = input.previous.find((condition) => condition.type === type);
    const lastTransitionTime = before && before.status === status ? before.lastTransitionTime : input.now;
    return {
      type,
      status,
      lastProbeTime: null,
      lastTransitionTime,
      ...(reason ? { reason } : {}),
      ...(message ? { message } : {}),
    };
  };
  const notReadyMessage = `containers with unready status: [${notReady.join(" ")}]`;
  const completed = input.phase === "Succeeded" || input.phase === "Failed";
  return [
    build("PodReadyToStartContainers", input.sandboxReady && !completed),
    build(
      "Initialized",
      input.initDone,
      input.initDone ? undefined : "ContainersNotInitialized",
      input.initDone ? undefined : `containers with incomplete status: [${input.pendingInitNames.join(" ")}]`,
    ),
    build(
      "Ready",
      containersReady,
      containersReady ? undefined : completed ? "PodCompleted" : "ContainersNotReady",
      containersReady || completed ? undefined : notReadyMessage,
    ),
    build(
      "ContainersReady",
      containersReady,
      containersReady ? undefined : completed ? "PodCompleted" : "ContainersNotReady",
      containersReady || completed ? undefined : notReadyMessage,
    ),
    build("PodScheduled", true),
  ];
}

/** The READY, STATUS and RESTARTS cells of `kubectl get pods`, computed as the API server's printer does. */
export function podRow(pod: TPod, now: number): { ready: string; status: string; restarts: string } {
  const status = pod.status;
  const containers = pod.spec.containers.length;
  let reason: string = status?.reason || status?.phase || "Unknown";
  let restarts = 0;
  let lastRestart: number | undefined;
  let readyCount = 0;
  const noteRestart = (container: TContainerStatus) => {
    restarts += container.restartCount;
    const finished = container.lastState.terminated?.finishedAt;
    if (finished) {
      const time = Date.parse(finished);
      if (lastRestart === undefined || time > lastRestart) lastRestart = time;
    }
  };
  let initializing = false;
  const initStatuses = status?.initContainerStatuses ?? [];
  initStatuses.forEach((container, index) => {
    noteRestart(container);
    if (initializing) return;
    const terminated = container.state.terminated;
    const waiting = container.state.waiting;
    if (terminated && terminated.exitCode === 0) return;
    if (terminated) {
      reason = terminated.reason
        ? `Init:${terminated.reason}`
        : terminated.signal
          ? `Init:Signal:${terminated.signal}`
          : `Init:ExitCode:${terminated.exitCode}`;
    } else if (waiting && waiting.reason && waiting.reason !== "PodInitializing") {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${index}/${pod.spec.initContainers?.length ?? initStatuses.length}`;
    }
    initializing = true;
  });
  if (!initializing) {
    restarts = initStatuses.reduce((sum, container) => sum + container.restartCount, 0);
    lastRestart = undefined;
    for (const container of initStatuses) noteRestart({ ...container, restartCount: 0 });
    let hasRunning = false;
    const statuses = [...(status?.containerStatuses ?? [])].reverse();
    for (const container of statuses) {
      noteRestart(container);
      const { waiting, terminated, running } = container.state;
      if (waiting?.reason) {
        reason = waiting.reason;
      } else if (terminated?.reason) {
        reason = terminated.reason;
      } else if (terminated) {
        reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode}`;
      } else if (running && container.ready) {
        hasRunning = true;
        readyCount += 1;
      }
    }
    if (reason === "Completed" && hasRunning) {
      const readyCondition = status?.conditions.find((condition) => condition.type === "Ready");
      reason = readyCondition?.status === "True" ? "Running" : "NotReady";
    }
  }
  if (pod.metadata.deletionTimestamp) reason = status?.reason === "NodeLost" ? "Unknown" : "Terminating";
  const restartCell =
    lastRestart !== undefined && restarts > 0
      ? `${restarts} (${shortDuration(now - lastRestart)} ago)`
      : String(restarts);
  return { ready: `${readyCount}/${containers}`, status: reason, restarts: restartCell };
}
