import {
  controllerUser,
  isActiveNamespace as isActive,
  watchResource,
  type TController,
  type TControllerContext,
} from "./controller";

const user = controllerUser("service-account-controller");

/**
 * kube-controller-manager's serviceaccount controller: every active namespace has a ServiceAccount named
 * `default`, created when the namespace appears and again whenever someone deletes it.
 */
export class DefaultServiceAccounts implements TController {
  readonly name = "serviceaccount";
  private readonly unsubscribe: Array<() => void> = [];

  async start({ registry, store }: TControllerContext): Promise<void> {
    const namespaces = registry.scheme.resource("", "v1", "namespaces");
    const serviceAccounts = registry.scheme.resource("", "v1", "serviceaccounts");
    if (!namespaces || !serviceAccounts) throw new Error("the Namespace and ServiceAccount kinds must be registered");
    const ensure = async (namespace: string) => {
      if (!isActive(registry.find(namespaces, "", namespace))) return;
      if (registry.find(serviceAccounts, namespace, "default")) return;
      try {
        await registry.create(serviceAccounts, namespace, { metadata: { name: "default" } }, { dryRun: false, user });
      } catch (error) {
        // Someone (or an earlier event) created it meanwhile, or the namespace began terminating: nothing to do.
        if (registry.find(serviceAccounts, namespace, "default")) return;
        if (!isActive(registry.find(namespaces, "", namespace))) return;
        throw error;
      }
    };
    this.unsubscribe.push(
      watchResource(store, "namespaces", (event) =>
        event.type === "DELETED" ? undefined : ensure(event.object.metadata.name ?? ""),
      ),
      watchResource(store, "serviceaccounts", (event) =>
        event.type === "DELETED" && event.object.metadata.name === "default" ? ensure(event.namespace) : undefined,
      ),
    );
  }

  async stop(): Promise<void> {
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe();
  }
}
