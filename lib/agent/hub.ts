// The agents connected to this server, one per learner: each holds a tunnel (grader's createTunnelCluster)
// that grading uses as the learner's cluster. Framework-free: scripts/agent-upgrade.ts binds a WebSocket
// to `accept`, and routes read `agentFor`. Kept on globalThis because the custom server and Next's bundled
// routes load this module separately in one process, and must see the same agents.
import {
  clusterText,
  createTunnelCluster,
  parseFrame,
  TUNNEL_LIMITS,
  TUNNEL_PROTOCOL,
  ZAgentFrameSchema,
  type ClusterPort,
  type TAgentFrame,
  type TServerFrame,
  type TunnelCluster,
} from "@/grader";

/** The WebSocket as the hub needs it (scripts/agent-upgrade.ts adapts `ws`). */
export type TunnelSocket = {
  send: (text: string) => void;
  close: (code: number, reason: string) => void;
};

/** What the Cluster page and the lab panel show about a connected agent (no credentials). */
export type AgentSummary = {
  credentialId: string;
  hostname: string;
  context: string | null;
  kubernetesVersion: string | null;
  agentVersion: string;
  connectedAt: string;
  lastHeartbeatAt: string;
};

type LiveAgent = AgentSummary & { userId: string; tunnel: TunnelCluster; socket: TunnelSocket; stop: () => void };

/** Close codes the agent reads (4000-4999 are the application's). */
export const CLOSE_CODES = { replaced: 4001, revoked: 4003, protocol: 4002, heartbeat: 4008, disconnected: 4000 };

export type HubOptions = {
  heartbeatMs?: number;
  /** Asked at each heartbeat: false ends the tunnel as revoked (a credential deleted elsewhere). */
  credentialValid?: (credentialId: string) => Promise<boolean>;
  /** How long an agent may take to say hello. */
  helloMs?: number;
  now?: () => Date;
};

/** Builds a hub; the process-wide one is `agentHub()`. */
export function createAgentHub({
  heartbeatMs = TUNNEL_LIMITS.heartbeatMs,
  credentialValid = async () => true,
  helloMs = 10_000,
  now = () => new Date(),
}: HubOptions = {}) {
  const live = new Map<string, LiveAgent>();

  const sendFrame = (socket: TunnelSocket, frame: TServerFrame) => socket.send(JSON.stringify(frame));

  function end(agent: LiveAgent, reason: keyof typeof CLOSE_CODES, message: string) {
    if (live.get(agent.userId) === agent) live.delete(agent.userId);
    agent.stop();
    agent.tunnel.close(message);
    if (reason !== "heartbeat" && reason !== "protocol") {
      try {
        sendFrame(agent.socket, { type: "goodbye", reason, message });
      } catch {
        // Already closed.
      }
    }
    agent.socket.close(CLOSE_CODES[reason], reason);
  }

  return {
    /**
     * Takes a WebSocket whose bearer credential the door accepted for `userId`. Returns what the binding
     * calls with each text frame and at close. The agent must say hello first; a second agent of the same
     * learner replaces the first, which is told so.
     */
    accept(args: { userId: string; userLabel: string; credentialId: string; socket: TunnelSocket }) {
      const { userId, credentialId, socket } = args;
      let agent: LiveAgent | null = null;
      let closed = false;
      const helloTimer = setTimeout(() => {
        if (!agent && !closed) socket.close(CLOSE_CODES.protocol, "no hello");
      }, helloMs);
      sendFrame(socket, { type: "welcome", protocol: TUNNEL_PROTOCOL, heartbeatMs, user: args.userLabel });

      const start = (hello: NonNullable<ReturnType<typeof parseHello>>) => {
        clearTimeout(helloTimer);
        const previous = live.get(userId);
        if (previous) end(previous, "replaced", `Replaced by the agent on ${hello.hostname}.`);
        const at = now().toISOString();
        let lastPong = Date.now();
        const tunnel = createTunnelCluster({
          link: { send: (frame) => sendFrame(socket, frame) },
          server: `agent on ${hello.hostname}`,
          context: hello.context,
        });
        const timer = setInterval(() => {
          if (!agent) return;
          if (Date.now() - lastPong > heartbeatMs * TUNNEL_LIMITS.missedHeartbeats + heartbeatMs / 2) {
            return end(agent, "heartbeat", `the agent on ${hello.hostname} stopped answering`);
          }
          const current = agent;
          credentialValid(credentialId).then(
            (valid) => {
              if (!valid && live.get(userId) === current) end(current, "revoked", "This agent's sign-in was revoked.");
            },
            () => undefined,
          );
          try {
            sendFrame(socket, { type: "ping", at: Date.now() });
          } catch {
            end(current, "disconnected", `the agent on ${hello.hostname} disconnected`);
          }
        }, heartbeatMs);
        agent = {
          ...hello,
          credentialId,
          connectedAt: at,
          lastHeartbeatAt: at,
          userId,
          tunnel,
          socket,
          stop: () => clearInterval(timer),
        };
        const self = agent;
        live.set(userId, agent);
        return (pong: boolean) => {
          if (!pong) return;
          lastPong = Date.now();
          self.lastHeartbeatAt = now().toISOString();
        };
      };
      let onPong: ((pong: boolean) => void) | null = null;

      return {
        onText(text: string) {
          const frame = parseFrame(ZAgentFrameSchema, text);
          if (!frame) {
            if (agent) return end(agent, "protocol", "the agent sent a frame the server does not accept");
            return socket.close(CLOSE_CODES.protocol, "bad frame");
          }
          if (!agent) {
            const hello = parseHello(frame);
            if (!hello) return socket.close(CLOSE_CODES.protocol, "expected hello");
            if (frame.type === "hello" && frame.protocol !== TUNNEL_PROTOCOL) {
              sendFrame(socket, {
                type: "goodbye",
                reason: "protocol",
                message: `This server speaks agent protocol ${TUNNEL_PROTOCOL}; update cks-lab-agent to the server's version.`,
              });
              return socket.close(CLOSE_CODES.protocol, "protocol version");
            }
            onPong = start(hello);
            return;
          }
          if (frame.type === "pong") return onPong?.(true);
          if (frame.type === "answer") return agent.tunnel.receive(frame.id, frame.answer);
        },
        onClose() {
          closed = true;
          clearTimeout(helloTimer);
          if (agent) end(agent, "disconnected", `the agent on ${agent.hostname} disconnected`);
        },
      };
    },

    /** The learner's connected agent as a cluster for the grader, with what to show for it; null when none. */
    agentFor(userId: string): { cluster: ClusterPort; summary: AgentSummary } | null {
      const agent = live.get(userId);
      return agent ? { cluster: agent.tunnel.cluster, summary: summaryOf(agent) } : null;
    },

    /** The learner's connected agent, for display; null when none. */
    summaryFor(userId: string): AgentSummary | null {
      const agent = live.get(userId);
      return agent ? summaryOf(agent) : null;
    },

    /** Ends the learner's tunnel (Disconnect, or its credential revoked); true when one was connected. */
    disconnect(userId: string, reason: "revoked" | "disconnected", message: string): boolean {
      const agent = live.get(userId);
      if (!agent) return false;
      end(agent, reason, message);
      return true;
    },

    /** Agents connected now. */
    count: () => live.size,
  };
}

function parseHello(h: TAgentFrame) {
  if (h.type !== "hello") return null;
  // The agent's words are shown on pages: bounded and stripped of control characters like a cluster's.
  return {
    hostname: clusterText(h.hostname, 64),
    context: h.context === null ? null : clusterText(h.context, 128),
    kubernetesVersion: h.kubernetesVersion === null ? null : clusterText(h.kubernetesVersion, 64),
    agentVersion: clusterText(h.agentVersion, 64),
  };
}

function summaryOf(agent: LiveAgent): AgentSummary {
  const { credentialId, hostname, context, kubernetesVersion, agentVersion, connectedAt, lastHeartbeatAt } = agent;
  return { credentialId, hostname, context, kubernetesVersion, agentVersion, connectedAt, lastHeartbeatAt };
}

/** How the lab panel names the cluster behind an agent: "agent on <host>, Kubernetes <version>, connected since <time> UTC". */
export function agentLabel(summary: AgentSummary): string {
  const since = `${summary.connectedAt.slice(0, 16).replace("T", " ")} UTC`;
  const version = summary.kubernetesVersion ? `, Kubernetes ${summary.kubernetesVersion}` : "";
  return `agent on ${summary.hostname}${version}, connected since ${since}`;
}

/** The hub type. */
export type AgentHub = ReturnType<typeof createAgentHub>;

const globalForHub = globalThis as unknown as { cksAgentHub?: AgentHub };

/** The process-wide hub; `options` apply to the first call only (the server passes the credential check). */
export function agentHub(options?: HubOptions): AgentHub {
  globalForHub.cksAgentHub ??= createAgentHub(options);
  return globalForHub.cksAgentHub;
}
