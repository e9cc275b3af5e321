import { spawn } from "node:child_process";
import type { WebSocket } from "ws";
import { prepareHost } from "../host";
import { badRequest } from "../k8s-status";
import type { TSubresource } from "../registry/kind";
import { forwardStdin, sendOnChannel, sendsStatusObject } from "./channel-stream";
import { queryFlag, runningContainer } from "./pod-container";

/** Attaches to the container's main process with `podman attach` and bridges it to the channels. */
function runAttach(ws: WebSocket, containerId: string, stdin: boolean): void {
  const finish = () => {
    // An attach ends with the container; kubectl reads the exit code from the pod status.
    if (sendsStatusObject(ws)) sendOnChannel(ws, 3, JSON.stringify({ metadata: {}, status: "Success" }));
    ws.close(1000);
  };
  const child = spawn("podman", ["attach", "--sig-proxy=false", ...(stdin ? [] : ["--no-stdin"]), containerId], {
    env: prepareHost(),
    stdio: ["pipe", "pipe", "pipe"],
  });
  let missed = false;
  // podman attach writes one newline of its own when the session ends; hold the last newline back
  // until more output shows it was the container's.
  let heldNewline = false;
  child.stdout.on("data", (chunk: Buffer) => {
    const data = heldNewline ? Buffer.concat([Buffer.from("\n"), chunk]) : chunk;
    heldNewline = data[data.length - 1] === 0x0a;
    if (data.length > (heldNewline ? 1 : 0)) sendOnChannel(ws, 1, heldNewline ? data.subarray(0, -1) : data);
  });
  child.stderr.on("data", (chunk: Buffer) => {
    // The container exited between the upgrade and the attach: its output would be lost, and
    // kubectl's answer to a failed attach is to print the logs, so do that.
    if (/only attach to running containers/.test(chunk.toString())) missed = true;
    else sendOnChannel(ws, 2, chunk);
  });
  forwardStdin(ws, child, stdin);
  child.on("close", () => {
    if (!missed) {
      finish();
      return;
    }
    const logs = spawn("podman", ["logs", containerId], { env: prepareHost(), stdio: ["ignore", "pipe", "pipe"] });
    logs.stdout.on("data", (chunk: Buffer) => sendOnChannel(ws, 1, chunk));
    logs.stderr.on("data", (chunk: Buffer) => sendOnChannel(ws, 2, chunk));
    logs.on("close", finish);
  });
}

/** `pods/attach` over WebSocket (`kubectl attach`, `kubectl run --rm -i`); stdin only for `stdin: true` containers. */
export const podAttach: TSubresource = {
  kind: "PodAttachOptions",
  verbs: ["create", "get"],
  async handle() {
    throw badRequest("Upgrade request required");
  },
  async upgrade(call) {
    const { pod, container, containerId } = runningContainer(call, "attach to");
    const spec = pod.spec.containers.find((candidate) => candidate.name === container);
    const stdin = queryFlag(call.query, "stdin") && spec?.stdin === true;
    call.cluster.sockets.handleUpgrade(call.request, call.socket, call.head, (ws) => runAttach(ws, containerId, stdin));
  },
};
