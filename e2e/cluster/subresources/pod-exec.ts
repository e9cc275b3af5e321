import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import type { WebSocket } from "ws";
import { prepareHost } from "../host";
import { badRequest } from "../k8s-status";
import type { TSubresource } from "../registry/kind";
import { forwardStdin, sendOnChannel, sendsStatusObject } from "./channel-stream";
import { queryFlag, runningContainer } from "./pod-container";

/** Where podman (as root) keeps runc state, one folder per container id. */
const runcRoot = "/run/runc";

/** The channel-3 Status of a finished exec: Success, the command's non-zero exit, or the runtime's own failure. */
function execStatus(command: string[], exitCode: number, runtimeError: string): Record<string, unknown> {
  if (runtimeError) {
    const message = `Internal error occurred: error executing command in container: failed to exec in container: OCI runtime exec failed: ${runtimeError}: unknown`;
    return {
      metadata: {},
      status: "Failure",
      message,
      reason: "InternalError",
      details: { causes: [{ message }] },
      code: 500,
    };
  }
  if (exitCode === 0) return { metadata: {}, status: "Success" };
  return {
    metadata: {},
    status: "Failure",
    message: `command terminated with non-zero exit code: error executing command [${command.join(" ")}], exit code ${exitCode}`,
    reason: "NonZeroExitCode",
    details: { causes: [{ reason: "ExitCode", message: String(exitCode) }] },
  };
}

/** Runs `command` in the container and bridges it to the channels: stdin 0, stdout 1, stderr 2, status 3. */
function runExec(ws: WebSocket, containerId: string, command: string[], stdin: boolean, tty: boolean): void {
  // runc exec starts the process from the container's own spec (user, env, capabilities,
  // no_new_privs), like podman exec, in a third of the time; a tty needs podman's console handling.
  const direct = !tty && existsSync(path.join(runcRoot, containerId));
  const child = direct
    ? spawn("runc", ["--root", runcRoot, "exec", containerId, ...command], { stdio: ["pipe", "pipe", "pipe"] })
    : spawn("podman", ["exec", ...(stdin ? ["-i"] : []), ...(tty ? ["-t"] : []), containerId, ...command], {
        env: prepareHost(),
        stdio: ["pipe", "pipe", "pipe"],
      });
  let runtimeError = "";
  child.stdout.on("data", (chunk: Buffer) => sendOnChannel(ws, 1, chunk));
  child.stderr.on("data", (chunk: Buffer) => {
    // runc's own failures (command not found) are an exec error, not the command's stderr.
    const own = direct ? /^time="[^"]*" level=error msg="(.*)"\n?$/.exec(chunk.toString()) : null;
    if (own) runtimeError = (own[1] ?? "").replace(/\\"/g, '"');
    else sendOnChannel(ws, 2, chunk);
  });
  forwardStdin(ws, child, stdin);
  child.on("close", (code) => {
    const status = execStatus(command, code ?? 1, runtimeError);
    if (sendsStatusObject(ws)) sendOnChannel(ws, 3, JSON.stringify(status));
    else if (status.status !== "Success") sendOnChannel(ws, 3, String(status.message));
    ws.close(1000);
  });
}

/** `pods/exec` over WebSocket (`kubectl exec`, client-node's Exec). */
export const podExec: TSubresource = {
  kind: "PodExecOptions",
  verbs: ["create", "get"],
  async handle() {
    throw badRequest("Upgrade request required");
  },
  async upgrade(call) {
    const { containerId } = runningContainer(call, "exec into");
    const command = call.query.getAll("command");
    const stdin = queryFlag(call.query, "stdin");
    const tty = queryFlag(call.query, "tty");
    call.cluster.sockets.handleUpgrade(call.request, call.socket, call.head, (ws) =>
      runExec(ws, containerId, command, stdin, tty),
    );
  },
};
