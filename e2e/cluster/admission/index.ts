import type { ObjectStore } from "../registry/object-store";
import type { TAdmissionPlugin } from "./chain";
import { defaultIngressClassAdmission } from "./default-ingress-class";
import { podSecurityAdmission } from "./pod-security";
import { validatingAdmissionPolicyAdmission } from "./validating-admission-policy";

/**
 * The admission plugins every write passes through, in kube-apiserver's order (PodSecurity, then
 * DefaultIngressClass, then policies).
 */
export function admissionPlugins(store: ObjectStore): TAdmissionPlugin[] {
  return [podSecurityAdmission, defaultIngressClassAdmission(store), validatingAdmissionPolicyAdmission(store)];
}
