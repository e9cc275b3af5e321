import { clusterText } from "../cluster-text";
import type { ClusterFailure } from "../port";

/** What the adapter was doing, so a 403 can name the missing permission even when the message cannot. */
export type CallIntent = { verb: string; resource: string; namespace?: string; name?: string; create?: boolean };

/** Longest message kept from a cluster's Status (or an error) before it reaches a check result. */
export const FAILURE_MESSAGE_MAX = 1000;

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
  "ECONNRESET",
  "EAI_AGAIN",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_SOCKET",
  "EPIPE",
]);

/** A Kubernetes `Status` body, as far as the grader reads it. */
type StatusBody = { message?: string; reason?: string; code?: number };

/** Maps anything client-node throws (ApiException, fetch and WebSocket errors) to a ClusterFailure. */
export function classifyError(error: unknown, intent: CallIntent): ClusterFailure {
  const code = httpCode(error);
  if (code === undefined) {
    const network = networkCode(error);
    const text = errorText(error);
    if (network || /fetch failed|socket hang up|connect/i.test(text)) {
      return { kind: "unreachable", message: network ? `${network}: ${text}` : text };
    }
    return { kind: "unexpected", message: text };
  }
  return classifyResponse(code, (error as { body?: unknown }).body, intent, errorText(error));
}

/**
 * Maps an HTTP error answer (status code and body) to a ClusterFailure. Only a Kubernetes Status body is
 * believed for its message, and that message is bounded and stripped of control characters.
 */
export function classifyResponse(code: number, body: unknown, intent: CallIntent, fallback?: string): ClusterFailure {
  const status = statusBody(body);
  const message = clusterText(status.message ?? fallback ?? `HTTP ${code}`, FAILURE_MESSAGE_MAX);
  const reason = status.reason === undefined ? undefined : clusterText(status.reason, 100);
  switch (code) {
    case 401:
      return { kind: "unauthorized", message };
    case 403: {
      const rbac = /cannot (\S+) resource "([^"]+)"(?: in API group "[^"]*")?(?: in the namespace "([^"]+)")?/.exec(
        message,
      );
      if (rbac) {
        return {
          kind: "forbidden",
          verb: rbac[1] ?? intent.verb,
          resource: rbac[2] ?? intent.resource,
          ...namespaceOf(rbac[3] ?? intent.namespace),
          message,
        };
      }
      // On create, a 403 that is not RBAC's wording comes from admission (Pod Security, a policy, a webhook).
      if (intent.create && status.message) return { kind: "rejected", code, reason: reason ?? "Forbidden", message };
      return {
        kind: "forbidden",
        verb: intent.verb,
        resource: intent.resource,
        ...namespaceOf(intent.namespace),
        message,
      };
    }
    case 404:
      return { kind: "not-found", message };
    case 409:
      return { kind: "conflict", message };
    case 400:
    case 422:
      return intent.create
        ? { kind: "rejected", code, reason: reason ?? (code === 422 ? "Invalid" : "BadRequest"), message }
        : { kind: "unexpected", code, message };
    case 408:
    case 504:
      return { kind: "timeout", message };
    default:
      return { kind: "unexpected", code, message };
  }
}

function namespaceOf(namespace: string | undefined): { namespace?: string } {
  return namespace ? { namespace } : {};
}

function httpCode(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "number" && code >= 100 && code < 600) return code;
  // The WebSocket upgrade (exec) fails with "Unexpected server response: 403".
  const match = /Unexpected server response: (\d{3})/.exec(errorText(error));
  return match ? Number(match[1]) : undefined;
}

function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && NETWORK_CODES.has(code)) return code;
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0) current = errors[0];
    else current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

// Only a Kubernetes metav1.Status body is trusted for its message: echoing arbitrary response bodies
// would let whoever controls the server URL read other services through ours.
function statusBody(body: unknown): StatusBody {
  if (Buffer.isBuffer(body)) body = body.toString("utf8");
  let parsed: unknown = body;
  if (typeof body === "string") {
    try {
      parsed = JSON.parse(body);
    } catch {
      return {};
    }
  }
  if (typeof parsed !== "object" || parsed === null || (parsed as { kind?: unknown }).kind !== "Status") return {};
  const { message, reason } = parsed as { message?: unknown; reason?: unknown };
  return {
    ...(typeof message === "string" ? { message } : {}),
    ...(typeof reason === "string" ? { reason } : {}),
  };
}

function errorText(error: unknown): string {
  // WebSocket failures arrive as ws ErrorEvents: not Errors, but they carry a message.
  const message = typeof error === "object" && error !== null ? (error as { message?: unknown }).message : undefined;
  if (typeof message === "string") return clusterText(message.split("\n")[0] ?? "error", 300);
  return clusterText(String(error), 300);
}
