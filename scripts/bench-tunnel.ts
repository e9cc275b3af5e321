// For bench:grade: the agent tunnel on loopback. A WebSocket server plays the CKS Lab side (the grader's
// tunnel adapter), a WebSocket client plays cks-lab-agent (its endpoint and allow-list over the same
// client-node cluster the direct column uses), so the difference is the tunnel alone.
import type { AddressInfo } from "node:net";
import WebSocket, { WebSocketServer } from "ws";
import {
  agentAllowList,
  createAgentEndpoint,
  createTunnelCluster,
  parseFrame,
  ZAgentFrameSchema,
  ZServerFrameSchema,
  type ClusterPort,
  type Lab,
} from "@/grader";

/** Starts both ends; `cluster` is the port the grader uses through the tunnel. */
export async function startLoopbackTunnel(local: ClusterPort, lab: Lab) {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
  const { port } = wss.address() as AddressInfo;
  const accepted = new Promise<WebSocket>((resolve) => wss.once("connection", resolve));
  const client = new WebSocket(`ws://127.0.0.1:${port}`);
  await new Promise<void>((resolve, reject) => {
    client.once("open", () => resolve());
    client.once("error", reject);
  });
  const serverSide = await accepted;
  let lines = 0;
  let refused = 0;
  const tunnel = createTunnelCluster({
    server: "agent on loopback",
    context: local.context,
    link: { send: (frame) => serverSide.send(JSON.stringify(frame)) },
  });
  const endpoint = createAgentEndpoint({
    cluster: local,
    allowList: agentAllowList([lab]),
    send: (frame) => client.send(JSON.stringify(frame)),
    log: (line) => {
      lines += 1;
      if (line.startsWith("refused")) refused += 1;
    },
  });
  serverSide.on("message", (data: Buffer) => {
    const frame = parseFrame(ZAgentFrameSchema, data.toString("utf8"));
    if (frame?.type === "answer") tunnel.receive(frame.id, frame.answer);
  });
  client.on("message", (data: Buffer) => {
    const frame = parseFrame(ZServerFrameSchema, data.toString("utf8"));
    if (frame) endpoint.handle(frame);
  });
  return {
    cluster: tunnel.cluster,
    lines: () => lines,
    refused: () => refused,
    async stop() {
      tunnel.close("benchmark over");
      client.close();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
