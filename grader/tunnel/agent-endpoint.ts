// The agent's end of the tunnel: it receives the server's frames, performs each allowed call on the
// learner's cluster through the local adapter (the same bounded client-node adapter the server uses),
// refuses the rest, and prints one line per call so the learner sees what the server did.
import type { CallResult, ClusterPort } from "../port";
import { describeCall, refusalOf, type AllowList } from "./allow-list";
import { TUNNEL_LIMITS, type TAgentFrame, type TServerFrame, type TTunnelCall } from "./protocol";

export type AgentEndpointOptions = {
  /** The learner's cluster, through the local kubeconfig. */
  cluster: ClusterPort;
  allowList: AllowList;
  send: (frame: TAgentFrame) => void;
  /** One line per call (the console). */
  log: (line: string) => void;
  maxInFlight?: number;
};

export type AgentEndpoint = {
  /** Handles one parsed frame from the server. */
  handle(frame: TServerFrame): void;
  /** The tunnel closed: every call in flight is aborted (the cluster stops being read). */
  abortAll(): void;
};

function perform(cluster: ClusterPort, call: TTunnelCall, signal: AbortSignal): Promise<CallResult<unknown>> {
  const o = { signal };
  switch (call.method) {
    case "version":
      return cluster.version(o);
    case "readNamespace":
      return cluster.readNamespace(call.name, o);
    case "readPod":
      return cluster.readPod(call.namespace, call.name, o);
    case "readObject":
      return cluster.readObject(call.ref, o);
    case "listObjects":
      return cluster.listObjects(call.args, o);
    case "readLogs":
      return cluster.readLogs(call.args, o);
    case "exec":
      return cluster.exec(call.args, o);
    case "create":
      return cluster.create(call.manifest, call.target, o);
    case "addEphemeralContainer":
      return cluster.addEphemeralContainer(call.args, o);
    case "delete":
      return cluster.delete(call.ref, o);
    case "reviewAccess":
      return cluster.reviewAccess(call.request, o);
    case "reviewSubjectAccess":
      return cluster.reviewSubjectAccess(call.request, o);
  }
}

function outcomeOf(result: CallResult<unknown>): string {
  if (result.ok) return "ok";
  return result.failure.kind;
}

/** Builds the agent's request handler for one connection. */
export function createAgentEndpoint({
  cluster,
  allowList,
  send,
  log,
  maxInFlight = TUNNEL_LIMITS.maxInFlight,
}: AgentEndpointOptions): AgentEndpoint {
  const running = new Map<number, AbortController>();

  const answer = (id: number, result: CallResult<unknown>) => {
    try {
      send({ type: "answer", id, answer: result });
    } catch {
      // The tunnel closed under us; the server already counts the call as disconnected.
    }
  };

  return {
    handle(frame) {
      if (frame.type === "ping") return send({ type: "pong", at: frame.at });
      if (frame.type === "cancel") return running.get(frame.id)?.abort();
      if (frame.type !== "call") return;
      const { id, call } = frame;
      const what = describeCall(call);
      const refusal = refusalOf(allowList, call);
      if (refusal) {
        log(`refused  ${what}: ${refusal}`);
        return answer(id, {
          ok: false,
          failure: { kind: "refused", message: `the agent refused ${what}: ${refusal}` },
        });
      }
      if (running.size >= maxInFlight || running.has(id)) {
        log(`refused  ${what}: more than ${maxInFlight} requests at once`);
        return answer(id, {
          ok: false,
          failure: { kind: "refused", message: `the agent refused ${what}: more than ${maxInFlight} requests at once` },
        });
      }
      const controller = new AbortController();
      running.set(id, controller);
      const started = performance.now();
      void perform(cluster, call, controller.signal)
        .catch((error: unknown) => ({
          ok: false as const,
          failure: { kind: "unexpected" as const, message: error instanceof Error ? error.message : String(error) },
        }))
        .then((result) => {
          running.delete(id);
          const ms = Math.round(performance.now() - started);
          log(`allowed  ${what} -> ${controller.signal.aborted ? "cancelled" : outcomeOf(result)} (${ms} ms)`);
          if (!controller.signal.aborted) answer(id, result);
        });
    },
    abortAll() {
      for (const controller of running.values()) controller.abort();
      running.clear();
    },
  };
}
