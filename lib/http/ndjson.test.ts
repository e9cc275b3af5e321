import { afterEach, describe, expect, it, vi } from "vitest";
import { ndjsonResponse, readNdjson } from "./ndjson";

type Event = { type: "tick"; n: number } | { type: "crash"; message: string };
const crash = { log: "test run failed", event: { type: "crash", message: "internal error" } as Event };

async function readAll(response: Response): Promise<Event[]> {
  const events: Event[] = [];
  for await (const event of readNdjson<Event>(response.body!)) events.push(event);
  return events;
}

afterEach(() => vi.restoreAllMocks());

describe("ndjsonResponse and readNdjson", () => {
  it("streams each event as one JSON line, in order, and the reader gets them back", async () => {
    const response = ndjsonResponse<Event>(async (emit) => {
      for (let n = 1; n <= 3; n += 1) {
        emit({ type: "tick", n });
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    }, crash);
    expect(response.headers.get("content-type")).toBe("application/x-ndjson; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.clone().text()).toBe('{"type":"tick","n":1}\n{"type":"tick","n":2}\n{"type":"tick","n":3}\n');
    expect(await readAll(response)).toEqual([1, 2, 3].map((n) => ({ type: "tick", n })));
  });

  it("ends a crashed run with the crash event and logs the message only", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const response = ndjsonResponse<Event>(async (emit) => {
      emit({ type: "tick", n: 1 });
      throw new Error("database is locked\n    at stack frame");
    }, crash);
    expect(await readAll(response)).toEqual([{ type: "tick", n: 1 }, crash.event]);
    expect(log).toHaveBeenCalledWith("test run failed:", "database is locked\n    at stack frame");
  });

  it("keeps running when the client goes away, and writes nothing more", async () => {
    let finished = false;
    let release!: () => void;
    const response = ndjsonResponse<Event>(async (emit) => {
      emit({ type: "tick", n: 1 });
      await new Promise<void>((resolve) => (release = resolve));
      emit({ type: "tick", n: 2 });
      finished = true;
    }, crash);
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('{"type":"tick","n":1}\n');
    await reader.cancel();
    release();
    await vi.waitFor(() => expect(finished).toBe(true));
  });

  it("reads lines split across chunks and a last line without a newline", async () => {
    const chunks = ['{"type":"ti', 'ck","n":1}\n{"type":"tick",', '"n":2}'];
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
        controller.close();
      },
    });
    const events: Event[] = [];
    for await (const event of readNdjson<Event>(body)) events.push(event);
    expect(events).toEqual([
      { type: "tick", n: 1 },
      { type: "tick", n: 2 },
    ]);
  });
});
