import { controllerUser, type TController, type TControllerContext } from "./controller";

const user = controllerUser("namespace-controller");

/**
 * The namespace controller's finalisation: a deleted namespace (Terminating meanwhile) leaves the store
 * only after every namespaced object in it is deleted, each through its own kind's deletion (pods stop
 * their containers first).
 */
export class NamespaceFinalizer implements TController {
  readonly name = "namespace-finalizer";

  async start({ registry }: TControllerContext): Promise<void> {
    registry.addFinalizer("namespaces", async (namespace) => {
      const name = namespace.metadata.name ?? "";
      for (const kind of registry.scheme.kinds) {
        if (!kind.namespaced) continue;
        const objects = registry.list(kind, name);
        await Promise.all(objects.map((object) => registry.delete(kind, name, object.metadata.name ?? "", { user })));
      }
    });
  }

  async stop(): Promise<void> {}
}
