import type http from "node:http";
import { apiVersionOf, type TKind } from "../registry/kind";
import type { Registry } from "../registry/registry";
import type { TWatchEvent } from "../registry/object-store";
import type { TKubeObject } from "../types";
import { sendJson, wantsTable } from "./responses";
import { selectorMatcher } from "./selectors";
import { toTable } from "./table";

/**
 * Streams watch events of one kind as newline-delimited JSON: from `resourceVersion` (410 Expired when it
 * is older than the history), or the current objects first (with the initial-events bookmark when asked).
 */
export function watch(
  request: http.IncomingMessage,
  response: http.ServerResponse,
  options: {
    registry: Registry;
    kind: TKind;
    namespace: string;
    query: URLSearchParams;
    streams: Set<http.ServerResponse>;
  },
): void {
  const { registry, kind, namespace, query, streams } = options;
  const store = registry.store;
  const apiVersion = apiVersionOf(kind);
  const selected = selectorMatcher(query);
  const table = wantsTable(request);
  const includeObject = query.get("includeObject") ?? "";
  const matches = (event: TWatchEvent) =>
    event.resource === kind.resource &&
    (!kind.namespaced || namespace === "" || event.namespace === namespace) &&
    selected(event.object);
  const rvParam = query.get("resourceVersion");
  const from = rvParam && rvParam !== "0" ? Number(rvParam) : undefined;
  if (from !== undefined && from < store.oldestWatchable - 1) {
    sendJson(response, 410, {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: `too old resource version: ${from} (${store.oldestWatchable})`,
      reason: "Expired",
      code: 410,
    });
    return;
  }
  response.writeHead(200, {
    "Content-Type": "application/json",
    "Transfer-Encoding": "chunked",
    "Cache-Control": "no-cache, private",
  });
  streams.add(response);
  const write = (type: string, object: TKubeObject) => {
    const payload = table
      ? toTable(kind, [object], object.metadata.resourceVersion ?? "", includeObject)
      : { ...object, apiVersion, kind: kind.kind };
    response.write(`${JSON.stringify({ type, object: payload })}\n`);
  };
  const sendInitialEvents = query.get("sendInitialEvents") === "true";
  if (from === undefined || sendInitialEvents) {
    for (const item of registry.list(kind, namespace).filter(selected)) write("ADDED", item);
    if (sendInitialEvents) {
      // WatchList clients (kubectl wait, informers) wait for this bookmark before trusting the stream.
      const bookmark = {
        kind: kind.kind,
        apiVersion,
        metadata: { resourceVersion: store.resourceVersion, annotations: { "k8s.io/initial-events-end": "true" } },
      };
      response.write(`${JSON.stringify({ type: "BOOKMARK", object: bookmark })}\n`);
    }
  } else {
    for (const event of store.since(from)) if (matches(event)) write(event.type, event.object);
  }
  const listener = (event: TWatchEvent) => {
    if (matches(event)) write(event.type, event.object);
  };
  store.events.on("event", listener);
  const timeout = Number(query.get("timeoutSeconds") ?? "1800");
  const timer = setTimeout(() => response.end(), Math.max(1, timeout) * 1000);
  const finish = () => {
    clearTimeout(timer);
    store.events.off("event", listener);
    streams.delete(response);
  };
  response.on("close", finish);
  request.on("close", finish);
}
