import { nowIso } from "../clock";
import { podKind } from "../kinds/pod";
import { selects } from "../kinds/pod-template";
import { replicaSetKind, type TReplicaSet, type TReplicaSetStatus } from "../kinds/replica-set";
import type { TWatchEvent } from "../registry/object-store";
import type { TKubeObject, TPod } from "../types";
import { controllerUser, watchResource, type TController, type TControllerContext } from "./controller";
import { controllerOf, controllerReference, isControlledBy, withController, withoutOwner } from "./owner-references";
import { keyOf, splitKey, WorkQueue } from "./work-queue";

const user = controllerUser("replicaset-controller");
const component = "replicaset-controller";

/** Pods that count: not finished, not being deleted. */
function isActive(pod: TPod): boolean {
  const phase = pod.status?.phase;
  return phase !== "Succeeded" && phase !== "Failed" && !pod.metadata.deletionTimestamp;
}

function readyCondition(pod: TPod) {
  return pod.status?.conditions?.find((condition) => condition.type === "Ready");
}

/** Ready, and (with minReadySeconds) ready for that long: what Deployments count as available. */
export function isAvailable(pod: TPod, minReadySeconds: number, now: number): boolean {
  const ready = readyCondition(pod);
  if (ready?.status !== "True") return false;
  return minReadySeconds <= 0 || now - Date.parse(ready.lastTransitionTime) >= minReadySeconds * 1000;
}

const phaseRank: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/**
 * The order pods are deleted in when a ReplicaSet scales down (upstream's ActivePods ranking): pending
 * before running, not ready before ready, ready for less time first, more restarts first, newer first.
 */
export function deletionOrder(a: TPod, b: TPod): number {
  const phase = (phaseRank[a.status?.phase ?? "Pending"] ?? 0) - (phaseRank[b.status?.phase ?? "Pending"] ?? 0);
  if (phase !== 0) return phase;
  const readyA = readyCondition(a)?.status === "True";
  const readyB = readyCondition(b)?.status === "True";
  if (readyA !== readyB) return readyA ? 1 : -1;
  if (readyA && readyB) {
    // Ready for less time (a later transition) goes first.
    const sinceA = Date.parse(readyCondition(a)?.lastTransitionTime ?? "");
    const sinceB = Date.parse(readyCondition(b)?.lastTransitionTime ?? "");
    if (sinceA !== sinceB) return sinceB - sinceA;
  }
  const restarts = (pod: TPod) => Math.max(0, ...(pod.status?.containerStatuses ?? []).map((s) => s.restartCount));
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
  return Date.parse(b.metadata.creationTimestamp ?? "") - Date.parse(a.metadata.creationTimestamp ?? "");
}

/** The pod a ReplicaSet creates from its template: generated name, template labels, the ReplicaSet as controller. */
export function podFromTemplate(replicaSet: TReplicaSet): TKubeObject {
  const template = replicaSet.spec.template;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      generateName: `${replicaSet.metadata.name}-`,
      namespace: replicaSet.metadata.namespace,
      ...(template.metadata?.labels ? { labels: { ...template.metadata.labels } } : {}),
      ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ownerReferences: [controllerReference(replicaSet)],
    },
    spec: structuredClone(template.spec),
  };
}

/**
 * The ReplicaSet controller: keeps `spec.replicas` active pods of each ReplicaSet, creating them from the
 * template through the registry (so admission applies, and a denied create is a FailedCreate event with the
 * admission message and a ReplicaFailure condition), deleting the surplus, adopting matching orphans, and
 * reporting replicas, readiness and availability in the status.
 */
export class ReplicaSetController implements TController {
  readonly name = component;
  private context?: TControllerContext;
  private queue?: WorkQueue;
  private readonly unsubscribe: (() => void)[] = [];

  async start(context: TControllerContext): Promise<void> {
    this.context = context;
    this.queue = new WorkQueue(
      (key) => this.sync(key),
      (key, error) => {
        process.stderr.write(`[cks-cluster] ${component} ${key}: ${String(error)}\n`);
        this.queue?.retry(key);
      },
    );
    this.unsubscribe.push(
      watchResource(context.store, "replicasets", (event) =>
        this.queue?.add(keyOf(event.namespace, event.object.metadata.name)),
      ),
      watchResource(context.store, "pods", (event) => this.podChanged(event)),
    );
  }

  async stop(): Promise<void> {
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    this.queue?.stop();
  }

  private podChanged(event: TWatchEvent): void {
    const owner = controllerOf(event.object);
    if (owner) {
      if (owner.kind === "ReplicaSet") this.queue?.add(keyOf(event.namespace, owner.name));
      return;
    }
    if (event.type === "DELETED" || !this.context) return;
    // An orphan: every ReplicaSet whose selector matches may adopt it.
    for (const replicaSet of this.context.store.list("replicasets", event.namespace) as TReplicaSet[])
      if (selects(replicaSet.spec.selector, event.object.metadata.labels))
        this.queue?.add(keyOf(event.namespace, replicaSet.metadata.name));
  }

  private async sync(key: string): Promise<void> {
    const context = this.context;
    if (!context) return;
    const [namespace, name] = splitKey(key);
    const replicaSet = context.store.get("replicasets", namespace, name) as TReplicaSet | undefined;
    if (!replicaSet || replicaSet.metadata.deletionTimestamp) return;
    const pods = await this.claimPods(context, replicaSet);
    const desired = replicaSet.spec.replicas ?? 1;
    let failure: string | undefined;
    if (pods.length < desired) failure = await this.createPods(context, replicaSet, desired - pods.length);
    else if (pods.length > desired)
      this.deletePods(context, replicaSet, [...pods].sort(deletionOrder).slice(0, pods.length - desired));
    const recheck = await this.updateStatus(context, namespace, name, failure);
    if (failure) this.queue?.retry(key);
    else {
      this.queue?.forget(key);
      if (recheck !== undefined) this.queue?.add(key, recheck);
    }
  }

  /** The active pods this ReplicaSet controls, after adopting matching orphans and releasing pods it no longer selects. */
  private async claimPods(context: TControllerContext, replicaSet: TReplicaSet): Promise<TPod[]> {
    const namespace = replicaSet.metadata.namespace ?? "";
    const claimed: TPod[] = [];
    for (const pod of context.store.list("pods", namespace) as TPod[]) {
      if (!isActive(pod)) continue;
      const owner = controllerOf(pod);
      const matches = selects(replicaSet.spec.selector, pod.metadata.labels);
      if (owner && owner.uid !== replicaSet.metadata.uid) continue;
      if (owner && !matches) {
        await context.registry.update(podKind, pod, withoutOwner(pod, replicaSet), { dryRun: false, user });
        continue;
      }
      if (!owner) {
        if (!matches) continue;
        const { object } = await context.registry.update(podKind, pod, withController(pod, replicaSet), {
          dryRun: false,
          user,
        });
        claimed.push(object as TPod);
        continue;
      }
      claimed.push(pod);
    }
    return claimed;
  }

  /**
   * Creates `count` pods in batches of 1, 2, 4, ... (upstream's slow start), stopping at the first
   * refusal: the admission message is returned, and recorded as a FailedCreate event.
   */
  private async createPods(
    context: TControllerContext,
    replicaSet: TReplicaSet,
    count: number,
  ): Promise<string | undefined> {
    const namespace = replicaSet.metadata.namespace ?? "";
    let remaining = count;
    for (let batch = 1; remaining > 0; batch *= 2) {
      const size = Math.min(batch, remaining);
      const results = await Promise.allSettled(
        Array.from({ length: size }, () =>
          context.registry.create(podKind, namespace, podFromTemplate(replicaSet), { dryRun: false, user }),
        ),
      );
      let failure: string | undefined;
      for (const result of results) {
        if (result.status === "fulfilled") {
          context.events.record(replicaSet, {
            type: "Normal",
            reason: "SuccessfulCreate",
            message: `Created pod: ${result.value.object.metadata.name ?? ""}`,
            component,
          });
          continue;
        }
        const message = result.reason instanceof Error ? result.reason.message : String(result.reason);
        failure ??= message;
        // A namespace being deleted refuses every create; the real controller does not report that.
        if (!/because it is being terminated/.test(message))
          context.events.record(replicaSet, {
            type: "Warning",
            reason: "FailedCreate",
            message: `Error creating: ${message}`,
            component,
          });
      }
      if (failure) return failure;
      remaining -= size;
    }
    return undefined;
  }

  private deletePods(context: TControllerContext, replicaSet: TReplicaSet, pods: TPod[]): void {
    for (const pod of pods) {
      // Deletion marks the pod at once (it stops counting as active); the kubelet then stops its containers.
      context.registry
        .delete(podKind, pod.metadata.namespace ?? "", pod.metadata.name ?? "", { user })
        .then(() =>
          context.events.record(replicaSet, {
            type: "Normal",
            reason: "SuccessfulDelete",
            message: `Deleted pod: ${pod.metadata.name ?? ""}`,
            component,
          }),
        )
        .catch((error: unknown) =>
          context.events.record(replicaSet, {
            type: "Warning",
            reason: "FailedDelete",
            message: `Error deleting: ${error instanceof Error ? error.message : String(error)}`,
            component,
          }),
        );
    }
  }

  /**
   * Writes replicas, fullyLabeledReplicas, readyReplicas, availableReplicas, observedGeneration and the
   * ReplicaFailure condition (kept with its first message while creates keep failing, removed once they
   * succeed). Returns when to look again for pods that become available after minReadySeconds.
   */
  private async updateStatus(
    context: TControllerContext,
    namespace: string,
    name: string,
    failure: string | undefined,
  ): Promise<number | undefined> {
    const replicaSet = context.store.get("replicasets", namespace, name) as TReplicaSet | undefined;
    if (!replicaSet) return undefined;
    const now = Date.now();
    const minReadySeconds = Number(replicaSet.spec.minReadySeconds ?? 0);
    const pods = (context.store.list("pods", namespace) as TPod[]).filter(
      (pod) => isActive(pod) && isControlledBy(pod, replicaSet),
    );
    const templateLabels = replicaSet.spec.template.metadata?.labels ?? {};
    const ready = pods.filter((pod) => readyCondition(pod)?.status === "True");
    const available = pods.filter((pod) => isAvailable(pod, minReadySeconds, now));
    // Go writes `replicas` always and the other counts only when they are not zero.
    const status: TReplicaSetStatus = { replicas: pods.length };
    const fullyLabeled = pods.filter((pod) =>
      Object.entries(templateLabels).every(([key, value]) => pod.metadata.labels?.[key] === value),
    ).length;
    if (fullyLabeled) status.fullyLabeledReplicas = fullyLabeled;
    if (ready.length) status.readyReplicas = ready.length;
    if (available.length) status.availableReplicas = available.length;
    status.observedGeneration = Number(replicaSet.metadata.generation ?? 1);
    const previous = replicaSet.status?.conditions?.find((condition) => condition.type === "ReplicaFailure");
    const others = (replicaSet.status?.conditions ?? []).filter((condition) => condition.type !== "ReplicaFailure");
    const conditions = failure
      ? [
          ...others,
          previous ?? {
            type: "ReplicaFailure",
            status: "True",
            lastTransitionTime: nowIso(),
            reason: "FailedCreate",
            message: failure,
          },
        ]
      : others;
    if (conditions.length) status.conditions = conditions;
    if (JSON.stringify(status) !== JSON.stringify(replicaSet.status ?? {}))
      await context.registry.update(
        replicaSetKind,
        replicaSet,
        { ...replicaSet, status },
        {
          dryRun: false,
          user,
          subresource: "status",
        },
      );
    // A ready pod becomes available minReadySeconds after it became ready.
    const waiting = ready
      .filter((pod) => !isAvailable(pod, minReadySeconds, now))
      .map((pod) => Date.parse(readyCondition(pod)?.lastTransitionTime ?? "") + minReadySeconds * 1000 - now);
    return waiting.length ? Math.max(100, Math.min(...waiting)) : undefined;
  }
}
