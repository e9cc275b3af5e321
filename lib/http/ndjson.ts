// The streaming routes (pressing Check, an instructor's self-test) answer with NDJSON: one JSON event
// per line, written as it happens. The writer and the reader live together so the two sides agree.
import { errorMessage } from "@/lib/errors/error-message";

/**
 * Answers with the events `run` emits, one JSON line each, and closes the stream when `run` settles.
 * The run goes on when the client goes away (a grading run still stores its attempt). A run that
 * throws is logged under `crash.log` (the error's message only, never request data) and the stream
 * ends with `crash.event`.
 */
export function ndjsonResponse<E>(
  run: (emit: (event: E) => void) => Promise<void>,
  crash: { log: string; event: E },
): Response {
  const encoder = new TextEncoder();
  let open = true;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const emit = (event: E) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(`${JSON.stringify(event)}\n`));
        } catch {
          open = false;
        }
      };
      void run(emit)
        .catch((error: unknown) => {
          console.error(`${crash.log}:`, errorMessage(error));
          emit(crash.event);
        })
        .finally(() => {
          if (open) controller.close();
          open = false;
        });
    },
    cancel() {
      open = false;
    },
  });
  return new Response(stream, {
    headers: { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store" },
  });
}

/** Yields each JSON line of a streamed NDJSON body as it arrives (the browser's and the load test's reader). */
export async function* readNdjson<T>(body: ReadableStream<Uint8Array>): AsyncGenerator<T> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const lines = function* (final: boolean) {
    let newline: number;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      if (line) yield JSON.parse(line) as T;
    }
    if (final && buffer.trim()) yield JSON.parse(buffer.trim()) as T;
  };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    yield* lines(false);
  }
  buffer += decoder.decode();
  yield* lines(true);
}
