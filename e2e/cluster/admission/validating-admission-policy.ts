import { isCelError, run, type CelInput, type CelValue } from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";
import { ApiError, forbidden } from "../k8s-status";
import { matchesLabels, requirementsFromSelector, type TLabelSelector } from "../label-selector";
import type { ObjectStore } from "../registry/object-store";
import { clusterAdmin, refOf, type TUserInfo } from "../registry/kind";
import type { TKubeObject } from "../types";
import type { TAdmissionPlugin } from "./chain";

type TResourceRule = { apiGroups?: string[]; apiVersions?: string[]; operations?: string[]; resources?: string[] };
type TMatch = { resourceRules?: TResourceRule[]; namespaceSelector?: TLabelSelector; objectSelector?: TLabelSelector };
type TValidation = { expression: string; message?: string; messageExpression?: string; reason?: string };

/** The parts of a ValidatingAdmissionPolicy the evaluator reads. */
export type TPolicy = TKubeObject & {
  spec?: {
    failurePolicy?: "Fail" | "Ignore";
    matchConstraints?: TMatch;
    matchConditions?: Array<{ name: string; expression: string }>;
    variables?: Array<{ name: string; expression: string }>;
    validations?: TValidation[];
    paramKind?: unknown;
  };
};

/** The parts of a ValidatingAdmissionPolicyBinding the evaluator reads. */
export type TBinding = TKubeObject & {
  spec?: { policyName?: string; validationActions?: string[]; matchResources?: TMatch; paramRef?: unknown };
};

/** What is being admitted. */
export type TAdmissionRequest = {
  operation: "CREATE" | "UPDATE";
  group: string;
  version: string;
  resource: string;
  /** `ephemeralcontainers` for `pods/<name>/ephemeralcontainers`; absent for the object itself. */
  subResource?: string;
  /** The stored object an UPDATE replaces. */
  oldObject?: TKubeObject;
  kind: string;
  name: string;
  namespace: string;
  object: TKubeObject;
  namespaceObject: TKubeObject | undefined;
  dryRun: boolean;
  /** Who writes; the cluster admin when not given. */
  user?: TUserInfo;
};

/** Outcome of admission: allowed (maybe with warnings), denied like the real plugin, or unevaluable here. */
export type TAdmissionResult =
  | { allowed: true; warnings: string[] }
  | { allowed: false; kind: "denied"; message: string; reason: string; code: number; warnings: string[] }
  | { allowed: false; kind: "unsupported"; message: string; warnings: string[] };

const reasonCodes: Record<string, number> = {
  Unauthorized: 401,
  Forbidden: 403,
  Invalid: 422,
  RequestEntityTooLarge: 413,
};

/** Converts JSON into CEL input: objects become Maps and whole numbers become CEL ints, as in Kubernetes. */
export function toCel(value: unknown): CelInput {
  if (Array.isArray(value)) return value.map(toCel);
  if (value !== null && typeof value === "object") {
    const map = new Map<string, CelInput>();
    for (const [key, inner] of Object.entries(value)) if (inner !== undefined) map.set(key, toCel(inner));
    return map;
  }
  if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
  return value as CelInput;
}

class Unsupported extends Error {}

// Parse errors come back as `<input>:line:col: ...`; unbound functions are CEL library gaps.
const isEvaluatorGap = (message: string) =>
  /^<input>:\d+:\d+:|unbound function|no such overload|no matching overload/.test(message);

function evaluate(expression: string, bindings: Record<string, CelInput>, what: string): CelValue {
  const result = run(expression, bindings, { funcs: strings });
  if (isCelError(result)) {
    // Parse and unknown-function failures are gaps in this evaluator, not in the learner's policy.
    if (isEvaluatorGap(result.message)) {
      throw new Unsupported(
        `the podman test cluster cannot evaluate ${what} '${expression}' (its @bufbuild/cel evaluator reports: ${result.message}); run this against a real cluster (CKS_TEST_KUBECONFIG)`,
      );
    }
    throw new Error(`expression '${expression}' resulted in error: ${result.message}`);
  }
  return result;
}

// `pods` matches the object only; `pods/ephemeralcontainers` that subresource; `*` every resource but no
// subresource, `pods/*` every subresource of pods, `*/ephemeralcontainers` that subresource anywhere, `*/*` all.
function resourceMatches(entry: string, request: TAdmissionRequest): boolean {
  const [resource, sub] = entry.split("/", 2);
  if (resource !== "*" && resource !== request.resource) return false;
  if (sub === undefined) return request.subResource === undefined;
  return sub === "*" || sub === request.subResource;
}

function ruleMatches(rules: TResourceRule[] | undefined, request: TAdmissionRequest): boolean {
  if (!rules || rules.length === 0) return false;
  const has = (list: string[] | undefined, value: string) =>
    (list ?? []).some((item) => item === "*" || item === value);
  return rules.some(
    (rule) =>
      has(rule.apiGroups, request.group) &&
      has(rule.apiVersions, request.version) &&
      has(rule.operations, request.operation) &&
      (rule.resources ?? []).some((entry) => resourceMatches(entry, request)),
  );
}

function selectorsMatch(match: TMatch | undefined, request: TAdmissionRequest): boolean {
  if (!match) return true;
  if (match.namespaceSelector && request.namespace !== "") {
    if (!matchesLabels(requirementsFromSelector(match.namespaceSelector), request.namespaceObject?.metadata.labels))
      return false;
  }
  if (
    match.objectSelector &&
    !matchesLabels(requirementsFromSelector(match.objectSelector), request.object.metadata.labels)
  )
    return false;
  return true;
}

/** Runs every bound ValidatingAdmissionPolicy over a create or update, the way the API server's plugin does. */
export function admit(request: TAdmissionRequest, policies: TPolicy[], bindings: TBinding[]): TAdmissionResult {
  const warnings: string[] = [];
  const base: Record<string, CelInput> = {
    object: toCel(request.object),
    oldObject: request.oldObject ? toCel(request.oldObject) : null,
    params: null,
    namespaceObject: request.namespaceObject ? toCel(request.namespaceObject) : null,
    request: toCel({
      kind: { group: request.group, version: request.version, kind: request.kind },
      resource: { group: request.group, version: request.version, resource: request.resource },
      ...(request.subResource ? { subResource: request.subResource } : {}),
      name: request.name,
      namespace: request.namespace,
      operation: request.operation,
      userInfo: request.user ?? clusterAdmin,
      dryRun: request.dryRun,
    }),
  };
  for (const binding of [...bindings].sort((a, b) => (a.metadata.name ?? "").localeCompare(b.metadata.name ?? ""))) {
    const policy = policies.find((candidate) => candidate.metadata.name === binding.spec?.policyName);
    if (!policy?.spec) continue;
    if (!ruleMatches(policy.spec.matchConstraints?.resourceRules, request)) continue;
    if (
      !selectorsMatch(policy.spec.matchConstraints, request) ||
      !selectorsMatch(binding.spec?.matchResources, request)
    )
      continue;
    if (binding.spec?.matchResources?.resourceRules && !ruleMatches(binding.spec.matchResources.resourceRules, request))
      continue;
    const policyName = policy.metadata.name ?? "";
    const bindingName = binding.metadata.name ?? "";
    const actions = binding.spec?.validationActions ?? [];
    try {
      if (policy.spec.paramKind || binding.spec?.paramRef) {
        throw new Unsupported(
          `the podman test cluster does not implement paramKind/paramRef (ValidatingAdmissionPolicy '${policyName}'); run this against a real cluster (CKS_TEST_KUBECONFIG)`,
        );
      }
      const bindings: Record<string, CelInput> = { ...base };
      const variables = new Map<string, CelInput>();
      bindings.variables = variables;
      for (const variable of policy.spec.variables ?? []) {
        variables.set(variable.name, evaluate(variable.expression, bindings, `variable ${variable.name}`));
      }
      const conditionsHold = (policy.spec.matchConditions ?? []).every(
        (condition) => evaluate(condition.expression, bindings, `matchCondition ${condition.name}`) === true,
      );
      if (!conditionsHold) continue;
      for (const validation of policy.spec.validations ?? []) {
        let passed: CelValue;
        try {
          passed = evaluate(validation.expression, bindings, "validation expression");
        } catch (error) {
          if (error instanceof Unsupported || policy.spec.failurePolicy === "Ignore") throw error;
          passed = false;
          const message = (error as Error).message;
          const outcome = decide(actions, policyName, bindingName, message, "Invalid", warnings);
          if (outcome) return outcome;
          continue;
        }
        if (passed === true) continue;
        let message = validation.message ?? `failed expression: ${validation.expression}`;
        if (validation.messageExpression) {
          const computed = evaluate(validation.messageExpression, bindings, "messageExpression");
          if (typeof computed === "string" && computed.trim() !== "") message = computed;
        }
        const outcome = decide(actions, policyName, bindingName, message, validation.reason ?? "Invalid", warnings);
        if (outcome) return outcome;
      }
    } catch (error) {
      if (error instanceof Unsupported)
        return { allowed: false, kind: "unsupported", message: error.message, warnings };
      if (policy.spec.failurePolicy === "Ignore") continue;
      const outcome = decide(actions, policyName, bindingName, (error as Error).message, "Invalid", warnings);
      if (outcome) return outcome;
    }
  }
  return { allowed: true, warnings };
}

function decide(
  actions: string[],
  policy: string,
  binding: string,
  message: string,
  reason: string,
  warnings: string[],
): TAdmissionResult | undefined {
  if (actions.includes("Warn"))
    warnings.push(`Validation failed for ValidatingAdmissionPolicy '${policy}' with binding '${binding}': ${message}`);
  if (!actions.includes("Deny")) return undefined;
  return {
    allowed: false,
    kind: "denied",
    message: `ValidatingAdmissionPolicy '${policy}' with binding '${binding}' denied request: ${message}`,
    reason,
    code: reasonCodes[reason] ?? 422,
    warnings,
  };
}

/** Parses each expression of a policy once so a learner hears at create time about features this evaluator lacks. */
export function unsupportedExpressions(policy: TPolicy): string[] {
  const problems: string[] = [];
  const expressions = [
    ...(policy.spec?.validations ?? []).flatMap((validation) =>
      [validation.expression, validation.messageExpression].filter((item): item is string => Boolean(item)),
    ),
    ...(policy.spec?.variables ?? []).map((variable) => variable.expression),
    ...(policy.spec?.matchConditions ?? []).map((condition) => condition.expression),
  ];
  for (const expression of expressions) {
    const result = run(
      expression,
      {
        object: new Map(),
        oldObject: null,
        params: null,
        request: new Map(),
        namespaceObject: null,
        variables: new Map(),
      },
      { funcs: strings },
    );
    if (
      isCelError(result) &&
      isEvaluatorGap(result.message) &&
      !/no such overload|no matching overload/.test(result.message)
    )
      problems.push(`the podman test cluster's CEL evaluator cannot parse '${expression}': ${result.message}`);
  }
  return problems;
}

/**
 * The ValidatingAdmissionPolicy admission plugin: evaluates the stored policies and bindings over each
 * create and update (a subresource such as `pods/ephemeralcontainers` included). A denial is the real plugin's 422 (or the validation's reason); an expression this evaluator
 * cannot run is a plain 500 naming the gap, never a guessed verdict.
 */
export function validatingAdmissionPolicyAdmission(store: ObjectStore): TAdmissionPlugin {
  return {
    name: "ValidatingAdmissionPolicy",
    validate({ operation, kind, name, namespace, object, oldObject, subresource, namespaceObject, dryRun, user }) {
      const verdict = admit(
        {
          operation,
          group: kind.group,
          version: kind.version,
          resource: kind.resource,
          ...(subresource ? { subResource: subresource } : {}),
          ...(oldObject ? { oldObject } : {}),
          kind: kind.kind,
          name,
          namespace,
          object,
          namespaceObject,
          dryRun,
          user,
        },
        store.list("validatingadmissionpolicies", undefined),
        store.list("validatingadmissionpolicybindings", undefined),
      );
      if (verdict.allowed) return verdict.warnings;
      if (verdict.kind === "unsupported") {
        throw new ApiError({
          kind: "Status",
          apiVersion: "v1",
          metadata: {},
          status: "Failure",
          message: verdict.message,
          reason: "InternalError",
          details: {
            name,
            kind: kind.resource,
            causes: [{ reason: "UnsupportedByTestCluster", message: verdict.message }],
          },
          code: 500,
        });
      }
      const denied = forbidden(refOf(kind), name, verdict.message).status;
      throw new ApiError({
        ...denied,
        reason: verdict.reason,
        code: verdict.code,
        details: { ...denied.details, causes: [{ reason: "", message: verdict.message }] },
      });
    },
  };
}
