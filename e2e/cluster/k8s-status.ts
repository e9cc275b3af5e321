/** A metav1.Status body as the real API server sends it. */
export type TStatus = {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, never>;
  status: "Failure" | "Success";
  message: string;
  reason: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: Array<{ reason: string; message: string; field?: string }>;
  };
  code: number;
};

/** Error thrown by handlers and turned into a metav1.Status response by the server. */
export class ApiError extends Error {
  constructor(readonly status: TStatus) {
    super(status.message);
  }
}

function failure(code: number, reason: string, message: string, details?: TStatus["details"]): ApiError {
  return new ApiError({
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  });
}

/** Resource identity used in error messages: `pods`, `namespaces`, and their API group. */
export type TResourceRef = { resource: string; group: string };

function qualified(ref: TResourceRef): string {
  return ref.group ? `${ref.resource}.${ref.group}` : ref.resource;
}

export const notFound = (ref: TResourceRef, name: string) =>
  failure(404, "NotFound", `${qualified(ref)} "${name}" not found`, {
    name,
    ...(ref.group ? { group: ref.group } : {}),
    kind: ref.resource,
  });

export const alreadyExists = (ref: TResourceRef, name: string) =>
  failure(409, "AlreadyExists", `${qualified(ref)} "${name}" already exists`, {
    name,
    ...(ref.group ? { group: ref.group } : {}),
    kind: ref.resource,
  });

export const badRequest = (message: string) => failure(400, "BadRequest", message);

/** 409 Conflict, worded as apimachinery's NewConflict (`Operation cannot be fulfilled on pods "x": ...`). */
export const conflict = (ref: TResourceRef, name: string, why: string) =>
  failure(409, "Conflict", `Operation cannot be fulfilled on ${qualified(ref)} "${name}": ${why}`, {
    name,
    ...(ref.group ? { group: ref.group } : {}),
    kind: ref.resource,
  });

export const unauthorized = () => failure(401, "Unauthorized", "Unauthorized");

export const methodNotAllowed = () =>
  failure(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");

export const notFoundPath = () => failure(404, "NotFound", "the server could not find the requested resource");

export const forbidden = (ref: TResourceRef, name: string, why: string) =>
  failure(403, "Forbidden", `${qualified(ref)} "${name}" is forbidden: ${why}`, {
    name,
    ...(ref.group ? { group: ref.group } : {}),
    kind: ref.resource,
  });

export const namespaceTerminating = (ref: TResourceRef, name: string, namespace: string) =>
  failure(
    403,
    "Forbidden",
    `${qualified(ref)} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
    { name, kind: ref.resource },
  );

/** One field problem, formatted like apimachinery's field.Error. */
export type TFieldError = {
  field: string;
  type:
    | "FieldValueRequired"
    | "FieldValueInvalid"
    | "FieldValueNotSupported"
    | "FieldValueDuplicate"
    | "FieldValueNotFound"
    | "FieldValueForbidden"
    | "FieldValueTooLong";
  detail: string;
  value?: unknown;
  /** The value exactly as the API server prints it, when that is not a JSON rendering (a Go struct). */
  valueText?: string;
};

function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null || value === undefined) return "null";
  if (typeof value === "object") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  return typeof value;
}

/** Formats a field error the way `kubectl` shows it (`spec.x: Required value`). */
export function formatFieldError(error: TFieldError): string {
  switch (error.type) {
    case "FieldValueRequired":
      return `${error.field}: Required value${error.detail ? `: ${error.detail}` : ""}`;
    case "FieldValueInvalid":
      return `${error.field}: Invalid value: ${error.valueText ?? describeValue(error.value)}: ${error.detail}`;
    case "FieldValueNotSupported":
      return `${error.field}: Unsupported value: ${describeValue(error.value)}: ${error.detail}`;
    case "FieldValueDuplicate":
      return `${error.field}: Duplicate value: ${describeValue(error.value)}`;
    case "FieldValueNotFound":
      return `${error.field}: Not found: ${describeValue(error.value)}`;
    case "FieldValueForbidden":
      return `${error.field}: Forbidden: ${error.detail}`;
    case "FieldValueTooLong":
      return `${error.field}: Too long: ${error.detail}`;
  }
}

function causeMessage(error: TFieldError): string {
  const full = formatFieldError(error);
  return full.slice(error.field.length + 2);
}

/**
 * 422 Invalid with one cause per field error, e.g. `Pod "x" is invalid: spec.containers[0].image: Required value`.
 * The message names the kind with its group (`RoleBinding.rbac.authorization.k8s.io "x" is invalid`), the
 * details the bare kind, which kubectl prints (`The RoleBinding "x" is invalid`).
 */
export function invalid(kind: string, ref: TResourceRef, name: string, errors: TFieldError[]): ApiError {
  const list = errors.map(formatFieldError);
  const summary = list.length === 1 ? list[0] : `[${list.join(", ")}]`;
  const qualifiedKind = ref.group ? `${kind}.${ref.group}` : kind;
  return failure(422, "Invalid", `${qualifiedKind} "${name}" is invalid: ${summary}`, {
    name,
    ...(ref.group ? { group: ref.group } : {}),
    kind: kind,
    causes: errors.map((error) => ({ reason: error.type, message: causeMessage(error), field: error.field })),
  });
}

/**
 * 403 for a request the authorizer did not allow (`pods is forbidden: User "x" cannot list resource "pods" ...`),
 * or for a non-resource path (`forbidden: User "x" cannot get path "/metrics"`), with the reason appended when
 * the authorizer gave one.
 */
export function forbiddenByAuthorizer(
  target: { resource: string; group: string; name: string } | undefined,
  message: string,
  reason = "",
): ApiError {
  const why = reason ? `${message}: ${reason}` : message;
  if (!target) return failure(403, "Forbidden", `forbidden: ${why}`, {});
  const resource = qualified(target);
  return failure(
    403,
    "Forbidden",
    target.name ? `${resource} "${target.name}" is forbidden: ${why}` : `${resource} is forbidden: ${why}`,
    {
      ...(target.name ? { name: target.name } : {}),
      ...(target.group ? { group: target.group } : {}),
      kind: target.resource,
    },
  );
}
