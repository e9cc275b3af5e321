import type { ObjectStore } from "../registry/object-store";
import type { TAdmissionPlugin } from "./chain";
import { podSecurityAdmission } from "./pod-security";
import { validatingAdmissionPolicyAdmission } from "./validating-admission-policy";

/** The admission plugins every write passes through, in kube-apiserver's order (PodSecurity before policies). */
export function admissionPlugins(store: ObjectStore): TAdmissionPlugin[] {
  return [podSecurityAdmission, validatingAdmissionPolicyAdmission(store)];
}
