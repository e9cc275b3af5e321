import { nodeName } from "../host";
import type { TPodNetwork } from "../network/node-network";
import { DeathWatcher } from "../runtime/death-watcher";
import { removeLeftovers } from "../runtime/leftovers";
import { PodWorker } from "../runtime/pod-worker";
import { nodeRejection, nodeSecurity } from "../runtime/security-profiles";
import { MountError, type TPodObjects } from "../runtime/volume-files";
import type { TokenIssuer } from "../tokens/token-issuer";
import { createTokenRequest } from "../tokens/token-request";
import type { TKubeObject, TPod, TPodStatus } from "../types";
import type { TController, TControllerContext } from "./controller";
import { watchResource } from "./controller";

/** Marks a pod the test cluster runs itself (CoreDNS): the kubelet leaves it alone. */
export const servedByClusterAnnotation = "cks-lab.io/served-by-test-cluster";

/**
 * The node: runs every stored pod as podman containers (one PodWorker each), writes their status back,
 * records the scheduler's and kubelet's events, and holds pod deletion until the containers are gone.
 */
export class Kubelet implements TController {
  readonly name = "kubelet";
  private readonly workers = new Map<string, PodWorker>();
  /** Pods the kubelet's admission refused: they never run. */
  private readonly rejected = new Set<string>();
  private readonly deaths = new DeathWatcher(
    (containerId, uid) => void this.workers.get(uid)?.containerDied(containerId),
    () => {
      for (const worker of this.workers.values()) void worker.reconcile();
    },
  );
  private unsubscribe?: () => void;

  /** `tokens` signs the token volumes' tokens; `network` gives each pod its sandbox (namespace and address); without one, pods run with no network. */
  constructor(
    private readonly tokens: TokenIssuer,
    private readonly network?: TPodNetwork,
  ) {}

  /** Clears a crashed run's containers, then follows podman's deaths and the store's pods. */
  async start(context: TControllerContext): Promise<void> {
    await removeLeftovers();
    this.deaths.start();
    // The kubelet is the pods' finalizer: a deleted pod stays (with deletionTimestamp) until its containers are gone.
    context.registry.addFinalizer("pods", (pod) => this.stopPod(pod));
    this.unsubscribe = watchResource(context.store, "pods", (event) => {
      if (event.type === "ADDED") this.runPod(context, event.object as TPod);
    });
  }

  /** The worker running `pod`, if it runs here (exec, attach and logs reach its containers through it). */
  worker(pod: TKubeObject): PodWorker | undefined {
    return this.workers.get(pod.metadata.uid ?? "");
  }

  /** Stops every pod's containers and the death watcher. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    await Promise.all([...this.workers.values()].map((worker) => worker.stop()));
    this.workers.clear();
    this.deaths.stop();
  }

  private runPod(context: TControllerContext, pod: TPod): void {
    const namespace = pod.metadata.namespace ?? "";
    const name = pod.metadata.name ?? "";
    const uid = pod.metadata.uid ?? "";
    // The pod may have been deleted (or replaced) between its creation and this notification.
    const current = context.store.get("pods", namespace, name);
    if (pod.metadata.annotations?.[servedByClusterAnnotation]) return;
    if (
      this.workers.has(uid) ||
      this.rejected.has(uid) ||
      current?.metadata.uid !== uid ||
      current.metadata.deletionTimestamp
    )
      return;
    // There is no scheduler: pods are bound at create time, so the kubelet reports the binding.
    context.events.record(pod, {
      type: "Normal",
      reason: "Scheduled",
      message: `Successfully assigned ${namespace}/${name} to ${nodeName}`,
      component: "default-scheduler",
    });
    // The kubelet's admit handlers run before any container: a refused pod fails and stays without one.
    const rejection = nodeRejection(pod, nodeSecurity());
    if (rejection) {
      this.rejected.add(uid);
      context.events.record(pod, {
        type: "Warning",
        reason: rejection.reason,
        message: rejection.message,
        component: "kubelet",
      });
      const stored = context.store.get("pods", namespace, name) as TPod | undefined;
      if (stored && stored.metadata.uid === uid) {
        stored.status = {
          phase: "Failed",
          // The scheduler's condition stays; the kubelet writes none of its own for a pod it never ran.
          conditions: (stored.status?.conditions ?? []).filter((condition) => condition.type === "PodScheduled"),
          reason: rejection.reason,
          message: `Pod was rejected: ${rejection.message}`,
          containerStatuses: [],
          qosClass: stored.status?.qosClass ?? "BestEffort",
        };
        context.store.put("pods", namespace, stored);
      }
      return;
    }
    const worker = new PodWorker(
      pod,
      (status: TPodStatus) => {
        const stored = context.store.get("pods", namespace, name) as TPod | undefined;
        if (!stored || stored.metadata.uid !== uid || stored.metadata.deletionTimestamp) return;
        stored.status = status;
        context.store.put("pods", namespace, stored);
      },
      (type, reason, message, fieldPath) =>
        context.events.record(pod, { type, reason, message, fieldPath, component: "kubelet" }),
      this.network,
      this.podObjects(context, pod),
    );
    this.workers.set(uid, worker);
    void worker.start();
  }

  /** What the pod's volumes and environment read: its namespace's Secrets and ConfigMaps, tokens bound to it. */
  private podObjects(context: TControllerContext, pod: TPod): TPodObjects {
    const namespace = pod.metadata.namespace ?? "";
    return {
      get: (resource, name) => context.store.get(resource, namespace, name),
      token: (audience, expirationSeconds) => {
        const account = (pod.spec as { serviceAccountName?: string }).serviceAccountName ?? "default";
        try {
          const request = createTokenRequest(context.registry, this.tokens, namespace, account, {
            spec: {
              ...(audience ? { audiences: [audience] } : {}),
              expirationSeconds,
              boundObjectRef: { kind: "Pod", apiVersion: "v1", name: pod.metadata.name, uid: pod.metadata.uid },
            },
          });
          return request.status?.token ?? "";
        } catch (error) {
          throw new MountError(`failed to fetch token: ${error instanceof Error ? error.message : String(error)}`);
        }
      },
    };
  }

  private async stopPod(pod: TKubeObject): Promise<void> {
    const uid = pod.metadata.uid ?? "";
    const worker = this.workers.get(uid);
    this.workers.delete(uid);
    this.rejected.delete(uid);
    await worker?.stop();
  }
}
