// The server's end of an agent tunnel as a ClusterPort: each port call becomes a "call" frame, and the
// agent's "answer" frame becomes the call's result. The grader does not know the difference. What the
// agent answers is treated like anything a cluster says: parsed, shaped, bounded by the frame limit.
import { z } from "zod";
import type { CallOptions, CallResult, ClusterFailure, ClusterPort } from "../port";
import { TUNNEL_LIMITS, ZCallAnswerSchema, ZTunnelCallSchema, type TServerFrame, type TTunnelCall } from "./protocol";

/** How the tunnel reaches its agent: sends one frame (the caller serialises and writes it). */
export type TunnelLink = { send: (frame: TServerFrame) => void };

/** The port plus the two things the WebSocket side drives: answers as they arrive, and the end. */
export type TunnelCluster = {
  readonly cluster: ClusterPort;
  /** Delivers the agent's answer frame for call `id` (unknown or late ids are ignored). */
  receive(id: number, answer: unknown): void;
  /** The agent is gone: every call in flight or queued, and every later call, ends as `disconnected`. */
  close(message: string): void;
  /** Calls in flight now (at most `maxInFlight`). */
  inFlight(): number;
};

export type TunnelClusterOptions = {
  link: TunnelLink;
  /** What the grader shows as the cluster's address: never an address, the agent's description. */
  server: string;
  context: string | null;
  limits?: Partial<Pick<typeof TUNNEL_LIMITS, "maxInFlight" | "callTimeoutMs">>;
};

const ZGitVersionSchema = z.looseObject({ gitVersion: z.string() });
const ZObjectSchema = z.looseObject({});
const ZListSchema = z.strictObject({ items: z.array(z.looseObject({})), truncated: z.boolean() });
const ZExecOutputSchema = z.strictObject({ exitCode: z.number().int(), stdout: z.string(), stderr: z.string() });
const ZDecisionSchema = z.strictObject({ allowed: z.boolean(), reason: z.string().nullable() });

// What each method's value must look like; the grader's checks validate further (pods with ZPodSchema).
const VALUE_SCHEMAS: Record<TTunnelCall["method"], z.ZodType> = {
  version: ZGitVersionSchema,
  readNamespace: ZObjectSchema,
  readPod: ZObjectSchema,
  readObject: ZObjectSchema,
  listObjects: ZListSchema,
  readLogs: z.string(),
  exec: ZExecOutputSchema,
  create: ZObjectSchema,
  addEphemeralContainer: ZObjectSchema,
  delete: z.null(),
  reviewAccess: ZDecisionSchema,
  reviewSubjectAccess: ZDecisionSchema,
};

type Pending = { method: TTunnelCall["method"]; finish: (result: CallResult<unknown>) => void };

/** Builds the port over one agent's tunnel. */
export function createTunnelCluster({ link, server, context, limits = {} }: TunnelClusterOptions): TunnelCluster {
  const maxInFlight = limits.maxInFlight ?? TUNNEL_LIMITS.maxInFlight;
  const callTimeoutMs = limits.callTimeoutMs ?? TUNNEL_LIMITS.callTimeoutMs;
  const pending = new Map<number, Pending>();
  const queue: (() => void)[] = [];
  let nextId = 1;
  let closedWith: string | null = null;

  const disconnected = (): ClusterFailure => ({ kind: "disconnected", message: closedWith ?? "agent disconnected" });

  function call<T>(request: TTunnelCall, options?: CallOptions): Promise<CallResult<T>> {
    return new Promise<CallResult<unknown>>((resolve) => {
      if (closedWith !== null) return resolve({ ok: false, failure: disconnected() });
      // The agent drops a frame it cannot parse, so a call the protocol cannot carry would only time out:
      // say at once which field the tunnel refuses.
      const carried = ZTunnelCallSchema.safeParse(request);
      if (!carried.success) {
        const issue = carried.error.issues[0];
        const where = issue?.path.join(".") || request.method;
        return resolve({
          ok: false,
          failure: {
            kind: "refused",
            message: `the agent tunnel cannot carry this ${request.method} (${where}: ${issue?.message ?? "invalid"})`,
          },
        });
      }
      const signal = options?.signal;
      if (signal?.aborted) return resolve({ ok: false, failure: { kind: "timeout", message: "call aborted" } });
      let id: number | null = null;
      let timer: NodeJS.Timeout | undefined;
      let done = false;
      const finish = (result: CallResult<unknown>) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        if (id !== null) {
          pending.delete(id);
          queue.shift()?.();
        } else {
          const waiting = queue.indexOf(start);
          if (waiting >= 0) queue.splice(waiting, 1);
        }
        resolve(result);
      };
      const onAbort = () => {
        // The agent stops the request on its side too: nothing keeps reading a cluster for a finished check.
        if (id !== null && closedWith === null) link.send({ type: "cancel", id });
        finish({ ok: false, failure: { kind: "timeout", message: "call aborted" } });
      };
      const start = () => {
        if (done) return;
        if (closedWith !== null) return finish({ ok: false, failure: disconnected() });
        id = nextId++;
        pending.set(id, { method: request.method, finish });
        timer = setTimeout(() => {
          if (id !== null && closedWith === null) link.send({ type: "cancel", id });
          finish({
            ok: false,
            failure: { kind: "timeout", message: `the agent did not answer in ${callTimeoutMs} ms` },
          });
        }, callTimeoutMs);
        try {
          link.send({ type: "call", id, call: request });
        } catch {
          finish({ ok: false, failure: disconnected() });
        }
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      if (pending.size < maxInFlight) start();
      else queue.push(start);
    }) as Promise<CallResult<T>>;
  }

  const cluster: ClusterPort = {
    server,
    context,
    version: (o) => call({ method: "version" }, o),
    readNamespace: (name, o) => call({ method: "readNamespace", name }, o),
    readPod: (namespace, name, o) => call({ method: "readPod", namespace, name }, o),
    readObject: (ref, o) => call({ method: "readObject", ref }, o),
    listObjects: (args, o) => call({ method: "listObjects", args }, o),
    readLogs: (args, o) => call({ method: "readLogs", args }, o),
    exec: (args, o) => call({ method: "exec", args }, o),
    create: (manifest, target, o) => call({ method: "create", manifest, target }, o),
    addEphemeralContainer: (args, o) => call({ method: "addEphemeralContainer", args }, o),
    delete: (ref, o) => call({ method: "delete", ref }, o),
    reviewAccess: (request, o) => call({ method: "reviewAccess", request }, o),
    // Not carried by tunnel protocol 1: a check that needs them ends as an error through an agent, never a pass.
    patch: async () => ({
      ok: false,
      failure: { kind: "refused", message: "patch is not carried by the agent tunnel" },
    }),
    reviewSubjectAccess: (request, o) => call({ method: "reviewSubjectAccess", request }, o),
  };

  return {
    cluster,
    receive(id, answer) {
      const waiting = pending.get(id);
      if (!waiting) return;
      const parsed = ZCallAnswerSchema.safeParse(answer);
      if (!parsed.success) {
        return waiting.finish({
          ok: false,
          failure: { kind: "unexpected", message: "the agent answered in a shape the server does not accept" },
        });
      }
      if (!parsed.data.ok) return waiting.finish({ ok: false, failure: parsed.data.failure });
      const value = VALUE_SCHEMAS[waiting.method].safeParse(parsed.data.value);
      waiting.finish(
        value.success
          ? { ok: true, value: value.data }
          : {
              ok: false,
              failure: { kind: "unexpected", message: `the agent's ${waiting.method} answer is malformed` },
            },
      );
    },
    close(message) {
      if (closedWith !== null) return;
      closedWith = message;
      for (const start of queue.splice(0)) start();
      for (const waiting of [...pending.values()]) waiting.finish({ ok: false, failure: disconnected() });
    },
    inFlight: () => pending.size,
  };
}
