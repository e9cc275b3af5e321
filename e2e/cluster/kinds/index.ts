import type { TKind } from "../registry/kind";
import { configMapKind } from "./config-map";
import { deploymentKind } from "./deployment";
import { eventKind } from "./event";
import { ingressKind } from "./ingress";
import { ingressClassKind } from "./ingress-class";
import { networkPolicyKind } from "./network-policy";
import { secretKind } from "./secret";
import { serviceKind } from "./service";
import { namespaceKind } from "./namespace";
import { podKind } from "./pod";
import { clusterRoleKind } from "./cluster-role";
import { clusterRoleBindingKind } from "./cluster-role-binding";
import { localSubjectAccessReviewKind } from "./local-subject-access-review";
import { roleKind } from "./role";
import { roleBindingKind } from "./role-binding";
import { replicaSetKind } from "./replica-set";
import { selfSubjectAccessReviewKind } from "./self-subject-access-review";
import { selfSubjectReviewKind } from "./self-subject-review";
import { selfSubjectRulesReviewKind } from "./self-subject-rules-review";
import { subjectAccessReviewKind } from "./subject-access-review";
import { serviceAccountKind } from "./service-account";
import { validatingAdmissionPolicyKind } from "./validating-admission-policy";
import { validatingAdmissionPolicyBindingKind } from "./validating-admission-policy-binding";

/**
 * Every kind the test cluster serves. Routing, discovery, the OpenAPI stub, tables and protobuf
 * decoding all follow this list; its order is discovery's order (core group first).
 */
export const allKinds: readonly TKind[] = [
  namespaceKind,
  podKind,
  eventKind,
  serviceKind,
  secretKind,
  configMapKind,
  serviceAccountKind,
  // apps comes before admissionregistration.k8s.io in kube-apiserver's /apis, as here.
  deploymentKind,
  replicaSetKind,
  validatingAdmissionPolicyKind,
  validatingAdmissionPolicyBindingKind,
  selfSubjectReviewKind,
  selfSubjectAccessReviewKind,
  selfSubjectRulesReviewKind,
  subjectAccessReviewKind,
  localSubjectAccessReviewKind,
  roleKind,
  clusterRoleKind,
  roleBindingKind,
  clusterRoleBindingKind,
  ingressKind,
  ingressClassKind,
  networkPolicyKind,
];
