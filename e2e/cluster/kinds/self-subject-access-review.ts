import { badRequest, invalid } from "../k8s-status";

const authorizationGroup = "authorization.k8s.io";

/**
 * What kind's admin user (group kubeadm:cluster-admins) gets from a real API server's RBAC authorizer.
 * The test cluster has no RBAC, so every request is allowed and explained the same way.
 */
export const clusterAdminReason =
  'RBAC: allowed by ClusterRoleBinding "kubeadm:cluster-admins" of ClusterRole "cluster-admin" to Group "kubeadm:cluster-admins"';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

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
