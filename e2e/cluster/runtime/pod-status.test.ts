import { describe, expect, it } from "vitest";
import { humanAge } from "../clock";
import { computePhase, podRow } from "./pod-status";
import type { TContainerState, TContainerStatus, TPod } from "../types";

const now = Date.parse("2026-11-26T12:00:00Z");
const ago = (seconds: number) => new Date(now - seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");

function container(name: string, state: TContainerState, extra: Partial<TContainerStatus> = {}): TContainerStatus {
  return {
    name,
    image: "nginx",
    imageID: "",
    ready: state.running !== undefined,
    started: state.running !== undefined,
    restartCount: 0,
    state,
    lastState: {},
    ...extra,
  };
}

function pod(
  statuses: TContainerStatus[],
  options: {
    init?: TContainerStatus[];
    phase?: "Pending" | "Running" | "Succeeded" | "Failed";
    deleting?: boolean;
  } = {},
): TPod {
  return {
    metadata: { name: "p", creationTimestamp: ago(90), ...(options.deleting ? { deletionTimestamp: ago(1) } : {}) },
    spec: {
      containers: statuses.map((status) => ({ name: status.name, image: "nginx" })),
      initContainers: options.init?.map((status) => ({ name: status.name, image: "busybox" })),
    },
    status: {
      phase: options.phase ?? "Running",
      conditions: [
        {
          type: "Ready",
          status: statuses.every((status) => status.ready) ? "True" : "False",
          lastProbeTime: null,
          lastTransitionTime: ago(5),
        },
      ],
      containerStatuses: statuses,
      ...(options.init ? { initContainerStatuses: options.init } : {}),
    },
  };
}

const crashed = { terminated: { exitCode: 1, reason: "Error", finishedAt: ago(4) } };

describe("podRow: the READY / STATUS / RESTARTS cells of kubectl get pods", () => {
  it.each([
    [
      "creating",
      pod([container("c", { waiting: { reason: "ContainerCreating" } })], { phase: "Pending" }),
      { ready: "0/1", status: "ContainerCreating", restarts: "0" },
    ],
    [
      "running",
      pod([container("c", { running: { startedAt: ago(10) } })]),
      { ready: "1/1", status: "Running", restarts: "0" },
    ],
    [
      "crashed once",
      pod([container("c", crashed, { restartCount: 1, lastState: crashed })]),
      { ready: "0/1", status: "Error", restarts: "1 (4s ago)" },
    ],
    [
      "crash loop",
      pod([container("c", { waiting: { reason: "CrashLoopBackOff" } }, { restartCount: 3, lastState: crashed })]),
      { ready: "0/1", status: "CrashLoopBackOff", restarts: "3 (4s ago)" },
    ],
    [
      "completed",
      pod([container("c", { terminated: { exitCode: 0, reason: "Completed" } })], { phase: "Succeeded" }),
      { ready: "0/1", status: "Completed", restarts: "0" },
    ],
    [
      "no reason",
      pod([container("c", { terminated: { exitCode: 137, reason: "" } })], { phase: "Failed" }),
      { ready: "0/1", status: "ExitCode:137", restarts: "0" },
    ],
    [
      "one of two ready",
      pod(
        [
          container("a", { running: { startedAt: ago(3) } }),
          container("b", { waiting: { reason: "ErrImageNeverPull" } }),
        ],
        { phase: "Pending" },
      ),
      { ready: "1/2", status: "ErrImageNeverPull", restarts: "0" },
    ],
    [
      "sidecar done, main running",
      pod([
        container("a", { running: { startedAt: ago(3) } }),
        container("b", { terminated: { exitCode: 0, reason: "Completed" } }),
      ]),
      { ready: "1/2", status: "NotReady", restarts: "0" },
    ],
    [
      "init pending",
      pod([container("c", { waiting: { reason: "PodInitializing" } })], {
        phase: "Pending",
        init: [container("i", { running: { startedAt: ago(1) } })],
      }),
      { ready: "0/1", status: "Init:0/1", restarts: "0" },
    ],
    [
      "init failed",
      pod([container("c", { waiting: { reason: "PodInitializing" } })], {
        phase: "Pending",
        init: [container("i", crashed, { restartCount: 2, lastState: crashed })],
      }),
      { ready: "0/1", status: "Init:Error", restarts: "2 (4s ago)" },
    ],
    [
      "init crash loop",
      pod([container("c", { waiting: { reason: "PodInitializing" } })], {
        phase: "Pending",
        init: [container("i", { waiting: { reason: "CrashLoopBackOff" } })],
      }),
      { ready: "0/1", status: "Init:CrashLoopBackOff", restarts: "0" },
    ],
    [
      "terminating",
      pod([container("c", { running: { startedAt: ago(10) } })], { deleting: true }),
      { ready: "1/1", status: "Terminating", restarts: "0" },
    ],
  ])("%s", (_name, input, expected) => {
    expect(podRow(input, now)).toEqual(expected);
  });
});

describe("computePhase", () => {
  const running = container("c", { running: { startedAt: ago(1) } });
  const waiting = container("c", { waiting: { reason: "ContainerCreating" } });
  const failedOnce = container("c", { waiting: { reason: "CrashLoopBackOff" } }, { lastState: crashed });
  const exited = (code: number) =>
    container("c", { terminated: { exitCode: code, reason: code === 0 ? "Completed" : "Error" } });
  it.each([
    [
      "init not done",
      { initDone: false, initFailed: false, containerStatuses: [waiting], restartPolicy: "Always" as const },
      "Pending",
    ],
    [
      "init failed under Never",
      { initDone: false, initFailed: true, containerStatuses: [waiting], restartPolicy: "Never" as const },
      "Failed",
    ],
    [
      "waiting",
      { initDone: true, initFailed: false, containerStatuses: [waiting], restartPolicy: "Always" as const },
      "Pending",
    ],
    [
      "running",
      { initDone: true, initFailed: false, containerStatuses: [running], restartPolicy: "Always" as const },
      "Running",
    ],
    [
      "crash loop counts as stopped",
      { initDone: true, initFailed: false, containerStatuses: [failedOnce], restartPolicy: "Always" as const },
      "Running",
    ],
    [
      "Never + exit 0",
      { initDone: true, initFailed: false, containerStatuses: [exited(0)], restartPolicy: "Never" as const },
      "Succeeded",
    ],
    [
      "Never + exit 1",
      { initDone: true, initFailed: false, containerStatuses: [exited(1)], restartPolicy: "Never" as const },
      "Failed",
    ],
    [
      "OnFailure + exit 0",
      { initDone: true, initFailed: false, containerStatuses: [exited(0)], restartPolicy: "OnFailure" as const },
      "Succeeded",
    ],
    [
      "OnFailure + exit 1",
      { initDone: true, initFailed: false, containerStatuses: [exited(1)], restartPolicy: "OnFailure" as const },
      "Running",
    ],
  ])("%s -> %s", (_name, input, expected) => {
    expect(computePhase({ ...input, initContainerStatuses: [] })).toBe(expected);
  });
});

describe("humanAge", () => {
  it.each([
    [5, "5s"],
    [119, "119s"],
    [200, "3m20s"],
    [600, "10m"],
    [3 * 3600 + 120, "3h2m"],
    [3 * 86400, "3d"],
  ])("%s seconds reads %s", (seconds, expected) => {
    expect(humanAge(ago(seconds), now)).toBe(expected);
  });
});
