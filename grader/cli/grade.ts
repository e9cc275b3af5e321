import { connectCluster } from "../cluster/connect-cluster";
import { isAppError } from "@/lib/errors/app-error";
import { gradeLab } from "../grade-lab";
import { findLab } from "../lab/load-lab";
import type { CheckResult, GradeReport } from "../report";
import { painter, parseCliArgs } from "./args";

const USAGE = "usage: npm run grade -- <module/lesson> [--context C] [--kubeconfig F] [--namespace N] [--json]";

async function main(): Promise<number> {
  const parsed = parseCliArgs(process.argv.slice(2));
  if (!parsed.ok || parsed.args.help || parsed.args.positionals.length !== 1) {
    console.error(parsed.ok ? USAGE : `${parsed.message}\n${USAGE}`);
    return parsed.ok && parsed.args.help ? 0 : 2;
  }
  const { args } = parsed;
  const labId = args.positionals[0] ?? "";
  const lab = await findLab(labId);
  if (!lab) {
    console.error(`No lab "${labId}" (expected lessons/${labId}/lab.yaml).`);
    return 2;
  }
  const connection = connectCluster({
    ...(args.kubeconfig ? { kubeconfigPath: args.kubeconfig } : {}),
    ...(args.context ? { context: args.context } : {}),
  });
  if (!connection.ok) {
    console.error(connection.failure.message);
    return 2;
  }
  const report = await gradeLab({
    lab,
    cluster: connection.cluster,
    ...(args.namespace ? { namespace: args.namespace } : {}),
  });
  if (args.json) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    print(
      report,
      lab.tasks.map((t) => ({ id: t.id, title: t.title })),
    );
  }
  return report.status === "passed" ? 0 : report.status === "failed" ? 1 : 2;
}

function print(report: GradeReport, tasks: { id: string; title: string }[]): void {
  const c = painter(Boolean(process.stdout.isTTY));
  const out: string[] = [
    c.bold(`${report.labId}`) +
      c.dim(`  namespace ${report.namespace}, context ${report.context ?? "-"}, ${report.server}`),
  ];
  if (report.problem) out.push(c.yellow(`! ${report.problem.message}`));
  for (const task of tasks) {
    const score = report.tasks.find((t) => t.taskId === task.id);
    out.push("", `${c.bold(task.title)}  ${c.dim(`${score?.score ?? 0}/${score?.maxScore ?? 0}`)}`);
    for (const r of report.results.filter((x) => x.taskId === task.id)) out.push(...line(r, c));
  }
  const { pass, fail, error } = report.counts;
  const summary = `Score ${report.score}/${report.maxScore}  ${pass} passed, ${fail} failed, ${error} errors  (${report.durationMs} ms)`;
  out.push("", report.status === "passed" ? c.green(summary) : c.red(summary));
  console.log(out.join("\n"));
}

function line(r: CheckResult, c: ReturnType<typeof painter>): string[] {
  const mark = r.status === "pass" ? c.green("✓") : r.status === "fail" ? c.red("✗") : c.yellow("!");
  const head = `  ${mark} ${r.title} ${c.dim(`(${r.points} pt${r.points === 1 ? "" : "s"}, ${r.durationMs} ms)`)}`;
  if (r.status === "pass") return [head];
  return [head, `      ${r.message}`, c.dim(`      hint: ${r.hint}`), c.dim(`      see: ${r.lessonHref}`)];
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(isAppError(error) ? error.message : error);
    process.exit(2);
  },
);
