import { afterEach, describe, expect, it, vi } from "vitest";
import { AdmissionChain, type TAdmissionPlugin } from "../admission/chain";
import { forbidden } from "../k8s-status";
import { allKinds } from "../kinds";
import { deploymentKind, type TDeployment } from "../kinds/deployment";
import { replicaSetKind, type TReplicaSet } from "../kinds/replica-set";
import { clusterAdmin } from "../registry/kind";
import { ObjectStore } from "../registry/object-store";
import { Registry } from "../registry/registry";
import { Scheme } from "../registry/scheme";
import type { TPod } from "../types";
import type { TController } from "./controller";
import { DeploymentController, fenceposts, scaledValue } from "./deployment-controller";
import { EventRecorder } from "./event-recorder";
import { GarbageCollector } from "./garbage-collector";
import { deletionOrder } from "./replica-set-controller";
import { SystemNamespaces } from "./system-namespaces";

const namespace = "lab";
const write = { dryRun: false, user: clusterAdmin };

// Admission that refuses pods labelled deny=yes, as a policy would.
const denyLabelled: TAdmissionPlugin = {
  name: "DenyLabelled",
  validate({ kind, object, name }) {
    if (kind.resource === "pods" && object.metadata.labels?.deny === "yes")
      throw forbidden({ resource: "pods", group: "" }, name, "pods labelled deny=yes are refused");
    return [];
  },
};

/**
 * The control plane without a node: the Deployment, ReplicaSet and garbage-collection controllers over a
 * real registry. A stand-in kubelet makes pods Running and Ready a moment after they are created.
 */
async function controlPlane() {
  const scheme = new Scheme(allKinds);
  const store = new ObjectStore();
  const registry = new Registry(scheme, store, new AdmissionChain([denyLabelled]));
  const events = new EventRecorder(store, scheme);
  const controllers: TController[] = [
    new SystemNamespaces(),
    new GarbageCollector(),
    new DeploymentController(),
    new (await import("./replica-set-controller")).ReplicaSetController(),
  ];
  for (const controller of controllers) await controller.start({ registry, store, events });
  await registry.create(scheme.resource("", "v1", "namespaces")!, "", { metadata: { name: namespace } }, write);
  let kubelet = true;
  const starting = new Set<string>();
  store.events.on("event", (event: { type: string; resource: string; object: TPod }) => {
    if (event.resource !== "pods" || event.type !== "ADDED" || !kubelet) return;
    const name = event.object.metadata.name ?? "";
    starting.add(name);
    setTimeout(() => {
      starting.delete(name);
      const pod = store.get("pods", namespace, name) as TPod | undefined;
      if (!pod || pod.metadata.deletionTimestamp) return;
      const now = new Date().toISOString();
      pod.status = {
        phase: "Running",
        conditions: [{ type: "Ready", status: "True", lastProbeTime: null, lastTransitionTime: now }],
        containerStatuses: [],
      };
      store.put("pods", namespace, pod);
    }, 20);
  });
  return {
    registry,
    store,
    stop: async () => {
      kubelet = false;
      for (const controller of [...controllers].reverse()) await controller.stop();
    },
    deployment: (name: string) => store.get("deployments", namespace, name) as TDeployment,
    replicaSets: () => store.list("replicasets", namespace) as TReplicaSet[],
    pods: () => (store.list("pods", namespace) as TPod[]).filter((pod) => !pod.metadata.deletionTimestamp),
    events: (reason: string) =>
      store
        .list("events", namespace)
        .filter((event) => event.reason === reason)
        .map((event) => String(event.message)),
  };
}

const manifest = (name: string, fields: Record<string, unknown> = {}, labels: Record<string, string> = {}) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name },
  spec: {
    replicas: 4,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name, ...labels } },
      spec: { containers: [{ name: "app", image: "busybox", command: ["sleep", "3600"] }] },
    },
    ...fields,
  },
});

let stopping: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stopping?.();
  stopping = undefined;
});

describe("rolling update arithmetic", () => {
  it.each([
    ["25%", 4, true, 1],
    ["25%", 3, true, 1],
    ["25%", 3, false, 0],
    ["50%", 5, false, 2],
    [2, 10, false, 2],
  ] as const)("%s of %i rounded %s is %i", (value, total, up, expected) => {
    expect(scaledValue(value, total, up)).toBe(expected);
  });

  it("never lets maxSurge and maxUnavailable both be 0", () => {
    const deployment = manifest("x", {
      replicas: 3,
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "10%", maxUnavailable: "10%" } },
    }) as unknown as TDeployment;
    expect(fenceposts(deployment)).toEqual({ maxSurge: 1, maxUnavailable: 0 });
    deployment.spec.strategy = { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: "10%" } };
    expect(fenceposts(deployment)).toEqual({ maxSurge: 0, maxUnavailable: 1 });
  });

  it("deletes pending before running, not ready before ready, newer before older", () => {
    const pod = (name: string, phase: string, ready: boolean, created: string): TPod =>
      ({
        metadata: { name, creationTimestamp: created },
        spec: { containers: [] },
        status: {
          phase,
          conditions: [
            { type: "Ready", status: ready ? "True" : "False", lastProbeTime: null, lastTransitionTime: created },
          ],
          containerStatuses: [],
        },
      }) as TPod;
    const pods = [
      pod("old-ready", "Running", true, "2026-01-01T00:00:00Z"),
      pod("new-ready", "Running", true, "2026-01-02T00:00:00Z"),
      pod("not-ready", "Running", false, "2026-01-01T00:00:00Z"),
      pod("pending", "Pending", false, "2026-01-01T00:00:00Z"),
    ];
    expect(pods.sort(deletionOrder).map((p) => p.metadata.name)).toEqual([
      "pending",
      "not-ready",
      "new-ready",
      "old-ready",
    ]);
  });
});

describe("the Deployment and ReplicaSet controllers", () => {
  it("rolls a new template out within maxSurge 1 and maxUnavailable 0: never more than 5 pods, never fewer than 4 ready", async () => {
    const plane = await controlPlane();
    stopping = plane.stop;
    const strategy = { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };
    await plane.registry.create(deploymentKind, namespace, manifest("web", { strategy }), write);
    await vi.waitFor(() => expect(plane.deployment("web").status?.availableReplicas).toBe(4), { timeout: 5000 });

    let most = 0;
    let fewestReady = Infinity;
    const watch = () => {
      const pods = plane.pods();
      most = Math.max(most, pods.length);
      fewestReady = Math.min(
        fewestReady,
        pods.filter((p) => p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")).length,
      );
    };
    plane.store.events.on("event", watch);
    const current = plane.deployment("web");
    const changed = structuredClone(current);
    changed.spec.template.spec.containers[0]!.image = "busybox:1.36";
    await plane.registry.update(deploymentKind, current, changed, write);
    await vi.waitFor(
      () => {
        const deployment = plane.deployment("web");
        expect(deployment.metadata.annotations?.["deployment.kubernetes.io/revision"]).toBe("2");
        expect(deployment.status?.observedGeneration).toBe(deployment.metadata.generation);
        expect(deployment.status?.conditions?.find((c) => c.type === "Progressing")?.reason).toBe(
          "NewReplicaSetAvailable",
        );
        expect(deployment.status).toMatchObject({ replicas: 4, updatedReplicas: 4, availableReplicas: 4 });
      },
      { timeout: 10_000 },
    );
    plane.store.events.off("event", watch);
    expect(most).toBe(5);
    expect(fewestReady).toBe(4);
    const [first, second] = plane
      .replicaSets()
      .sort(
        (a, b) =>
          Number(a.metadata.annotations?.["deployment.kubernetes.io/revision"]) -
          Number(b.metadata.annotations?.["deployment.kubernetes.io/revision"]),
      );
    expect(first?.spec.replicas).toBe(0);
    expect(second?.spec.replicas).toBe(4);
    // One step at a time: the new set grows by one as each old pod goes.
    expect(plane.events("ScalingReplicaSet").sort()).toEqual(
      [
        ...[0, 1, 2, 3].map((n) => `Scaled up replica set ${second?.metadata.name} from ${n} to ${n + 1}`),
        ...[4, 3, 2, 1].map((n) => `Scaled down replica set ${first?.metadata.name} from ${n} to ${n - 1}`),
        `Scaled up replica set ${first?.metadata.name} from 0 to 4`,
      ].sort(),
    );
  });

  it("reports a refused pod as FailedCreate and ReplicaFailure, then clears it when the template is fixed", async () => {
    const plane = await controlPlane();
    stopping = plane.stop;
    await plane.registry.create(deploymentKind, namespace, manifest("web", { replicas: 1 }, { deny: "yes" }), write);
    await vi.waitFor(
      () => expect(plane.deployment("web").status?.conditions?.map((c) => c.type)).toContain("ReplicaFailure"),
      { timeout: 5000 },
    );
    const [replicaSet] = plane.replicaSets();
    const failure = plane.events("FailedCreate")[0] ?? "";
    expect(failure).toMatch(
      new RegExp(
        `^Error creating: pods "${replicaSet?.metadata.name}-[a-z0-9]{5}" is forbidden: pods labelled deny=yes are refused$`,
      ),
    );
    // The condition keeps the first refusal's message while creates keep failing.
    expect(replicaSet?.status?.conditions).toEqual([
      expect.objectContaining({ type: "ReplicaFailure", status: "True", reason: "FailedCreate" }),
    ]);
    expect(plane.events("FailedCreate")).toContain(`Error creating: ${replicaSet?.status?.conditions?.[0]?.message}`);
    expect(plane.deployment("web").status?.conditions?.find((c) => c.type === "ReplicaFailure")).toMatchObject({
      status: "True",
      reason: "FailedCreate",
    });
    const current = plane.deployment("web");
    const fixed = structuredClone(current);
    delete fixed.spec.template.metadata!.labels!.deny;
    await plane.registry.update(deploymentKind, current, fixed, write);
    await vi.waitFor(
      () => {
        const status = plane.deployment("web").status;
        expect(status?.availableReplicas).toBe(1);
        expect(status?.conditions?.map((c) => c.type)).not.toContain("ReplicaFailure");
      },
      { timeout: 5000 },
    );
  });

  it("deletes a Deployment's ReplicaSets and pods after it (background), or leaves them ownerless (orphan)", async () => {
    const plane = await controlPlane();
    stopping = plane.stop;
    await plane.registry.create(deploymentKind, namespace, manifest("gone", { replicas: 2 }), write);
    await plane.registry.create(deploymentKind, namespace, manifest("kept", { replicas: 1 }), write);
    await vi.waitFor(() => expect(plane.pods()).toHaveLength(3), { timeout: 5000 });
    await plane.registry.delete(deploymentKind, namespace, "gone", {
      user: clusterAdmin,
      propagationPolicy: "Background",
    });
    await plane.registry.delete(deploymentKind, namespace, "kept", { user: clusterAdmin, propagationPolicy: "Orphan" });
    await vi.waitFor(() => expect(plane.pods().map((p) => p.metadata.labels?.app)).toEqual(["kept"]), {
      timeout: 5000,
    });
    const [orphan, ...others] = plane.replicaSets();
    expect(others).toEqual([]);
    expect(orphan?.metadata.labels?.app).toBe("kept");
    expect(orphan?.metadata.ownerReferences).toBeUndefined();
    // The orphaned ReplicaSet still keeps its pod.
    await plane.registry.delete(replicaSetKind, namespace, orphan?.metadata.name ?? "", {
      user: clusterAdmin,
      propagationPolicy: "Foreground",
    });
    expect(plane.pods()).toEqual([]);
  });
});
