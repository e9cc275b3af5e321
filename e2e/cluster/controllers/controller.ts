import type { TUserInfo } from "../registry/kind";
import type { ObjectStore, TWatchEvent } from "../registry/object-store";
import type { Registry } from "../registry/registry";
import type { TKubeObject } from "../types";
import type { EventRecorder } from "./event-recorder";

/** What a controller works with: the registry (writes validated and admitted like a user's), the store it watches, events. */
export type TControllerContext = { registry: Registry; store: ObjectStore; events: EventRecorder };

/** A background loop of the control plane or the node: started before the server listens, stopped on close. */
export type TController = {
  readonly name: string;
  start(context: TControllerContext): Promise<void>;
  stop(): Promise<void>;
};

/** Whether a namespace exists and is not being deleted: controllers create nothing in a terminating one. */
export function isActiveNamespace(namespace: TKubeObject | undefined): boolean {
  return (
    namespace !== undefined &&
    namespace.metadata.deletionTimestamp === undefined &&
    (namespace.status as { phase?: string } | undefined)?.phase !== "Terminating"
  );
}

/** The identity a kube-controller-manager controller acts as (its service account in kube-system). */
export function controllerUser(name: string): TUserInfo {
  return {
    username: `system:serviceaccount:kube-system:${name}`,
    groups: ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"],
  };
}

/**
 * Calls `handler` for every object of `resource` that exists now (as ADDED) and then for every change, in
 * order, each after the write that caused it has returned: like an informer, and never inside a write.
 * Returns the unsubscribe function.
 */
export function watchResource(
  store: ObjectStore,
  resource: string,
  handler: (event: TWatchEvent) => void | Promise<void>,
): () => void {
  const queue: TWatchEvent[] = [];
  let draining = false;
  const drain = () => {
    if (draining) return;
    draining = true;
    queueMicrotask(() => {
      draining = false;
      for (let next = queue.shift(); next; next = queue.shift()) {
        const event = next;
        // A controller that fails on one object keeps running for the others, as a real one requeues.
        Promise.resolve()
          .then(() => handler(event))
          .catch((error: unknown) =>
            process.stderr.write(`[cks-cluster] ${resource} ${event.type}: ${String(error)}\n`),
          );
      }
    });
  };
  const listener = (event: TWatchEvent) => {
    if (event.resource !== resource) return;
    queue.push(event);
    drain();
  };
  for (const object of store.list(resource, undefined))
    queue.push({
      type: "ADDED",
      resource,
      namespace: object.metadata.namespace ?? "",
      object,
      rv: Number(object.metadata.resourceVersion),
    });
  store.events.on("event", listener);
  drain();
  return () => store.events.off("event", listener);
}
