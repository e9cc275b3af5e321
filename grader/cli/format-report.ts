import type { CheckResult, GradeReport } from "../report";
import type { painter } from "./args";

/** The grade CLI's human-readable report: one line per check, failures with message, hint and lesson link. */
export function formatReport(
  report: GradeReport,
  tasks: { id: string; title: string }[],
  c: ReturnType<typeof painter>,
): string {
  const out: string[] = [
    c.bold(`${report.labId}`) +
      c.dim(`  namespace ${report.namespace}, context ${report.context ?? "-"}, ${report.server}`),
  ];
  if (report.problem) out.push(c.yellow(`! ${report.problem.message}`));
  for (const task of tasks) {
    const score = report.tasks.find((t) => t.taskId === task.id);
    const left = score?.unsupportedPoints ? `, ${score.unsupportedPoints} unsupported` : "";
    out.push("", `${c.bold(task.title)}  ${c.dim(`${score?.score ?? 0}/${score?.maxScore ?? 0}${left}`)}`);
    for (const r of report.results.filter((x) => x.taskId === task.id)) out.push(...line(r, c));
  }
  const { pass, fail, error, unsupported } = report.counts;
  const notGradable = unsupported
    ? `, ${unsupported} unsupported on this cluster (${report.unsupportedPoints} pts left out)`
    : "";
  const summary = `Score ${report.score}/${report.maxScore}  ${pass} passed, ${fail} failed, ${error} errors${notGradable}  (${report.durationMs} ms)`;
  out.push("", report.status === "passed" ? c.green(summary) : c.red(summary));
  return out.join("\n");
}

function line(r: CheckResult, c: ReturnType<typeof painter>): string[] {
  const mark =
    r.status === "pass"
      ? c.green("✓")
      : r.status === "fail"
        ? c.red("✗")
        : r.status === "unsupported"
          ? c.dim("–")
          : c.yellow("!");
  const points = `${r.points} pt${r.points === 1 ? "" : "s"}${r.status === "unsupported" ? " not counted" : ""}`;
  const head = `  ${mark} ${r.title} ${c.dim(`(${points}, ${r.durationMs} ms)`)}`;
  if (r.status === "pass") return [head];
  if (r.status === "unsupported") return [head, c.dim(`      unsupported: ${r.message}`)];
  // A dry-run's message says what came back; this line adds what was sent, where, and what was needed.
  const sent = r.evidence.flatMap((e) =>
    e.type === "dryRun"
      ? [
          c.dim(
            `      sent: dry-run create ${e.kind}/${e.name}${e.namespace ? ` in namespace ${e.namespace}` : ""}; needed ${e.expected ?? "rejected"}, got ${e.admitted ? "admitted" : `rejected (${[e.code, e.reason].filter(Boolean).join(" ")})`}`,
          ),
        ]
      : [],
  );
  return [head, `      ${r.message}`, ...sent, c.dim(`      hint: ${r.hint}`), c.dim(`      see: ${r.lessonHref}`)];
}
