import { AdmissionChain } from "../admission/chain";
import { ClusterRoleAggregation } from "../controllers/clusterrole-aggregation";
import { DefaultServiceAccounts } from "../controllers/default-service-account";
import { EventRecorder } from "../controllers/event-recorder";
import { NamespaceFinalizer } from "../controllers/namespace-finalizer";
import { RbacBootstrap } from "../controllers/rbac-bootstrap";
import { SystemNamespaces } from "../controllers/system-namespaces";
import { allKinds } from "../kinds";
import type { TKind } from "../registry/kind";
import { ObjectStore } from "../registry/object-store";
import { Registry } from "../registry/registry";
import { Scheme } from "../registry/scheme";

/**
 * For unit tests: a registry with every kind, the system namespaces, the bootstrap RBAC policy (aggregated
 * roles filled in) and the controllers that keep RBAC and ServiceAccounts current; no admission plugins and
 * no kubelet. `stop()` ends the controllers' watches.
 */
export async function rbacFixture() {
  const store = new ObjectStore();
  const registry = new Registry(new Scheme(allKinds), store, new AdmissionChain([]));
  const context = { registry, store, events: new EventRecorder(store, registry.scheme) };
  const controllers = [
    new SystemNamespaces(),
    new RbacBootstrap(),
    new ClusterRoleAggregation(),
    new NamespaceFinalizer(),
    new DefaultServiceAccounts(),
  ];
  for (const controller of controllers) await controller.start(context);
  const kind = (resource: string): TKind => {
    const found = registry.scheme.kinds.find((candidate) => candidate.resource === resource);
    if (!found) throw new Error(`no kind serves ${resource}`);
    return found;
  };
  return {
    registry,
    store,
    kind,
    /** Lets the controllers' queued work (aggregation, default ServiceAccounts) run. */
    settle: () => new Promise((resolve) => setTimeout(resolve, 20)),
    stop: async () => {
      for (const controller of controllers.reverse()) await controller.stop();
    },
  };
}
