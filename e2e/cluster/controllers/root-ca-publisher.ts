import type { TKubeObject } from "../types";
import {
  controllerUser,
  isActiveNamespace,
  watchResource,
  type TController,
  type TControllerContext,
} from "./controller";

const user = controllerUser("root-ca-cert-publisher");

/** The ConfigMap every namespace gets, and the key the service account token volume projects. */
export const rootCaConfigMapName = "kube-root-ca.crt";

// The text kube-controller-manager's publisher puts on it (pkg/controller/certificates/rootcacertpublisher).
const description =
  "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.";

/**
 * kube-controller-manager's root-ca-cert-publisher: every active namespace has a ConfigMap `kube-root-ca.crt`
 * whose `ca.crt` is the CA that signed the API server's certificate (here the self-signed certificate itself).
 * It is created with the namespace, recreated when deleted and put back when edited.
 */
export class RootCaPublisher implements TController {
  readonly name = "root-ca-cert-publisher";
  private readonly unsubscribe: Array<() => void> = [];

  constructor(private readonly caPem: string) {}

  async start({ registry, store }: TControllerContext): Promise<void> {
    const namespaces = registry.scheme.resource("", "v1", "namespaces");
    const configMaps = registry.scheme.resource("", "v1", "configmaps");
    if (!namespaces || !configMaps) throw new Error("the Namespace and ConfigMap kinds must be registered");
    const wanted = (existing: TKubeObject | undefined): TKubeObject => ({
      ...existing,
      metadata: {
        ...existing?.metadata,
        name: rootCaConfigMapName,
        annotations: { ...existing?.metadata.annotations, "kubernetes.io/description": description },
      },
      data: { "ca.crt": this.caPem },
    });
    const current = (object: TKubeObject) =>
      JSON.stringify(object.data) === JSON.stringify({ "ca.crt": this.caPem }) &&
      object.metadata.annotations?.["kubernetes.io/description"] === description;
    const sync = async (namespace: string) => {
      if (!isActiveNamespace(registry.find(namespaces, "", namespace))) return;
      const existing = registry.find(configMaps, namespace, rootCaConfigMapName);
      try {
        if (!existing) await registry.create(configMaps, namespace, wanted(undefined), { dryRun: false, user });
        else if (!current(existing))
          await registry.update(configMaps, existing, wanted(existing), { dryRun: false, user });
      } catch (error) {
        // The namespace began terminating, or another event already did the work.
        if (!isActiveNamespace(registry.find(namespaces, "", namespace))) return;
        const now = registry.find(configMaps, namespace, rootCaConfigMapName);
        if (now && current(now)) return;
        throw error;
      }
    };
    this.unsubscribe.push(
      watchResource(store, "namespaces", (event) =>
        event.type === "DELETED" ? undefined : sync(event.object.metadata.name ?? ""),
      ),
      watchResource(store, "configmaps", (event) =>
        event.object.metadata.name === rootCaConfigMapName && event.type !== "ADDED"
          ? sync(event.namespace)
          : undefined,
      ),
    );
  }

  async stop(): Promise<void> {
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe();
  }
}
