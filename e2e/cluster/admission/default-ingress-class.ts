import type { ObjectStore } from "../registry/object-store";
import type { TAdmissionPlugin } from "./chain";

const defaultAnnotation = "ingressclass.kubernetes.io/is-default-class";

/**
 * kube-apiserver's DefaultIngressClass plugin: an Ingress created without a class (neither
 * spec.ingressClassName nor the old kubernetes.io/ingress.class annotation) gets the IngressClass
 * annotated as default; with several, the newest (then the first by name) wins.
 */
export function defaultIngressClassAdmission(store: ObjectStore): TAdmissionPlugin {
  return {
    name: "DefaultIngressClass",
    mutate(attributes) {
      if (attributes.operation !== "CREATE" || attributes.kind.resource !== "ingresses" || attributes.subresource)
        return;
      const spec = (attributes.object.spec ??= {}) as { ingressClassName?: string };
      if (spec.ingressClassName !== undefined) return;
      if (attributes.object.metadata.annotations?.["kubernetes.io/ingress.class"] !== undefined) return;
      const defaults = store
        .list("ingressclasses", undefined)
        .filter((c) => c.metadata.annotations?.[defaultAnnotation] === "true")
        .sort((a, b) => {
          const at = Date.parse(a.metadata.creationTimestamp ?? "");
          const bt = Date.parse(b.metadata.creationTimestamp ?? "");
          return at === bt ? (a.metadata.name ?? "").localeCompare(b.metadata.name ?? "") : bt - at;
        });
      const chosen = defaults[0]?.metadata.name;
      if (chosen) spec.ingressClassName = chosen;
    },
  };
}
