import { crudVerbs, type TKind } from "../registry/kind";
import { humanAge } from "../clock";
import { column } from "../server/table";

/** admissionregistration.k8s.io/v1 ValidatingAdmissionPolicyBinding. */
export const validatingAdmissionPolicyBindingKind: TKind = {
  group: "admissionregistration.k8s.io",
  version: "v1",
  kind: "ValidatingAdmissionPolicyBinding",
  resource: "validatingadmissionpolicybindings",
  singular: "validatingadmissionpolicybinding",
  namespaced: false,
  verbs: crudVerbs,
  categories: ["api-extensions"],
  table: {
    columns: [column("Name", "string", "name"), column("PolicyName"), column("ParamRef"), column("Age")],
    cells: (item, now) => {
      const spec = (item.spec ?? {}) as { policyName?: string; paramRef?: { name?: string } };
      return [
        item.metadata.name,
        spec.policyName ?? "",
        spec.paramRef ? JSON.stringify(spec.paramRef) : "<unset>",
        humanAge(item.metadata.creationTimestamp, now),
      ];
    },
  },
};
