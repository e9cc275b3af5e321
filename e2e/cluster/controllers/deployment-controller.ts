import { nowIso } from "../clock";
import {
  deploymentKind,
  type TDeployment,
  type TDeploymentCondition,
  type TDeploymentStatus,
  type TIntOrString,
} from "../kinds/deployment";
import { selects, type TPodTemplate } from "../kinds/pod-template";
import { replicaSetKind, type TReplicaSet } from "../kinds/replica-set";
import { ApiError } from "../k8s-status";
import type { TWatchEvent } from "../registry/object-store";
import type { TPod } from "../types";
import { controllerUser, watchResource, type TController, type TControllerContext } from "./controller";
import { controllerOf, controllerReference, withController, withoutOwner } from "./owner-references";
import { podTemplateHash } from "./pod-template-hash";
import { keyOf, splitKey, WorkQueue } from "./work-queue";

const user = controllerUser("deployment-controller");
const component = "deployment-controller";
const hashLabel = "pod-template-hash";
const revisionAnnotation = "deployment.kubernetes.io/revision";
const historyAnnotation = "deployment.kubernetes.io/revision-history";
const desiredAnnotation = "deployment.kubernetes.io/desired-replicas";
const maxAnnotation = "deployment.kubernetes.io/max-replicas";
// Deployment annotations the controller never copies onto its ReplicaSets.
const notCopied = new Set([
  "kubectl.kubernetes.io/last-applied-configuration",
  revisionAnnotation,
  historyAnnotation,
  desiredAnnotation,
  maxAnnotation,
  "deprecated.deployment.rollback.to",
]);

/** An int-or-percent scaled against `total` (percentages rounded up or down), as IntOrString fields resolve. */
export function scaledValue(value: TIntOrString | undefined, total: number, roundUp: boolean): number {
  if (typeof value === "number") return value;
  const match = /^(\d+)%$/.exec(value ?? "0");
  const percent = Number(match?.[1] ?? 0);
  const exact = (percent * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** maxSurge and maxUnavailable of a rolling update for `replicas` (never both 0: then maxUnavailable is 1). */
export function fenceposts(deployment: TDeployment): { maxSurge: number; maxUnavailable: number } {
  const replicas = deployment.spec.replicas ?? 1;
  if (deployment.spec.strategy?.type !== "RollingUpdate") return { maxSurge: 0, maxUnavailable: 0 };
  const rolling = deployment.spec.strategy.rollingUpdate ?? {};
  const maxSurge = scaledValue(rolling.maxSurge ?? "25%", replicas, true);
  let maxUnavailable = scaledValue(rolling.maxUnavailable ?? "25%", replicas, false);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable: Math.min(maxUnavailable, replicas) };
}

const specReplicas = (replicaSet: TReplicaSet) => replicaSet.spec.replicas ?? 1;
const sum = (replicaSets: TReplicaSet[], count: (replicaSet: TReplicaSet) => number) =>
  replicaSets.reduce((total, replicaSet) => total + count(replicaSet), 0);
const revisionOf = (replicaSet: TReplicaSet) => Number(replicaSet.metadata.annotations?.[revisionAnnotation] ?? 0);
const byCreation = (a: TReplicaSet, b: TReplicaSet) =>
  Date.parse(a.metadata.creationTimestamp ?? "") - Date.parse(b.metadata.creationTimestamp ?? "") ||
  (a.metadata.name ?? "").localeCompare(b.metadata.name ?? "");

function withoutHash(template: TPodTemplate | undefined): string {
  const copy = structuredClone(template ?? { spec: { containers: [] } });
  if (copy.metadata?.labels) delete copy.metadata.labels[hashLabel];
  const sorted = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(sorted)
      : value !== null && typeof value === "object"
        ? Object.fromEntries(
            Object.entries(value)
              .filter(([, inner]) => inner !== undefined)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([key, inner]) => [key, sorted(inner)]),
          )
        : value;
  return JSON.stringify(sorted(copy));
}

/** The condition as NewDeploymentCondition makes it: both times now. */
function condition(
  type: string,
  status: TDeploymentCondition["status"],
  reason: string,
  message: string,
): TDeploymentCondition {
  const now = nowIso();
  return { type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message };
}

/** SetDeploymentCondition: same status and reason changes nothing; same status keeps lastTransitionTime; the condition moves last. */
function setCondition(status: TDeploymentStatus, next: TDeploymentCondition): void {
  const current = status.conditions?.find((existing) => existing.type === next.type);
  if (current && current.status === next.status && current.reason === next.reason) return;
  if (current && current.status === next.status) next.lastTransitionTime = current.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((existing) => existing.type !== next.type), next];
}

function removeCondition(status: TDeploymentStatus, type: string): void {
  if (!status.conditions) return;
  status.conditions = status.conditions.filter((existing) => existing.type !== type);
  if (status.conditions.length === 0) delete status.conditions;
}

/**
 * The Deployment controller, after upstream's: each Deployment owns one ReplicaSet per pod template (named
 * `<deployment>-<pod-template-hash>`, the hash label on its selector, template and pods); a changed template
 * gets a new ReplicaSet that is scaled up while the old ones are scaled down within maxSurge and
 * maxUnavailable (or, with Recreate, after every old pod is gone). It records ScalingReplicaSet events,
 * revisions, and the status `kubectl rollout status` reads: replica counts, the Available and Progressing
 * conditions, and a ReplicaFailure condition copied from a ReplicaSet whose pods are refused.
 */
export class DeploymentController implements TController {
  readonly name = component;
  private context?: TControllerContext;
  private queue?: WorkQueue;
  private readonly unsubscribe: (() => void)[] = [];

  async start(context: TControllerContext): Promise<void> {
    this.context = context;
    this.queue = new WorkQueue(
      (key) => this.sync(key),
      (key, error) => {
        // A conflict with another writer is normal: look again soon.
        if (!(error instanceof ApiError && error.status.code === 409))
          process.stderr.write(`[cks-cluster] ${component} ${key}: ${String(error)}\n`);
        this.queue?.retry(key);
      },
    );
    this.unsubscribe.push(
      watchResource(context.store, "deployments", (event) =>
        this.queue?.add(keyOf(event.namespace, event.object.metadata.name)),
      ),
      watchResource(context.store, "replicasets", (event) => this.replicaSetChanged(event)),
      // Recreate waits for the old pods to be gone.
      watchResource(context.store, "pods", (event) => {
        if (event.type !== "DELETED") return;
        const owner = controllerOf(event.object);
        if (owner?.kind !== "ReplicaSet") return;
        const replicaSet = context.store.get("replicasets", event.namespace, owner.name);
        const deployment = replicaSet ? controllerOf(replicaSet) : undefined;
        if (deployment?.kind === "Deployment") this.queue?.add(keyOf(event.namespace, deployment.name));
      }),
    );
  }

  async stop(): Promise<void> {
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    this.queue?.stop();
  }

  private replicaSetChanged(event: TWatchEvent): void {
    const owner = controllerOf(event.object);
    if (owner) {
      if (owner.kind === "Deployment") this.queue?.add(keyOf(event.namespace, owner.name));
      return;
    }
    if (event.type === "DELETED" || !this.context) return;
    for (const deployment of this.context.store.list("deployments", event.namespace) as TDeployment[])
      if (selects(deployment.spec.selector, event.object.metadata.labels))
        this.queue?.add(keyOf(event.namespace, deployment.metadata.name));
  }

  private async sync(key: string): Promise<void> {
    const context = this.context;
    if (!context) return;
    const [namespace, name] = splitKey(key);
    const deployment = context.store.get("deployments", namespace, name) as TDeployment | undefined;
    if (!deployment || deployment.metadata.deletionTimestamp) return;
    const replicaSets = await this.claimReplicaSets(context, deployment);
    await this.syncPausedCondition(context, deployment);
    if (deployment.spec.paused) {
      const { newReplicaSet, oldReplicaSets } = this.split(deployment, replicaSets);
      await this.updateStatus(context, deployment, newReplicaSet, oldReplicaSets, false);
    } else if (deployment.spec.strategy?.type === "Recreate")
      await this.rolloutRecreate(context, deployment, replicaSets);
    else await this.rolloutRolling(context, deployment, replicaSets);
    this.queue?.forget(key);
  }

  /** The ReplicaSets this Deployment controls, after adopting matching orphans and releasing non-matching ones. */
  private async claimReplicaSets(context: TControllerContext, deployment: TDeployment): Promise<TReplicaSet[]> {
    const claimed: TReplicaSet[] = [];
    for (const replicaSet of context.store.list("replicasets", deployment.metadata.namespace) as TReplicaSet[]) {
      const owner = controllerOf(replicaSet);
      if (owner && owner.uid !== deployment.metadata.uid) continue;
      if (replicaSet.metadata.deletionTimestamp) continue;
      const matches = selects(deployment.spec.selector, replicaSet.metadata.labels);
      if (owner && !matches) {
        await context.registry.update(replicaSetKind, replicaSet, withoutOwner(replicaSet, deployment), {
          dryRun: false,
          user,
        });
      } else if (owner) {
        claimed.push(replicaSet);
      } else if (matches) {
        const { object } = await context.registry.update(
          replicaSetKind,
          replicaSet,
          withController(replicaSet, deployment),
          { dryRun: false, user },
        );
        claimed.push(object as TReplicaSet);
      }
    }
    return claimed;
  }

  private split(deployment: TDeployment, replicaSets: TReplicaSet[]) {
    const wanted = withoutHash(deployment.spec.template);
    // Of several with the same template (only after a hash collision) the oldest is the new one.
    const newReplicaSet = [...replicaSets].sort(byCreation).find((rs) => withoutHash(rs.spec.template) === wanted);
    return { newReplicaSet, oldReplicaSets: replicaSets.filter((rs) => rs !== newReplicaSet) };
  }

  /**
   * Finds the ReplicaSet of the current template and syncs its revision and annotations, or (with `create`)
   * creates it with `replicas` pods to start with: upstream's getNewReplicaSet.
   */
  private async newReplicaSet(
    context: TControllerContext,
    deployment: TDeployment,
    replicaSets: TReplicaSet[],
    create: (oldReplicaSets: TReplicaSet[]) => number | undefined,
  ): Promise<{ newReplicaSet?: TReplicaSet; oldReplicaSets: TReplicaSet[] }> {
    const { newReplicaSet: existing, oldReplicaSets } = this.split(deployment, replicaSets);
    const revision = String(Math.max(0, ...oldReplicaSets.map(revisionOf)) + 1);
    const namespace = deployment.metadata.namespace ?? "";
    if (existing) {
      const annotations = this.replicaSetAnnotations(deployment, existing, revision);
      let current = existing;
      if (
        JSON.stringify(annotations) !== JSON.stringify(existing.metadata.annotations ?? {}) ||
        (existing.spec.minReadySeconds ?? 0) !== (deployment.spec.minReadySeconds ?? 0)
      ) {
        const updated = {
          ...existing,
          metadata: { ...existing.metadata, annotations },
          spec: { ...existing.spec, minReadySeconds: deployment.spec.minReadySeconds ?? 0 },
        };
        current = (await context.registry.update(replicaSetKind, existing, updated, { dryRun: false, user }))
          .object as TReplicaSet;
      }
      await this.setDeploymentRevision(
        context,
        deployment,
        current.metadata.annotations?.[revisionAnnotation] ?? revision,
        () => {
          const status = structuredClone(deployment.status ?? {});
          if (!status.conditions?.some((c) => c.type === "Progressing"))
            setCondition(
              status,
              condition(
                "Progressing",
                "True",
                "FoundNewReplicaSet",
                `Found new replica set "${current.metadata.name ?? ""}"`,
              ),
            );
          return status;
        },
      );
      return { newReplicaSet: current, oldReplicaSets };
    }
    const replicas = create(oldReplicaSets);
    if (replicas === undefined) return { oldReplicaSets };
    const collisionCount = deployment.status?.collisionCount;
    const hash = podTemplateHash(deployment.spec.template, collisionCount);
    const template = structuredClone(deployment.spec.template);
    template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [hashLabel]: hash } };
    const selector = structuredClone(deployment.spec.selector ?? {});
    selector.matchLabels = { ...selector.matchLabels, [hashLabel]: hash };
    const name = `${deployment.metadata.name ?? ""}-${hash}`;
    const body = {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: {
        name,
        namespace,
        labels: { ...template.metadata.labels },
        annotations: this.replicaSetAnnotations(deployment, undefined, revision),
        ownerReferences: [controllerReference(deployment)],
      },
      spec: { replicas, minReadySeconds: deployment.spec.minReadySeconds ?? 0, selector, template },
    };
    let created: TReplicaSet;
    try {
      created = (await context.registry.create(replicaSetKind, namespace, body, { dryRun: false, user }))
        .object as TReplicaSet;
    } catch (error) {
      // A ReplicaSet of that name with another template: count the collision and hash again next time.
      if (error instanceof ApiError && error.status.code === 409) {
        const clash = context.store.get("replicasets", namespace, name) as TReplicaSet | undefined;
        if (clash && withoutHash(clash.spec.template) !== withoutHash(deployment.spec.template)) {
          const status = { ...deployment.status, collisionCount: (collisionCount ?? 0) + 1 };
          await context.registry.update(
            deploymentKind,
            deployment,
            { ...deployment, status },
            { dryRun: false, user, subresource: "status" },
          );
        }
      }
      throw error;
    }
    if (replicas > 0)
      context.events.record(deployment, {
        type: "Normal",
        reason: "ScalingReplicaSet",
        message: `Scaled up replica set ${name} from 0 to ${replicas}`,
        component,
      });
    await this.setDeploymentRevision(context, deployment, revision, () => {
      const status = structuredClone(deployment.status ?? {});
      setCondition(
        status,
        condition("Progressing", "True", "NewReplicaSetCreated", `Created new replica set "${name}"`),
      );
      return status;
    });
    return { newReplicaSet: created, oldReplicaSets };
  }

  private replicaSetAnnotations(
    deployment: TDeployment,
    replicaSet: TReplicaSet | undefined,
    revision: string,
  ): Record<string, string> {
    const annotations: Record<string, string> = { ...replicaSet?.metadata.annotations };
    for (const [key, value] of Object.entries(deployment.metadata.annotations ?? {}))
      if (!notCopied.has(key)) annotations[key] = value;
    const previous = annotations[revisionAnnotation];
    if (Number(previous ?? 0) < Number(revision)) {
      annotations[revisionAnnotation] = revision;
      // A ReplicaSet that gets a newer revision is being rolled back to: it keeps the revisions it had.
      if (previous !== undefined) {
        const history = annotations[historyAnnotation];
        annotations[historyAnnotation] = history ? `${history},${previous}` : previous;
      }
    }
    if (!replicaSet) {
      const desired = deployment.spec.replicas ?? 1;
      annotations[desiredAnnotation] = String(desired);
      annotations[maxAnnotation] = String(desired + fenceposts(deployment).maxSurge);
    }
    return annotations;
  }

  /** Copies the new ReplicaSet's revision onto the Deployment and writes the status `next()` gives, if either changed. */
  private async setDeploymentRevision(
    context: TControllerContext,
    deployment: TDeployment,
    revision: string,
    next: () => TDeploymentStatus,
  ): Promise<void> {
    const stored = context.store.get(
      "deployments",
      deployment.metadata.namespace ?? "",
      deployment.metadata.name ?? "",
    ) as TDeployment | undefined;
    if (!stored || stored.metadata.uid !== deployment.metadata.uid) return;
    let current = stored;
    if (stored.metadata.annotations?.[revisionAnnotation] !== revision) {
      const updated = {
        ...stored,
        metadata: {
          ...stored.metadata,
          annotations: { ...stored.metadata.annotations, [revisionAnnotation]: revision },
        },
      };
      current = (await context.registry.update(deploymentKind, stored, updated, { dryRun: false, user }))
        .object as TDeployment;
    }
    const status = next();
    if (JSON.stringify(status) !== JSON.stringify(current.status ?? {})) {
      const written = (
        await context.registry.update(
          deploymentKind,
          current,
          { ...current, status },
          { dryRun: false, user, subresource: "status" },
        )
      ).object as TDeployment;
      deployment.status = written.status;
    }
    deployment.metadata.annotations = current.metadata.annotations;
  }

  /** Scales a ReplicaSet (and its desired/max annotations), with the ScalingReplicaSet event upstream records. */
  private async scale(
    context: TControllerContext,
    deployment: TDeployment,
    replicaSet: TReplicaSet,
    replicas: number,
  ): Promise<TReplicaSet> {
    const from = specReplicas(replicaSet);
    const desired = String(deployment.spec.replicas ?? 1);
    const max = String((deployment.spec.replicas ?? 1) + fenceposts(deployment).maxSurge);
    const annotations = replicaSet.metadata.annotations ?? {};
    if (from === replicas && annotations[desiredAnnotation] === desired && annotations[maxAnnotation] === max)
      return replicaSet;
    const updated = {
      ...replicaSet,
      metadata: {
        ...replicaSet.metadata,
        annotations: { ...annotations, [desiredAnnotation]: desired, [maxAnnotation]: max },
      },
      spec: { ...replicaSet.spec, replicas },
    };
    const stored = (await context.registry.update(replicaSetKind, replicaSet, updated, { dryRun: false, user }))
      .object as TReplicaSet;
    if (from !== replicas)
      context.events.record(deployment, {
        type: "Normal",
        reason: "ScalingReplicaSet",
        message: `Scaled ${from < replicas ? "up" : "down"} replica set ${replicaSet.metadata.name ?? ""} from ${from} to ${replicas}`,
        component,
      });
    return stored;
  }

  /** How many pods the new ReplicaSet may have now: up to replicas, within replicas + maxSurge in total. */
  private newReplicas(deployment: TDeployment, allReplicaSets: TReplicaSet[], newReplicaSet?: TReplicaSet): number {
    const replicas = deployment.spec.replicas ?? 1;
    if (deployment.spec.strategy?.type !== "RollingUpdate") return replicas;
    const current = newReplicaSet ? specReplicas(newReplicaSet) : 0;
    const total = sum(allReplicaSets, specReplicas);
    const maxTotal = replicas + fenceposts(deployment).maxSurge;
    if (total >= maxTotal) return current;
    return current + Math.min(maxTotal - total, replicas - current);
  }

  private async rolloutRolling(
    context: TControllerContext,
    deployment: TDeployment,
    replicaSets: TReplicaSet[],
  ): Promise<void> {
    let { newReplicaSet, oldReplicaSets } = await this.newReplicaSet(context, deployment, replicaSets, (old) =>
      this.newReplicas(deployment, old),
    );
    const replicas = deployment.spec.replicas ?? 1;
    let scaled = false;
    if (newReplicaSet) {
      const current = specReplicas(newReplicaSet);
      const target =
        current > replicas ? replicas : this.newReplicas(deployment, [...oldReplicaSets, newReplicaSet], newReplicaSet);
      if (target !== current) {
        newReplicaSet = await this.scale(context, deployment, newReplicaSet, target);
        scaled = true;
      }
    }
    if (!scaled) {
      const result = await this.reconcileOld(context, deployment, oldReplicaSets, newReplicaSet);
      oldReplicaSets = result;
    }
    const complete = this.isComplete(deployment, this.calculateStatus(deployment, newReplicaSet, oldReplicaSets));
    if (complete) await this.cleanup(context, deployment, oldReplicaSets);
    await this.updateStatus(context, deployment, newReplicaSet, oldReplicaSets, true);
  }

  /** Scales old ReplicaSets down as far as maxUnavailable allows: unhealthy pods first, then the oldest sets. */
  private async reconcileOld(
    context: TControllerContext,
    deployment: TDeployment,
    oldReplicaSets: TReplicaSet[],
    newReplicaSet: TReplicaSet | undefined,
  ): Promise<TReplicaSet[]> {
    if (sum(oldReplicaSets, specReplicas) === 0) return oldReplicaSets;
    const all = [...oldReplicaSets, ...(newReplicaSet ? [newReplicaSet] : [])];
    const minAvailable = (deployment.spec.replicas ?? 1) - fenceposts(deployment).maxUnavailable;
    const newUnavailable = newReplicaSet
      ? specReplicas(newReplicaSet) - Number(newReplicaSet.status?.availableReplicas ?? 0)
      : 0;
    const maxScaledDown = sum(all, specReplicas) - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return oldReplicaSets;
    const sorted = [...oldReplicaSets].sort(byCreation);
    const result = new Map(sorted.map((rs) => [rs.metadata.uid, rs]));
    // Old pods that are not available anyway go first.
    let cleaned = 0;
    for (const replicaSet of sorted) {
      if (cleaned >= maxScaledDown) break;
      const unhealthy = specReplicas(replicaSet) - Number(replicaSet.status?.availableReplicas ?? 0);
      if (specReplicas(replicaSet) === 0 || unhealthy <= 0) continue;
      const down = Math.min(maxScaledDown - cleaned, unhealthy);
      result.set(
        replicaSet.metadata.uid,
        await this.scale(context, deployment, replicaSet, specReplicas(replicaSet) - down),
      );
      cleaned += down;
    }
    const remaining = [...result.values()];
    const available = sum([...remaining, ...(newReplicaSet ? [newReplicaSet] : [])], (rs) =>
      Number(rs.status?.availableReplicas ?? 0),
    );
    if (available > minAvailable) {
      let total = available - minAvailable;
      for (const replicaSet of remaining.sort(byCreation)) {
        if (total <= 0) break;
        if (specReplicas(replicaSet) === 0) continue;
        const down = Math.min(specReplicas(replicaSet), total);
        result.set(
          replicaSet.metadata.uid,
          await this.scale(context, deployment, replicaSet, specReplicas(replicaSet) - down),
        );
        total -= down;
      }
    }
    return [...result.values()];
  }

  private async rolloutRecreate(
    context: TControllerContext,
    deployment: TDeployment,
    replicaSets: TReplicaSet[],
  ): Promise<void> {
    let { newReplicaSet, oldReplicaSets } = await this.newReplicaSet(context, deployment, replicaSets, () => undefined);
    let scaledDown = false;
    oldReplicaSets = await Promise.all(
      oldReplicaSets.map(async (replicaSet) => {
        if (specReplicas(replicaSet) === 0) return replicaSet;
        scaledDown = true;
        return this.scale(context, deployment, replicaSet, 0);
      }),
    );
    const oldUids = new Set(oldReplicaSets.map((rs) => rs.metadata.uid));
    const oldPodsRunning = (context.store.list("pods", deployment.metadata.namespace) as TPod[]).some((pod) => {
      const owner = controllerOf(pod);
      return (
        owner !== undefined &&
        oldUids.has(owner.uid) &&
        pod.status?.phase !== "Failed" &&
        pod.status?.phase !== "Succeeded"
      );
    });
    if (!scaledDown && !oldPodsRunning) {
      if (!newReplicaSet)
        ({ newReplicaSet, oldReplicaSets } = await this.newReplicaSet(
          context,
          deployment,
          [...oldReplicaSets],
          () => deployment.spec.replicas ?? 1,
        ));
      else if (specReplicas(newReplicaSet) !== (deployment.spec.replicas ?? 1))
        newReplicaSet = await this.scale(context, deployment, newReplicaSet, deployment.spec.replicas ?? 1);
      if (this.isComplete(deployment, this.calculateStatus(deployment, newReplicaSet, oldReplicaSets)))
        await this.cleanup(context, deployment, oldReplicaSets);
    }
    await this.updateStatus(context, deployment, newReplicaSet, oldReplicaSets, true);
  }

  /** Deletes the oldest scaled-down ReplicaSets beyond revisionHistoryLimit. */
  private async cleanup(
    context: TControllerContext,
    deployment: TDeployment,
    oldReplicaSets: TReplicaSet[],
  ): Promise<void> {
    const limit = deployment.spec.revisionHistoryLimit ?? 10;
    const cleanable = oldReplicaSets
      .filter((rs) => !rs.metadata.deletionTimestamp)
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    const surplus = cleanable.length - limit;
    for (const replicaSet of cleanable.slice(0, Math.max(0, surplus))) {
      const idle =
        Number(replicaSet.status?.replicas ?? 0) === 0 &&
        specReplicas(replicaSet) === 0 &&
        Number(replicaSet.metadata.generation ?? 1) <= Number(replicaSet.status?.observedGeneration ?? 0);
      if (idle)
        await context.registry.delete(
          replicaSetKind,
          replicaSet.metadata.namespace ?? "",
          replicaSet.metadata.name ?? "",
          { user },
        );
    }
  }

  private calculateStatus(
    deployment: TDeployment,
    newReplicaSet: TReplicaSet | undefined,
    oldReplicaSets: TReplicaSet[],
  ): TDeploymentStatus {
    const all = [...oldReplicaSets, ...(newReplicaSet ? [newReplicaSet] : [])];
    const available = sum(all, (rs) => Number(rs.status?.availableReplicas ?? 0));
    const status: TDeploymentStatus = { observedGeneration: Number(deployment.metadata.generation ?? 1) };
    const counts: [keyof TDeploymentStatus, number][] = [
      ["replicas", sum(all, (rs) => Number(rs.status?.replicas ?? 0))],
      ["updatedReplicas", newReplicaSet ? Number(newReplicaSet.status?.replicas ?? 0) : 0],
      ["readyReplicas", sum(all, (rs) => Number(rs.status?.readyReplicas ?? 0))],
      ["availableReplicas", available],
      ["unavailableReplicas", Math.max(0, sum(all, specReplicas) - available)],
    ];
    // Go omits zero counts from the JSON.
    for (const [key, value] of counts) if (value !== 0) (status as Record<string, number>)[key] = value;
    if (deployment.status?.conditions) status.conditions = structuredClone(deployment.status.conditions);
    if (deployment.status?.collisionCount !== undefined) status.collisionCount = deployment.status.collisionCount;
    const replicas = deployment.spec.replicas ?? 1;
    if (available >= replicas - fenceposts(deployment).maxUnavailable)
      setCondition(
        status,
        condition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability."),
      );
    else
      setCondition(
        status,
        condition("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability."),
      );
    return status;
  }

  private isComplete(deployment: TDeployment, status: TDeploymentStatus): boolean {
    const replicas = deployment.spec.replicas ?? 1;
    return (
      (status.updatedReplicas ?? 0) === replicas &&
      (status.replicas ?? 0) === replicas &&
      (status.availableReplicas ?? 0) === replicas &&
      (status.observedGeneration ?? 0) >= Number(deployment.metadata.generation ?? 1)
    );
  }

  /** Writes the rollout status (upstream's syncRolloutStatus) and looks again when the progress deadline would pass. */
  private async updateStatus(
    context: TControllerContext,
    deployment: TDeployment,
    newReplicaSet: TReplicaSet | undefined,
    oldReplicaSets: TReplicaSet[],
    trackProgress: boolean,
  ): Promise<void> {
    const status = this.calculateStatus(deployment, newReplicaSet, oldReplicaSets);
    const previous = deployment.status ?? {};
    const deadline = deployment.spec.progressDeadlineSeconds;
    const progressing = status.conditions?.find((c) => c.type === "Progressing");
    const name = deployment.metadata.name ?? "";
    const subject = newReplicaSet ? `ReplicaSet "${newReplicaSet.metadata.name ?? ""}"` : `Deployment "${name}"`;
    let recheck: number | undefined;
    if (trackProgress && deadline !== undefined) {
      const completeBefore =
        status.replicas === status.updatedReplicas && progressing?.reason === "NewReplicaSetAvailable";
      if (!completeBefore) {
        const oldBefore = (previous.replicas ?? 0) - (previous.updatedReplicas ?? 0);
        const oldNow = (status.replicas ?? 0) - (status.updatedReplicas ?? 0);
        if (this.isComplete(deployment, status)) {
          setCondition(
            status,
            condition("Progressing", "True", "NewReplicaSetAvailable", `${subject} has successfully progressed.`),
          );
        } else if (
          (status.updatedReplicas ?? 0) > (previous.updatedReplicas ?? 0) ||
          oldNow < oldBefore ||
          (status.readyReplicas ?? 0) > (previous.readyReplicas ?? 0) ||
          (status.availableReplicas ?? 0) > (previous.availableReplicas ?? 0)
        ) {
          const next = condition("Progressing", "True", "ReplicaSetUpdated", `${subject} is progressing.`);
          if (progressing?.status === "True") next.lastTransitionTime = progressing.lastTransitionTime;
          removeCondition(status, "Progressing");
          setCondition(status, next);
        } else if (
          progressing &&
          progressing.reason !== "NewReplicaSetAvailable" &&
          progressing.reason !== "ProgressDeadlineExceeded"
        ) {
          const due = Date.parse(progressing.lastUpdateTime) + deadline * 1000;
          if (due < Date.now())
            setCondition(
              status,
              condition("Progressing", "False", "ProgressDeadlineExceeded", `${subject} has timed out progressing.`),
            );
          else recheck = due - Date.now() + 1000;
        }
      }
    }
    // The pods' refusal, as the ReplicaSet reports it, shows on the Deployment too.
    const failure = [newReplicaSet, ...oldReplicaSets]
      .flatMap((rs) => rs?.status?.conditions ?? [])
      .find((c) => c.type === "ReplicaFailure");
    if (failure)
      setCondition(status, {
        type: "ReplicaFailure",
        status: failure.status as TDeploymentCondition["status"],
        lastUpdateTime: failure.lastTransitionTime,
        lastTransitionTime: failure.lastTransitionTime,
        reason: failure.reason,
        message: failure.message,
      });
    else removeCondition(status, "ReplicaFailure");
    if (JSON.stringify(status) !== JSON.stringify(previous)) {
      const stored = context.store.get("deployments", deployment.metadata.namespace ?? "", name) as
        TDeployment | undefined;
      if (stored && stored.metadata.uid === deployment.metadata.uid)
        await context.registry.update(
          deploymentKind,
          stored,
          { ...stored, status },
          { dryRun: false, user, subresource: "status" },
        );
    }
    if (recheck !== undefined) this.queue?.add(keyOf(deployment.metadata.namespace, name), recheck);
  }

  /** The Progressing condition of a paused (Unknown, DeploymentPaused) or resumed (DeploymentResumed) rollout. */
  private async syncPausedCondition(context: TControllerContext, deployment: TDeployment): Promise<void> {
    if (deployment.spec.progressDeadlineSeconds === undefined) return;
    const status = structuredClone(deployment.status ?? {});
    const progressing = status.conditions?.find((c) => c.type === "Progressing");
    if (progressing?.reason === "ProgressDeadlineExceeded") return;
    const paused = progressing?.reason === "DeploymentPaused";
    if (deployment.spec.paused && !paused)
      setCondition(status, condition("Progressing", "Unknown", "DeploymentPaused", "Deployment is paused"));
    else if (!deployment.spec.paused && paused)
      setCondition(status, condition("Progressing", "Unknown", "DeploymentResumed", "Deployment is resumed"));
    else return;
    const { object } = await context.registry.update(
      deploymentKind,
      deployment,
      { ...deployment, status },
      {
        dryRun: false,
        user,
        subresource: "status",
      },
    );
    deployment.status = (object as TDeployment).status;
    deployment.metadata.resourceVersion = object.metadata.resourceVersion;
  }
}
