import type { TController } from "./controller";
import { DefaultServiceAccounts } from "./default-service-account";
import { Kubelet } from "./kubelet";
import { NamespaceFinalizer } from "./namespace-finalizer";
import { SystemNamespaces } from "./system-namespaces";

/**
 * The cluster's controllers, started in this order before the server listens and stopped in reverse on
 * close. The kubelet is returned by name too: pod subresources (log, exec, attach) reach containers through it.
 */
export function createControllers(): { kubelet: Kubelet; all: TController[] } {
  const kubelet = new Kubelet();
  return { kubelet, all: [new SystemNamespaces(), new NamespaceFinalizer(), new DefaultServiceAccounts(), kubelet] };
}
