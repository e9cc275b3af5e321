import { randomInt } from "node:crypto";
import { forbidden } from "../k8s-status";
import { refOf } from "../registry/kind";
import type { ObjectStore } from "../registry/object-store";
import type { TContainer, TPod, TVolume } from "../types";
import type { TAdmissionPlugin } from "./chain";

/** Where the token volume is mounted in every container (DefaultAPITokenMountPath). */
export const apiTokenMountPath = "/var/run/secrets/kubernetes.io/serviceaccount";
const volumePrefix = "kube-api-access-";

// apimachinery's SimpleNameGenerator: five characters from an alphabet without vowels and look-alikes.
const alphabet = "bcdfghjklmnpqrstvwxz2456789";
const randomSuffix = () => Array.from({ length: 5 }, () => alphabet[randomInt(alphabet.length)]).join("");

/** The projected volume the plugin adds: a bound token, the cluster CA and the namespace. */
export function apiAccessVolume(name: string): TVolume {
  return {
    name,
    projected: {
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: "token" } },
        { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
        {
          downwardAPI: {
            items: [{ path: "namespace", fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } }],
          },
        },
      ],
      defaultMode: 420,
    },
  };
}

/**
 * Whether a pod gets the token volume: the pod's `automountServiceAccountToken` wins when set, then the
 * account's, and without either the answer is yes.
 */
export function shouldAutomount(pod: TPod, account: { automountServiceAccountToken?: boolean }): boolean {
  const own = (pod.spec as { automountServiceAccountToken?: boolean }).automountServiceAccountToken;
  if (own !== undefined) return own;
  return account.automountServiceAccountToken ?? true;
}

/** Adds the token volume and a read-only mount of it to every container that has nothing at the path. */
export function mountApiAccess(pod: TPod, suffix = randomSuffix()): void {
  const spec = pod.spec;
  const existing = (spec.volumes ?? []).find((volume) => volume.name.startsWith(volumePrefix));
  const name = existing?.name ?? `${volumePrefix}${suffix}`;
  let needed = false;
  const mountIn = (containers: TContainer[] | undefined) => {
    for (const container of containers ?? []) {
      if ((container.volumeMounts ?? []).some((mount) => mount.mountPath === apiTokenMountPath)) continue;
      container.volumeMounts = [
        ...(container.volumeMounts ?? []),
        { name, readOnly: true, mountPath: apiTokenMountPath },
      ];
      needed = true;
    }
  };
  mountIn(spec.initContainers);
  mountIn(spec.containers);
  if (!existing && needed) spec.volumes = [...(spec.volumes ?? []), apiAccessVolume(name)];
}

/**
 * kube-apiserver's ServiceAccount admission plugin (plugin/pkg/admission/serviceaccount) for pod creates:
 * `serviceAccountName` defaults to `default`, the account must exist (else 403 with the API server's
 * wording), and unless automount is off on the pod, or on the account without the pod overriding it,
 * every container gets the `kube-api-access-<random>` projected volume at
 * /var/run/secrets/kubernetes.io/serviceaccount.
 */
export function serviceAccountAdmission(store: ObjectStore): TAdmissionPlugin {
  return {
    name: "ServiceAccount",
    async mutate(attributes) {
      if (attributes.operation !== "CREATE" || attributes.kind.resource !== "pods" || attributes.subresource) return;
      const pod = attributes.object as TPod;
      // Static (mirror) pods may not use service accounts at all; there are none here.
      const spec = pod.spec as { serviceAccountName?: string; serviceAccount?: string };
      spec.serviceAccountName ||= "default";
      spec.serviceAccount = spec.serviceAccountName;
      let account = store.get("serviceaccounts", attributes.namespace, spec.serviceAccountName);
      // A namespace created a moment ago may not have its default account yet: wait briefly for the controller.
      for (let waited = 0; !account && spec.serviceAccountName === "default" && waited < 2000; waited += 50) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        account = store.get("serviceaccounts", attributes.namespace, spec.serviceAccountName);
      }
      if (!account)
        throw forbidden(
          refOf(attributes.kind),
          attributes.name,
          `error looking up service account ${attributes.namespace}/${spec.serviceAccountName}: serviceaccount "${spec.serviceAccountName}" not found`,
        );
      if (shouldAutomount(pod, account as { automountServiceAccountToken?: boolean })) mountApiAccess(pod);
    },
  };
}
