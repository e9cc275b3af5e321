import { unsupportedExpressions } from "../admission/validating-admission-policy";
import { crudVerbs, type TKind } from "../registry/kind";
import { humanAge } from "../clock";
import { column } from "../server/table";

/** admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy; admission/validating-admission-policy.ts enforces it. */
export const validatingAdmissionPolicyKind: TKind = {
  group: "admissionregistration.k8s.io",
  version: "v1",
  kind: "ValidatingAdmissionPolicy",
  resource: "validatingadmissionpolicies",
  singular: "validatingadmissionpolicy",
  namespaced: false,
  verbs: crudVerbs,
  categories: ["api-extensions"],
  // Said at create time, so a learner hears about an evaluator gap before a pod is denied for it.
  warningsOnCreate: (object) => unsupportedExpressions(object),
  table: {
    columns: [column("Name", "string", "name"), column("Validations", "integer"), column("ParamKind"), column("Age")],
    cells: (item, now) => {
      const spec = (item.spec ?? {}) as { validations?: unknown[]; paramKind?: { apiVersion?: string; kind?: string } };
      return [
        item.metadata.name,
        spec.validations?.length ?? 0,
        spec.paramKind ? `${spec.paramKind.apiVersion}/${spec.paramKind.kind}` : "<unset>",
        humanAge(item.metadata.creationTimestamp, now),
      ];
    },
  },
};
