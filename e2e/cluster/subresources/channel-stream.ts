import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { WebSocketServer, type WebSocket } from "ws";

/** The channel protocols kubectl and client-node offer for exec and attach, newest first. */
export const channelProtocols = [
  "v5.channel.k8s.io",
  "v4.channel.k8s.io",
  "v3.channel.k8s.io",
  "v2.channel.k8s.io",
  "channel.k8s.io",
];

/** The WebSocket server exec and attach upgrade into; it picks the newest channel protocol the client offers. */
export function channelSocketServer(): WebSocketServer {
  return new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => channelProtocols.find((protocol) => offered.has(protocol)) ?? false,
  });
}

/** v4 and v5 carry a JSON Status on channel 3; older protocols carry only an error text. */
export function sendsStatusObject(ws: WebSocket): boolean {
  return ws.protocol.startsWith("v4") || ws.protocol.startsWith("v5");
}

/** Sends `data` on a channel (stdout 1, stderr 2, status 3) while the socket is open. */
export function sendOnChannel(ws: WebSocket, channel: number, data: Buffer | string): void {
  if (ws.readyState !== ws.OPEN) return;
  const payload = typeof data === "string" ? Buffer.from(data) : data;
  ws.send(Buffer.concat([Buffer.from([channel]), payload]));
}

/**
 * Feeds the client's stdin frames (channel 0) to a local process and ends its stdin on the v5 close
 * frame (255, 0); without `stdin` the process's stdin is closed at once.
 */
export function forwardStdin(ws: WebSocket, child: ChildProcessWithoutNullStreams, stdin: boolean): void {
  if (!stdin) child.stdin.end();
  child.stdin.on("error", () => undefined);
  ws.on("message", (data: Buffer, isBinary: boolean) => {
    const message = isBinary ? data : Buffer.from(data.toString(), "base64");
    if (message[0] === 0 && stdin) child.stdin.write(message.subarray(1));
    if (message[0] === 255 && message[1] === 0) child.stdin.end();
  });
  ws.on("close", () => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });
}
