import { EventEmitter } from "node:events";
import type { TKubeObject } from "../types";

/** A watch event as the API server streams it. */
export type TWatchEvent = {
  type: "ADDED" | "MODIFIED" | "DELETED";
  resource: string;
  namespace: string;
  object: TKubeObject;
  rv: number;
};

const historyLimit = 2000;

/** In-memory object storage with a cluster-wide resourceVersion and a short event history for watches. */
export class ObjectStore {
  private readonly objects = new Map<string, TKubeObject>();
  private revision = 1;
  private readonly history: TWatchEvent[] = [];
  readonly events = new EventEmitter();

  constructor() {
    this.events.setMaxListeners(0);
  }

  private key(resource: string, namespace: string, name: string): string {
    return `${resource}\u0000${namespace}\u0000${name}`;
  }

  /** Latest resourceVersion handed out. */
  get resourceVersion(): string {
    return String(this.revision);
  }

  /** Oldest resourceVersion a watch can resume from. */
  get oldestWatchable(): number {
    return this.history[0]?.rv ?? this.revision;
  }

  get(resource: string, namespace: string, name: string): TKubeObject | undefined {
    const found = this.objects.get(this.key(resource, namespace, name));
    return found ? structuredClone(found) : undefined;
  }

  list(resource: string, namespace: string | undefined): TKubeObject[] {
    const items: TKubeObject[] = [];
    for (const [key, value] of this.objects) {
      const [kind, ns] = key.split("\u0000");
      if (kind !== resource) continue;
      if (namespace !== undefined && ns !== namespace) continue;
      items.push(structuredClone(value));
    }
    return items.sort((a, b) =>
      `${a.metadata.namespace ?? ""}/${a.metadata.name ?? ""}`.localeCompare(
        `${b.metadata.namespace ?? ""}/${b.metadata.name ?? ""}`,
      ),
    );
  }

  private emit(event: Omit<TWatchEvent, "rv">): void {
    const full = { ...event, rv: this.revision, object: structuredClone(event.object) };
    this.history.push(full);
    if (this.history.length > historyLimit) this.history.shift();
    this.events.emit("event", full);
  }

  /** Writes an object, stamping a new resourceVersion; returns the stored copy. */
  put(resource: string, namespace: string, object: TKubeObject): TKubeObject {
    const name = object.metadata.name ?? "";
    const key = this.key(resource, namespace, name);
    const existed = this.objects.has(key);
    this.revision += 1;
    const stored = structuredClone(object);
    stored.metadata.resourceVersion = String(this.revision);
    this.objects.set(key, stored);
    this.emit({ type: existed ? "MODIFIED" : "ADDED", resource, namespace, object: stored });
    return structuredClone(stored);
  }

  delete(resource: string, namespace: string, name: string): TKubeObject | undefined {
    const key = this.key(resource, namespace, name);
    const found = this.objects.get(key);
    if (!found) return undefined;
    this.objects.delete(key);
    this.revision += 1;
    const gone = structuredClone(found);
    gone.metadata.resourceVersion = String(this.revision);
    this.emit({ type: "DELETED", resource, namespace, object: gone });
    return gone;
  }

  /** Events after `rv` that are still in the history. */
  since(rv: number): TWatchEvent[] {
    return this.history.filter((event) => event.rv > rv);
  }
}
