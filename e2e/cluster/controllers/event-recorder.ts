import { randomBytes, randomUUID } from "node:crypto";
import { nowIso } from "../clock";
import { nodeName } from "../host";
import type { ObjectStore } from "../registry/object-store";
import type { Scheme } from "../registry/scheme";
import type { TEvent } from "../kinds/event";
import type { TKubeObject } from "../types";

/** One event about an object: `fieldPath` names a container (`spec.containers{web}`), `component` the writer. */
export type TEventRecord = {
  type: "Normal" | "Warning";
  reason: string;
  message: string;
  fieldPath?: string;
  component: string;
};

/** Node-side components report their node as the event's host. */
const nodeComponents = new Set(["kubelet"]);

/** client-go's event aggregation: from the 10th distinct message of one kind of event within 10 minutes, one combined event. */
const aggregateAfter = 10;
const aggregateWindowMs = 600_000;

/**
 * Writes core/v1 Events about objects the way client-go's recorder does: identical repeats are counted on
 * one event, and similar events (same object, component, type and reason, other messages: a ReplicaSet's
 * FailedCreate for each generated pod name) are combined into one "(combined from similar events): ..."
 * event once there have been ten different ones in ten minutes.
 */
export class EventRecorder {
  private readonly similar = new Map<string, { messages: Set<string>; last: number; event?: string }>();

  constructor(
    private readonly store: ObjectStore,
    private readonly scheme: Scheme,
  ) {}

  /** Records an event about `object` (a stored object with apiVersion and kind); nothing if it is gone. */
  record(object: TKubeObject, event: TEventRecord): void {
    const kind = this.scheme.kindOf(object.apiVersion, object.kind);
    const namespace = object.metadata.namespace || "default";
    const name = object.metadata.name ?? "";
    if (!kind || !this.store.get(kind.resource, object.metadata.namespace ?? "", name)) return;
    const now = nowIso();
    if (this.combine(object, event, namespace, now)) return;
    const repeated = this.store.list("events", namespace).find((candidate) => {
      const involved = candidate.involvedObject as { uid?: string; fieldPath?: string } | undefined;
      return (
        involved?.uid === object.metadata.uid &&
        candidate.reason === event.reason &&
        candidate.message === event.message &&
        involved?.fieldPath === event.fieldPath
      );
    });
    if (repeated) {
      repeated.count = Number(repeated.count ?? 1) + 1;
      repeated.lastTimestamp = now;
      this.store.put("events", namespace, repeated);
      return;
    }
    this.write(object, event, namespace, now, `${name}.${randomBytes(8).toString("hex")}`);
  }

  private write(object: TKubeObject, event: TEventRecord, namespace: string, now: string, eventName: string): void {
    const name = object.metadata.name ?? "";
    const onNode = nodeComponents.has(event.component);
    const stored: TEvent = {
      apiVersion: "v1",
      kind: "Event",
      metadata: {
        name: eventName,
        namespace,
        uid: randomUUID(),
        creationTimestamp: now,
      },
      involvedObject: {
        kind: object.kind,
        namespace: object.metadata.namespace,
        name,
        uid: object.metadata.uid,
        apiVersion: object.apiVersion,
        ...(event.fieldPath ? { fieldPath: event.fieldPath } : {}),
      },
      reason: event.reason,
      message: event.message,
      source: onNode ? { component: event.component, host: nodeName } : { component: event.component },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type: event.type,
      eventTime: null,
      reportingComponent: event.component,
      reportingInstance: onNode ? nodeName : "",
    };
    this.store.put("events", namespace, stored);
  }

  // Counts the distinct messages of one kind of event; past the threshold, writes or updates the combined event.
  private combine(object: TKubeObject, event: TEventRecord, namespace: string, now: string): boolean {
    const key = [object.metadata.uid, event.component, event.type, event.reason, event.fieldPath ?? ""].join("\u0000");
    const time = Date.parse(now);
    const previous = this.similar.get(key);
    const record =
      previous && time - previous.last <= aggregateWindowMs ? previous : { messages: new Set<string>(), last: time };
    record.messages.add(event.message);
    record.last = time;
    this.similar.set(key, record);
    if (record.messages.size < aggregateAfter) return false;
    const message = `(combined from similar events): ${event.message}`;
    const existing = record.event ? this.store.get("events", namespace, record.event) : undefined;
    if (existing) {
      existing.count = Number(existing.count ?? 1) + 1;
      existing.message = message;
      existing.lastTimestamp = now;
      this.store.put("events", namespace, existing);
      return true;
    }
    record.event = `${object.metadata.name ?? ""}.${(BigInt(time) * 1_000_000n).toString(16)}`;
    this.write(object, { ...event, message }, namespace, now, record.event);
    return true;
  }
}
