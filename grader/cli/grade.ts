import { connectCluster } from "../cluster/connect-cluster";
import { isAppError } from "@/lib/errors/app-error";
import { gradeLab } from "../grade-lab";
import { findLab } from "../lab/load-lab";
import { painter, parseCliArgs } from "./args";
import { formatReport } from "./format-report";

const USAGE = "usage: npm run grade -- <module/lesson> [--context C] [--kubeconfig F] [--namespace N] [--json]";

async function main(): Promise<number> {
  const parsed = parseCliArgs(process.argv.slice(2));
  if (!parsed.ok || parsed.args.help || parsed.args.positionals.length !== 1) {
    console.error(parsed.ok ? USAGE : `${parsed.failure}\n${USAGE}`);
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
    console.log(
      formatReport(
        report,
        lab.tasks.map((t) => ({ id: t.id, title: t.title })),
        painter(Boolean(process.stdout.isTTY)),
      ),
    );
  }
  return report.status === "passed" ? 0 : report.status === "failed" ? 1 : 2;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(isAppError(error) ? error.message : error);
    process.exit(2);
  },
);
