import type { TKind } from "../registry/kind";
import {
  answered,
  authorizationGroup,
  decodeReviewProtobuf,
  refuseInvalid,
  reviewBody,
  specErrors,
  specOf,
  subjectOf,
} from "./access-review";

/**
 * authorization.k8s.io/v1 SubjectAccessReview: may `spec.user` (with `spec.groups`) make this request? What
 * the grader's accessReview checks ask for a learner's ServiceAccount; a user with no groups is asked about
 * as a member of none, exactly as the spec says.
 */
export const subjectAccessReviewKind: TKind = {
  group: authorizationGroup,
  version: "v1",
  kind: "SubjectAccessReview",
  resource: "subjectaccessreviews",
  singular: "subjectaccessreview",
  namespaced: false,
  verbs: ["create"],
  review(raw, { registry }) {
    const body = reviewBody(raw, "SubjectAccessReview");
    const spec = specOf(body);
    refuseInvalid("SubjectAccessReview", "subjectaccessreviews", specErrors(spec, { needsSubject: true }));
    return answered(body, spec, registry.store, subjectOf(spec));
  },
  decodeProtobuf: decodeReviewProtobuf,
};
