import { z } from "zod";

/**
 * The numbers that bound every request the grader sends to a cluster. Defaults are sized for a kind cluster on a
 * laptop or a classroom network: a pod or an API resource list is tens of KB, a log read asks for 64 KiB, an exec
 * probe prints a line; anything far beyond is an API server misbehaving, and is refused rather than read.
 */
export const ZOutboundLimitsSchema = z.strictObject({
  /** Whole request, from asking for a socket to the last byte of the body. */
  callTimeoutMs: z.number().int().positive().max(300_000),
  /** From sending the request to the end of the response headers. */
  headersTimeoutMs: z.number().int().positive().max(300_000),
  /** Longest silence between two chunks of a response body. */
  bodyIdleTimeoutMs: z.number().int().positive().max(300_000),
  /** Waiting for a connection slot, plus TCP connect and the TLS handshake. */
  connectTimeoutMs: z.number().int().positive().max(60_000),
  /** One DNS resolution (all tries, both address families). */
  dnsTimeoutMs: z.number().int().positive().max(60_000),
  /** Largest response body read (JSON, logs and an exec's total output alike); counted while reading. */
  maxResponseBytes: z
    .number()
    .int()
    .positive()
    .max(64 * 1024 * 1024),
  /** Largest single WebSocket message (an exec frame). */
  maxMessageBytes: z
    .number()
    .int()
    .positive()
    .max(16 * 1024 * 1024),
  /** Sockets one learner may have open to their cluster at once, across all their runs in this process. */
  maxConnectionsPerLearner: z.number().int().positive().max(256),
  /** Of those, how many one connection's HTTP pool may keep (the rest stay free for exec WebSockets). */
  maxHttpConnections: z.number().int().positive().max(256),
});
export type TOutboundLimits = z.infer<typeof ZOutboundLimitsSchema>;

/** The limits every cluster connection gets unless a caller (a test) narrows them. */
export const DEFAULT_OUTBOUND_LIMITS: TOutboundLimits = {
  callTimeoutMs: 10_000,
  headersTimeoutMs: 8_000,
  bodyIdleTimeoutMs: 5_000,
  connectTimeoutMs: 5_000,
  dnsTimeoutMs: 3_000,
  maxResponseBytes: 4 * 1024 * 1024,
  maxMessageBytes: 1024 * 1024,
  maxConnectionsPerLearner: 8,
  maxHttpConnections: 4,
};

/** Formats a byte count for messages: "4 MiB", "64 KiB". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
