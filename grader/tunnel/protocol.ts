// The agent tunnel's wire format: JSON text frames over one WebSocket the learner's agent opens to the
// server. The server asks for port-level calls (the grader's ClusterPort, method by method); the agent
// answers each with the CallResult its local adapter produced, or refuses it. Both ends parse what they
// receive with these schemas: the server treats the agent's answers as hostile cluster data, the agent
// treats the server's requests as hostile orders.
import { z } from "zod";

/** Path of the tunnel's WebSocket on the server; outside the app's routes (scripts/server.ts serves it). */
export const TUNNEL_PATH = "/agent-tunnel";

/** Protocol version both ends speak; a mismatch closes the tunnel with a message that says which to update. */
export const TUNNEL_PROTOCOL = 1;

/** Limits of one tunnel (SECURITY.md, "The agent tunnel"). */
export const TUNNEL_LIMITS = {
  /** One frame either way; the agent's answers are the cluster's bounded answers (4 MiB) plus JSON quoting. */
  maxFrameBytes: 6 * 1024 * 1024,
  /** Calls in flight through one tunnel; more wait in the server's queue. */
  maxInFlight: 8,
  /** A call with no answer ends as a timeout (checks have their own, shorter, deadlines). */
  callTimeoutMs: 15_000,
  /** The server pings this often; the agent answers each. */
  heartbeatMs: 5_000,
  /** Missed heartbeats before either end gives up on the other. */
  missedHeartbeats: 2,
} as const;

const name = z.string().min(1).max(253);
const ZObjectRefSchema = z.strictObject({
  apiVersion: z.string().min(1).max(253),
  kind: z.string().min(1).max(63),
  name,
  namespace: name.optional(),
});
const ZKubeObjectSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: z.looseObject({ name: z.string().optional(), namespace: z.string().optional() }).optional(),
});

/** One port call, as the server asks for it. */
export const ZTunnelCallSchema = z.discriminatedUnion("method", [
  z.strictObject({ method: z.literal("version") }),
  z.strictObject({ method: z.literal("readNamespace"), name }),
  z.strictObject({ method: z.literal("readPod"), namespace: name, name }),
  z.strictObject({ method: z.literal("readObject"), ref: ZObjectRefSchema }),
  z.strictObject({
    method: z.literal("listObjects"),
    args: z.strictObject({
      apiVersion: z.string().min(1).max(253),
      kind: z.string().min(1).max(63),
      namespace: name,
      labelSelector: z.string().max(1000).optional(),
      limit: z.number().int().min(1).max(1000),
    }),
  }),
  z.strictObject({
    method: z.literal("readLogs"),
    args: z.strictObject({ namespace: name, pod: name, container: name, previous: z.boolean() }),
  }),
  z.strictObject({
    method: z.literal("exec"),
    args: z.strictObject({
      namespace: name,
      pod: name,
      container: name,
      command: z.array(z.string().max(4096)).min(1).max(64),
      timeoutMs: z.number().int().min(1).max(60_000),
    }),
  }),
  z.strictObject({
    method: z.literal("create"),
    manifest: ZKubeObjectSchema,
    target: z.strictObject({ namespace: name, dryRun: z.boolean().optional() }),
  }),
  z.strictObject({
    method: z.literal("addEphemeralContainer"),
    args: z.strictObject({
      namespace: name,
      pod: name,
      container: z.record(z.string(), z.unknown()),
      dryRun: z.boolean(),
    }),
  }),
  z.strictObject({ method: z.literal("delete"), ref: ZObjectRefSchema }),
  z.strictObject({
    method: z.literal("reviewAccess"),
    request: z.strictObject({
      verb: z.string().min(1).max(63),
      group: z.string().max(253),
      resource: z.string().min(1).max(253),
      subresource: z.string().max(63).optional(),
      namespace: name.optional(),
      name: name.optional(),
    }),
  }),
  z.strictObject({
    method: z.literal("reviewSubjectAccess"),
    request: z.strictObject({
      verb: z.string().min(1).max(63),
      group: z.string().max(253),
      resource: z.string().min(1).max(253),
      subresource: z.string().max(63).optional(),
      // "" asks about every namespace (kubectl auth can-i -A).
      namespace: z.string().max(253).optional(),
      name: name.optional(),
      user: z.string().min(1).max(320),
      groups: z.array(z.string().min(1).max(253)).max(16),
    }),
  }),
]);
export type TTunnelCall = z.infer<typeof ZTunnelCallSchema>;

const ZFailureSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("unreachable"), message: z.string() }),
  z.strictObject({ kind: z.literal("unauthorized"), message: z.string() }),
  z.strictObject({
    kind: z.literal("forbidden"),
    verb: z.string(),
    resource: z.string(),
    namespace: z.string().optional(),
    message: z.string(),
  }),
  z.strictObject({ kind: z.literal("not-found"), message: z.string() }),
  z.strictObject({ kind: z.literal("rejected"), code: z.number(), reason: z.string(), message: z.string() }),
  z.strictObject({ kind: z.literal("conflict"), message: z.string() }),
  z.strictObject({ kind: z.literal("timeout"), message: z.string() }),
  z.strictObject({ kind: z.literal("exec-not-started"), message: z.string() }),
  z.strictObject({ kind: z.literal("refused"), message: z.string() }),
  z.strictObject({ kind: z.literal("disconnected"), message: z.string() }),
  z.strictObject({ kind: z.literal("unexpected"), code: z.number().optional(), message: z.string() }),
]);

/** What the agent answers for one call: the port's CallResult, or its refusal (off the allow-list). */
export const ZCallAnswerSchema = z.union([
  z.strictObject({ ok: z.literal(true), value: z.unknown() }),
  z.strictObject({ ok: z.literal(false), failure: ZFailureSchema }),
]);

/** Frames the server sends. */
export const ZServerFrameSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("welcome"),
    protocol: z.number().int(),
    heartbeatMs: z.number().int().min(100).max(600_000),
    user: z.string().max(320),
  }),
  z.strictObject({ type: z.literal("call"), id: z.number().int().nonnegative(), call: ZTunnelCallSchema }),
  z.strictObject({ type: z.literal("cancel"), id: z.number().int().nonnegative() }),
  z.strictObject({ type: z.literal("ping"), at: z.number() }),
  /** Why the server is about to close: replaced by another agent of the same learner, revoked, ... */
  z.strictObject({
    type: z.literal("goodbye"),
    reason: z.enum(["replaced", "revoked", "disconnected", "protocol", "shutdown"]),
    message: z.string().max(500),
  }),
]);
export type TServerFrame = z.infer<typeof ZServerFrameSchema>;

/** Frames the agent sends. */
export const ZAgentFrameSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("hello"),
    protocol: z.number().int(),
    hostname: z.string().min(1).max(253),
    context: z.string().max(253).nullable(),
    kubernetesVersion: z.string().max(64).nullable(),
    agentVersion: z.string().max(64),
  }),
  z.strictObject({ type: z.literal("answer"), id: z.number().int().nonnegative(), answer: ZCallAnswerSchema }),
  z.strictObject({ type: z.literal("pong"), at: z.number() }),
]);
export type TAgentFrame = z.infer<typeof ZAgentFrameSchema>;

/** Parses one text frame with `schema`; null for anything that is not valid JSON of that shape. */
export function parseFrame<T>(schema: z.ZodType<T>, text: string): T | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : null;
}
