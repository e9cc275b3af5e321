import type { ObjectStore } from "../registry/object-store";
import type { TAdmissionPlugin } from "./chain";
import { defaultIngressClassAdmission } from "./default-ingress-class";
import { podSecurityAdmission } from "./pod-security";
import { serviceAccountAdmission } from "./service-account";
import { validatingAdmissionPolicyAdmission } from "./validating-admission-policy";

/**
 * The admission plugins every write passes through, in kube-apiserver's order (ServiceAccount, PodSecurity,
 * DefaultIngressClass, then policies).
 */
export function admissionPlugins(store: ObjectStore): TAdmissionPlugin[] {
  return [
    serviceAccountAdmission(store),
    podSecurityAdmission,
    defaultIngressClassAdmission(store),
    validatingAdmissionPolicyAdmission(store),
  ];
}
