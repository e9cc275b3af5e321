import { isRecord } from "../is-record";
import { badRequest } from "../k8s-status";
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
 * authorization.k8s.io/v1 LocalSubjectAccessReview: a SubjectAccessReview posted into one namespace (what
 * the `admin` role may create), limited to resource requests in that namespace.
 */
export const localSubjectAccessReviewKind: TKind = {
  group: authorizationGroup,
  version: "v1",
  kind: "LocalSubjectAccessReview",
  resource: "localsubjectaccessreviews",
  singular: "localsubjectaccessreview",
  namespaced: true,
  verbs: ["create"],
  review(raw, { registry, namespace }) {
    const body = reviewBody(raw, "LocalSubjectAccessReview");
    const spec = specOf(body);
    const errors = specErrors(spec, { needsSubject: true });
    if (spec.nonResourceAttributes !== undefined)
      errors.push({
        field: "spec.nonResourceAttributes",
        type: "FieldValueInvalid",
        value: spec.nonResourceAttributes,
        detail: "disallowed on this kind of request",
      });
    refuseInvalid("LocalSubjectAccessReview", "localsubjectaccessreviews", errors);
    if (!namespace) throw badRequest(`namespace is required on this type: ${namespace}`);
    const attributes = isRecord(spec.resourceAttributes) ? spec.resourceAttributes : {};
    if (attributes.namespace === undefined || attributes.namespace === "") attributes.namespace = namespace;
    if (attributes.namespace !== namespace)
      throw badRequest(`spec.resourceAttributes.namespace must match namespace: ${namespace}`);
    return answered(body, { ...spec, resourceAttributes: attributes }, registry.store, subjectOf(spec), { namespace });
  },
  decodeProtobuf: decodeReviewProtobuf,
};
