import { authorize } from "../auth/authorizer";
import type { TRequestAttributes } from "../auth/policy-rule";
import { isRecord } from "../is-record";
import { badRequest, invalid, type TFieldError } from "../k8s-status";
import { bytesField, readFields, readStrings, text } from "../protobuf";
import type { TUserInfo } from "../registry/kind";
import type { ObjectStore } from "../registry/object-store";

/**
 * What the authorization.k8s.io access reviews share: reading the posted body, the spec's validation with the
 * API server's messages, turning resource or non-resource attributes into an authorizer question, and the
 * protobuf kubectl sends. Each review kind (SubjectAccessReview, LocalSubjectAccessReview,
 * SelfSubjectAccessReview) is its own file.
 */

export const authorizationGroup = "authorization.k8s.io";

type TSpec = Record<string, unknown> & {
  resourceAttributes?: unknown;
  nonResourceAttributes?: unknown;
  user?: unknown;
  groups?: unknown;
};

/** The posted review; a body of another kind or version is the 400 kube-apiserver gives for an unknown format. */
export function reviewBody(
  body: unknown,
  kind: string,
  apiVersion = `${authorizationGroup}/v1`,
): Record<string, unknown> {
  if (!isRecord(body) || body.kind !== kind || body.apiVersion !== apiVersion)
    throw badRequest(
      "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf",
    );
  return body;
}

/** The spec, or an empty one. */
export const specOf = (body: Record<string, unknown>): TSpec => (isRecord(body.spec) ? body.spec : {});

/** Exactly one of resourceAttributes and nonResourceAttributes (and, for SubjectAccessReviews, a user or group). */
export function specErrors(spec: TSpec, options: { needsSubject: boolean }): TFieldError[] {
  const errors: TFieldError[] = [];
  const { resourceAttributes: resource, nonResourceAttributes: nonResource } = spec;
  if (resource !== undefined && nonResource !== undefined)
    errors.push({
      field: "spec.nonResourceAttributes",
      type: "FieldValueInvalid",
      value: nonResource,
      detail: "cannot be specified in combination with resourceAttributes",
    });
  if (resource === undefined && nonResource === undefined)
    errors.push({
      field: "spec.resourceAttributes",
      type: "FieldValueInvalid",
      value: "null",
      detail: "exactly one of nonResourceAttributes or resourceAttributes must be specified",
    });
  const groups = Array.isArray(spec.groups) ? spec.groups : [];
  if (options.needsSubject && !spec.user && groups.length === 0)
    errors.push({
      field: "spec.user",
      type: "FieldValueInvalid",
      value: typeof spec.user === "string" ? spec.user : "",
      detail: "at least one of user or group must be specified",
    });
  return errors;
}

/** Throws the 422 a review with field errors gets (a review has no name: `Kind.group "" is invalid`). */
export function refuseInvalid(kind: string, resource: string, errors: TFieldError[]): void {
  if (errors.length > 0) throw invalid(kind, { resource, group: authorizationGroup }, "", errors);
}

const str = (value: unknown) => (typeof value === "string" ? value : "");

/** The authorizer question a spec asks. */
export function attributesOf(spec: TSpec): TRequestAttributes {
  if (isRecord(spec.resourceAttributes)) {
    const attributes = spec.resourceAttributes;
    return {
      resourceRequest: true,
      verb: str(attributes.verb),
      apiGroup: str(attributes.group),
      resource: str(attributes.resource),
      subresource: str(attributes.subresource),
      namespace: str(attributes.namespace),
      name: str(attributes.name),
    };
  }
  const attributes = isRecord(spec.nonResourceAttributes) ? spec.nonResourceAttributes : {};
  return { resourceRequest: false, verb: str(attributes.verb), path: str(attributes.path) };
}

/** The user a SubjectAccessReview asks about (`spec.user`, `spec.groups`, `spec.uid`, `spec.extra`). */
export function subjectOf(spec: TSpec): TUserInfo {
  return {
    username: str(spec.user),
    groups: Array.isArray(spec.groups) ? spec.groups.map(String) : [],
    ...(str(spec.uid) ? { uid: str(spec.uid) } : {}),
  };
}

/** The review as the API server returns it: never stored, so no name or uid; `allowed` always present. */
export function answered(
  body: Record<string, unknown>,
  spec: TSpec,
  store: ObjectStore,
  user: TUserInfo,
  metadata: Record<string, unknown> = {},
): Record<string, unknown> {
  const decision = authorize(store, user, attributesOf(spec));
  return {
    kind: body.kind,
    apiVersion: body.apiVersion,
    metadata: { ...metadata, creationTimestamp: null },
    spec,
    status: {
      allowed: decision.allowed,
      ...(decision.reason ? { reason: decision.reason } : {}),
      ...(decision.evaluationError ? { evaluationError: decision.evaluationError } : {}),
    },
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

/**
 * A review's protobuf (`kubectl auth can-i` sends one): ObjectMeta 1 (namespace 3), spec 2. In the spec:
 * resource attributes 1, non-resource attributes 2, and for SubjectAccessReviews user 3, groups 4, uid 6.
 */
export function decodeReviewProtobuf(raw: Buffer): Record<string, unknown> {
  const fields = readFields(raw);
  const spec: Record<string, unknown> = {};
  const specBytes = bytesField(fields, 2);
  const groups: string[] = [];
  for (const field of specBytes ? readFields(specBytes) : []) {
    if (!Buffer.isBuffer(field.value)) continue;
    if (field.number === 1) spec.resourceAttributes = readStrings(field.value, resourceAttributeFields);
    if (field.number === 2) spec.nonResourceAttributes = readStrings(field.value, nonResourceAttributeFields);
    if (field.number === 3 && field.value.length > 0) spec.user = text(field);
    if (field.number === 4) groups.push(text(field));
    if (field.number === 6 && field.value.length > 0) spec.uid = text(field);
  }
  if (groups.length > 0) spec.groups = groups;
  const metadata = bytesField(fields, 1);
  const namespace = metadata ? readStrings(metadata, { 3: "namespace" }).namespace : undefined;
  return { metadata: namespace ? { namespace } : {}, spec };
}
