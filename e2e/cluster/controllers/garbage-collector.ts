import type { TWatchEvent } from "../registry/object-store";
import type { TKubeObject } from "../types";
import { controllerUser, type TController, type TControllerContext } from "./controller";
import type { TOwnerReference } from "./owner-references";

const user = controllerUser("generic-garbage-collector");

/**
 * The garbage collector: when an object is deleted, the objects whose ownerReferences name it are deleted
 * too (a Deployment's ReplicaSets, a ReplicaSet's pods), after the owner is gone, as background
 * propagation does; an object created with an owner that does not exist is deleted as well. Orphan and
 * Foreground propagation are handled where the delete is made (registry/registry.ts).
 */
export class GarbageCollector implements TController {
  readonly name = "garbage-collector";
  private listener?: (event: TWatchEvent) => void;
  private context?: TControllerContext;

  async start(context: TControllerContext): Promise<void> {
    this.context = context;
    this.listener = (event) => {
      // Like an informer: after the write that caused the event has returned.
      queueMicrotask(() => {
        const work = event.type === "DELETED" ? this.collectDependents(event.object) : this.checkOwners(event);
        work.catch((error: unknown) => process.stderr.write(`[cks-cluster] garbage-collector: ${String(error)}\n`));
      });
    };
    context.store.events.on("event", this.listener);
  }

  async stop(): Promise<void> {
    if (this.listener) this.context?.store.events.off("event", this.listener);
  }

  private async collectDependents(owner: TKubeObject): Promise<void> {
    const registry = this.context?.registry;
    if (!registry || !owner.metadata.uid) return;
    for (const { kind, object } of registry.dependents(owner)) {
      // Another owner keeps it (only the owner gone is dropped from the list), as upstream does.
      const others = (object.metadata.ownerReferences as TOwnerReference[]).filter(
        (reference) => reference.uid !== owner.metadata.uid && this.ownerExists(reference, object),
      );
      if (others.length > 0) continue;
      await registry.delete(kind, object.metadata.namespace ?? "", object.metadata.name ?? "", {
        user,
        propagationPolicy: "Background",
      });
    }
  }

  private async checkOwners(event: TWatchEvent): Promise<void> {
    if (event.type !== "ADDED") return;
    const registry = this.context?.registry;
    const references = event.object.metadata.ownerReferences as TOwnerReference[] | undefined;
    if (!registry || !references?.length || event.object.metadata.deletionTimestamp) return;
    if (references.some((reference) => this.ownerExists(reference, event.object))) return;
    const kind = registry.scheme.kindOf(event.object.apiVersion, event.object.kind);
    if (!kind) return;
    await registry.delete(kind, event.object.metadata.namespace ?? "", event.object.metadata.name ?? "", {
      user,
      propagationPolicy: "Background",
    });
  }

  private ownerExists(reference: TOwnerReference, dependent: TKubeObject): boolean {
    const registry = this.context?.registry;
    const kind = registry?.scheme.kindOf(reference.apiVersion, reference.kind);
    // An owner of a kind this cluster does not serve cannot be checked: keep the dependent.
    if (!registry || !kind) return true;
    const owner = registry.find(kind, dependent.metadata.namespace ?? "", reference.name);
    return owner?.metadata.uid === reference.uid;
  }
}
