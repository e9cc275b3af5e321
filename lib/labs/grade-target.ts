import { gradeLab, type CheckResult, type GradeReport, type Lab } from "@/grader";
import type { ConnectedTarget } from "./connect-target";
import type { ClusterProblem } from "./reach-target";

/** What one grading run emits, in order: start, each result as it lands, then the report (or a cluster problem). */
export type GradeEvent =
  | { type: "start"; context: string; server: string; checks: number }
  | { type: "result"; result: CheckResult }
  | { type: "report"; report: GradeReport }
  | { type: "cluster-problem"; problem: ClusterProblem };

/** Grades `lab` on a cluster that has just answered (lib/labs/reach-target.ts). */
export async function gradeTarget(
  lab: Lab,
  target: Extract<ConnectedTarget, { ok: true }>,
  emit: (event: GradeEvent) => void,
): Promise<void> {
  const checks = lab.tasks.reduce((n, t) => n + t.checks.length, 0);
  emit({ type: "start", context: target.context, server: target.server, checks });
  const report = await gradeLab({
    lab,
    cluster: target.cluster,
    onResult: (result) => emit({ type: "result", result }),
  });
  emit({ type: "report", report });
}
