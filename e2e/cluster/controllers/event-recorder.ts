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

/** Writes core/v1 Events about objects the way client-go's recorder does, counting identical repeats. */
export class EventRecorder {
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
    const onNode = nodeComponents.has(event.component);
    const stored: TEvent = {
      apiVersion: "v1",
      kind: "Event",
      metadata: {
        name: `${name}.${randomBytes(8).toString("hex")}`,
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
}
