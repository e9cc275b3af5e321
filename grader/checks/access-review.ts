import type { TAccessRequest, TAccessReviewCheck } from "../lab/schema";
import type { AccessReviewEvidence } from "../report";
import { fail, failureVerdict, pass, type CheckContext, type Verdict } from "./verdict";

/** The groups the API server gives every token of a ServiceAccount in `namespace`. */
export function serviceAccountGroups(namespace: string): string[] {
  return ["system:serviceaccounts", `system:serviceaccounts:${namespace}`, "system:authenticated"];
}

/** "get pods/log in rbac-lab", "list pods in all namespaces", "get secrets db in default". */
export function describeRequest(request: TAccessRequest, labNamespace: string): string {
  const namespace = request.namespace ?? labNamespace;
  const resource = `${request.resource}${request.group ? `.${request.group}` : ""}${request.subresource ? `/${request.subresource}` : ""}`;
  const where = namespace === "" ? "in all namespaces" : `in ${namespace}`;
  return `${request.verb} ${resource}${request.name ? ` ${request.name}` : ""} ${where}`;
}

/**
 * Asks the API server, with one SubjectAccessReview per request, whether the lab's ServiceAccount may make
 * each request, and passes when every answer is the expected one: whatever RBAC objects grant it (a Role or a
 * ClusterRole, bound however), the cluster's own authorizer decides.
 */
export async function checkAccessReview(check: TAccessReviewCheck, ctx: CheckContext): Promise<Verdict> {
  const user = `system:serviceaccount:${ctx.namespace}:${check.serviceAccount}`;
  const groups = serviceAccountGroups(ctx.namespace);
  const answers = await Promise.all(
    check.requests.map((request) =>
      ctx.cluster.reviewSubjectAccess({
        user,
        groups,
        verb: request.verb,
        group: request.group,
        resource: request.resource,
        ...(request.subresource ? { subresource: request.subresource } : {}),
        namespace: request.namespace ?? ctx.namespace,
        ...(request.name ? { name: request.name } : {}),
      }),
    ),
  );
  const failed = answers.find((answer) => !answer.ok);
  if (failed && !failed.ok) return failureVerdict(failed.failure, "create subjectaccessreviews", ctx.cluster);
  const rows: AccessReviewEvidence["rows"] = check.requests.map((request, index) => {
    const answer = answers[index];
    const decision = answer?.ok ? answer.value : { allowed: false, reason: null };
    return {
      request: describeRequest(request, ctx.namespace),
      command: canICommand(request, ctx.namespace, user),
      expected: request.expect,
      answer: decision.allowed ? "allowed" : "denied",
      reason: decision.reason,
    };
  });
  const evidence: AccessReviewEvidence = { type: "accessReview", subject: user, rows };
  const wrong = rows.filter((row) => row.answer !== row.expected);
  if (wrong.length === 0) {
    const allowed = rows.filter((row) => row.answer === "allowed").length;
    return pass(
      `${check.serviceAccount}: all ${rows.length} answers as expected (${allowed} allowed, ${rows.length - allowed} denied)`,
      [evidence],
    );
  }
  const listed = wrong
    .slice(0, 3)
    .map((row) => `${row.answer === "allowed" ? "may" : "may not"} ${row.request}`)
    .join("; ");
  const more = wrong.length > 3 ? ` (+${wrong.length - 3} more)` : "";
  return fail(`${check.serviceAccount} ${listed}${more}`, [evidence]);
}

/** The kubectl command that asks the same question, for the learner to try. */
function canICommand(request: TAccessRequest, labNamespace: string, user: string): string {
  const namespace = request.namespace ?? labNamespace;
  const resource = `${request.resource}${request.group ? `.${request.group}` : ""}${request.name ? `/${request.name}` : ""}`;
  return [
    "kubectl auth can-i",
    request.verb,
    resource,
    ...(request.subresource ? [`--subresource=${request.subresource}`] : []),
    namespace === "" ? "--all-namespaces" : `-n ${namespace}`,
    `--as=${user}`,
  ].join(" ");
}
