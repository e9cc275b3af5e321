import { humanAge } from "../clock";
import { invalid, type TFieldError } from "../k8s-status";
import { crudVerbs, refOf, type TKind } from "../registry/kind";
import { validateName } from "../registry/object-name";
import { column } from "../server/table";

// IsDomainPrefixedPath (k8s.io/apimachinery): "acme.io/foo".
const domainPrefixedPath = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[^/].*$/;

type TParameters = { apiGroup?: string; kind?: string; name?: string; scope?: string; namespace?: string };
type TIngressClassSpec = { controller?: unknown; parameters?: TParameters };

/** networking.k8s.io/v1 IngressClass: cluster-scoped; an Ingress names one in spec.ingressClassName. */
export const ingressClassKind: TKind = {
  group: "networking.k8s.io",
  version: "v1",
  kind: "IngressClass",
  resource: "ingressclasses",
  singular: "ingressclass",
  namespaced: false,
  verbs: crudVerbs,
  validate: (object) => [
    ...validateName(object.metadata.name, "metadata.name", "subdomain"),
    ...validateSpec(object.spec ?? {}),
  ],
  // pkg/apis/networking/v1/defaults.go: parameters without a scope refer to a cluster-scoped object.
  prepareForCreate(object) {
    const spec = (object.spec ?? {}) as TIngressClassSpec;
    if (spec.parameters && spec.parameters.scope === undefined) spec.parameters.scope = "Cluster";
  },
  prepareForUpdate(next, existing) {
    const before = ((existing.spec ?? {}) as TIngressClassSpec).controller;
    const after = ((next.spec ?? {}) as TIngressClassSpec).controller;
    if (before !== after) {
      throw invalid("IngressClass", refOf(ingressClassKind), existing.metadata.name ?? "", [
        { field: "spec.controller", type: "FieldValueInvalid", value: after, detail: "field is immutable" },
      ]);
    }
  },
  table: {
    columns: [column("Name", "string", "name"), column("Controller"), column("Parameters"), column("Age")],
    cells: (item, now) => {
      const parameters = ((item.spec ?? {}) as TIngressClassSpec).parameters;
      return [
        item.metadata.name,
        ((item.spec ?? {}) as TIngressClassSpec).controller ?? "",
        parameters
          ? `${parameters.kind ?? ""}${parameters.apiGroup ? `.${parameters.apiGroup}` : ""}/${parameters.name ?? ""}`
          : "<none>",
        humanAge(item.metadata.creationTimestamp, now),
      ];
    },
  },
};

function validateSpec(spec: TIngressClassSpec): TFieldError[] {
  const errors: TFieldError[] = [];
  const controller = typeof spec.controller === "string" ? spec.controller : "";
  if (controller === "") errors.push({ field: "spec.controller", type: "FieldValueRequired", detail: "" });
  else if (controller.length > 250)
    errors.push({
      field: "spec.controller",
      type: "FieldValueInvalid",
      value: controller,
      detail: "must be no more than 250 bytes",
    });
  else if (!domainPrefixedPath.test(controller))
    errors.push({
      field: "spec.controller",
      type: "FieldValueInvalid",
      value: controller,
      detail: 'must be a domain-prefixed path (such as "acme.io/foo")',
    });
  const parameters = spec.parameters;
  if (parameters) {
    if (!parameters.kind)
      errors.push({ field: "spec.parameters.kind", type: "FieldValueRequired", detail: "kind is required" });
    if (!parameters.name)
      errors.push({ field: "spec.parameters.name", type: "FieldValueRequired", detail: "name is required" });
    const scope = parameters.scope ?? "Cluster";
    if (scope !== "Cluster" && scope !== "Namespace")
      errors.push({
        field: "spec.parameters.scope",
        type: "FieldValueNotSupported",
        value: scope,
        detail: 'supported values: "Cluster", "Namespace"',
      });
    if (scope === "Namespace" && !parameters.namespace)
      errors.push({
        field: "spec.parameters.namespace",
        type: "FieldValueRequired",
        detail: "`parameters.scope` is set to 'Namespace'",
      });
    if (scope === "Cluster" && parameters.namespace)
      errors.push({
        field: "spec.parameters.namespace",
        type: "FieldValueForbidden",
        detail: "`parameters.scope` is set to 'Cluster'",
      });
  }
  return errors;
}
