import type http from "node:http";
import type { Duplex } from "node:stream";
import { errorMessage } from "@/lib/errors/error-message";
import type { TStatus } from "../k8s-status";

/** Whether the client asked for server-side printing (`kubectl get` does). */
export function wantsTable(request: http.IncomingMessage): boolean {
  return /as=Table/.test(request.headers.accept ?? "");
}

/** Sends a JSON body; warnings become `Warning: 299` headers, which kubectl prints as `Warning: ...`. */
export function sendJson(response: http.ServerResponse, code: number, body: unknown, warnings: string[] = []): void {
  const text = JSON.stringify(body);
  const headers: http.OutgoingHttpHeaders = {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-cache, private",
  };
  if (warnings.length > 0) headers.Warning = warnings.map((warning) => `299 - ${JSON.stringify(warning)}`);
  response.writeHead(code, headers);
  response.end(text);
}

/** Sends a metav1.Status with its own code. */
export function sendStatus(response: http.ServerResponse, status: TStatus): void {
  sendJson(response, status.code, status);
}

/** A 500 Status for an unexpected failure, worded as the API server's InternalError. */
export function internalError(error: unknown): TStatus {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: `Internal error occurred: ${errorMessage(error)}`,
    reason: "InternalError",
    code: 500,
  };
}

const reasonPhrases: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
};

/** Refuses a WebSocket upgrade with a Status body on the raw socket, as the API server does before upgrading. */
export function rejectUpgrade(socket: Duplex, status: TStatus): void {
  const body = JSON.stringify(status);
  const text = reasonPhrases[status.code] ?? "Internal Server Error";
  socket.end(
    `HTTP/1.1 ${status.code} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
