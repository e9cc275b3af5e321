import { rulesFor } from "../auth/authorizer";
import { isRecord } from "../is-record";
import { badRequest } from "../k8s-status";
import { bytesField, readFields, readStrings } from "../protobuf";
import type { TKind } from "../registry/kind";
import { authorizationGroup, reviewBody } from "./access-review";

/**
 * authorization.k8s.io/v1 SelfSubjectRulesReview: every rule the asking user holds in `spec.namespace`
 * (`kubectl auth can-i --list`, which prints and compacts them itself). The answer carries only the status,
 * as kube-apiserver's does.
 */
export const selfSubjectRulesReviewKind: TKind = {
  group: authorizationGroup,
  version: "v1",
  kind: "SelfSubjectRulesReview",
  resource: "selfsubjectrulesreviews",
  singular: "selfsubjectrulesreview",
  namespaced: false,
  verbs: ["create"],
  review(raw, { user, registry }) {
    const body = reviewBody(raw, "SelfSubjectRulesReview");
    const spec = isRecord(body.spec) ? body.spec : {};
    const namespace = typeof spec.namespace === "string" ? spec.namespace : "";
    if (!namespace) throw badRequest("no namespace on request");
    const { rules, error } = rulesFor(registry.store, user, namespace);
    const resourceRules = rules
      .filter((rule) => (rule.resources ?? []).length > 0)
      .map((rule) => ({
        verbs: rule.verbs,
        ...((rule.apiGroups ?? []).length > 0 ? { apiGroups: rule.apiGroups } : {}),
        resources: rule.resources,
        ...((rule.resourceNames ?? []).length > 0 ? { resourceNames: rule.resourceNames } : {}),
      }));
    const nonResourceRules = rules
      .filter((rule) => (rule.nonResourceURLs ?? []).length > 0)
      .map((rule) => ({ verbs: rule.verbs, nonResourceURLs: rule.nonResourceURLs }));
    return {
      kind: "SelfSubjectRulesReview",
      apiVersion: `${authorizationGroup}/v1`,
      metadata: { creationTimestamp: null },
      spec: {},
      status: { resourceRules, nonResourceRules, incomplete: false, ...(error ? { evaluationError: error } : {}) },
    };
  },
  // `kubectl auth can-i --list` sends protobuf: spec is field 2, its namespace field 1.
  decodeProtobuf(raw) {
    const spec = bytesField(readFields(raw), 2);
    return { metadata: {}, spec: spec ? readStrings(spec, { 1: "namespace" }) : {} };
  },
};
