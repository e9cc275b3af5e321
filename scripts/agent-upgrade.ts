// The agent tunnel's WebSocket upgrade (TUNNEL_PATH), served by scripts/server.ts. The agent proves who
// it is with its bearer credential (never a cookie: a browser page cannot set this header on a WebSocket,
// so no other site can open a tunnel with a learner's session); the door decides `agent:connect` for the
// credential's owner; then lib/agent/hub.ts takes the socket.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type RawData } from "ws";
import { TUNNEL_LIMITS } from "@/grader";
import { agentHub } from "@/lib/agent/hub";
import { agentCredentialExists, findAgentCredential, touchAgentCredential } from "@/lib/agent/credentials";
import { decide, type DoorMeta } from "@/lib/auth/door";
import { parseRole } from "@/lib/auth/roles";
import { errorMessage } from "@/lib/errors/error-message";

/** What the tunnel's door checks: the credential's owner may connect their own agent. */
export const AGENT_TUNNEL_DOOR: DoorMeta = Object.freeze({ kind: "route", action: "agent:connect", ownership: "self" });

const wss = new WebSocketServer({ noServer: true, maxPayload: TUNNEL_LIMITS.maxFrameBytes });

function refuse(socket: Duplex, status: string, message: string) {
  socket.end(
    `HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`,
  );
}

/** Handles one upgrade request on the tunnel path. */
export function agentUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
  const hub = agentHub({ credentialValid: agentCredentialExists });
  const header = request.headers.authorization ?? "";
  const token = /^Bearer ([A-Za-z0-9_-]{1,200})$/.exec(header)?.[1];
  if (!token)
    return refuse(socket, "401 Unauthorized", "Sign the agent in first (it starts the device sign-in itself).");
  findAgentCredential(token).then(
    (credential) => {
      const user = credential ? { id: credential.userId, role: parseRole(credential.role) } : null;
      if (!credential || decide(AGENT_TUNNEL_DOOR, user, user?.id) !== "allowed") {
        return refuse(socket, "401 Unauthorized", "This agent's sign-in is not valid any more (revoked?).");
      }
      wss.handleUpgrade(request, socket, head, (ws) => {
        void touchAgentCredential(credential.id).catch(() => undefined);
        const session = hub.accept({
          userId: credential.userId,
          userLabel: credential.hostname,
          credentialId: credential.id,
          socket: {
            send: (text) => {
              if (ws.readyState !== ws.OPEN) throw new Error("tunnel closed");
              ws.send(text);
            },
            close: (code, reason) => ws.close(code, reason),
          },
        });
        ws.on("message", (data: RawData, isBinary: boolean) => {
          if (isBinary) return ws.close(4002, "text frames only");
          session.onText(
            Buffer.isBuffer(data) ? data.toString("utf8") : Buffer.concat(data as Buffer[]).toString("utf8"),
          );
        });
        ws.on("close", () => session.onClose());
        ws.on("error", () => ws.terminate());
      });
    },
    (error: unknown) => {
      console.error("agent tunnel: credential lookup failed:", errorMessage(error));
      refuse(socket, "503 Service Unavailable", "Try again in a moment.");
    },
  );
}
