import { gradeLab, type CheckResult, type GradeReport, type Lab } from "@/grader";
import { connectTarget } from "./connect-target";
import type { TGradeRequest } from "./grading-target";

/** What one grading run emits, in order: start, each result as it lands, then the report (or no-cluster). */
export type GradeEvent =
  | { type: "start"; context: string; server: string; checks: number }
  | { type: "result"; result: CheckResult }
  | { type: "report"; report: GradeReport }
  | { type: "no-cluster"; message: string };

/** Grades `lab` on the cluster a request names (a server context or the user's saved connection). */
export async function gradeTarget(
  lab: Lab,
  request: TGradeRequest,
  userId: string,
  emit: (event: GradeEvent) => void,
): Promise<void> {
  const target = await connectTarget(request, userId);
  if (!target.ok) {
    emit({ type: "no-cluster", message: target.failure });
    return;
  }
  const checks = lab.tasks.reduce((n, t) => n + t.checks.length, 0);
  emit({ type: "start", context: target.context, server: target.server, checks });
  const report = await gradeLab({
    lab,
    cluster: target.cluster,
    onResult: (result) => emit({ type: "result", result }),
  });
  emit({ type: "report", report });
}
