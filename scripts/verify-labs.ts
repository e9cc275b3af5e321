import {
  connectCluster,
  isAppError,
  loadAllLabs,
  painter,
  parseCliArgs,
  phasesOf,
  verifyLab,
  type PhaseOutcome,
  type VerifyLabResult,
} from "@/grader";

const USAGE = "usage: npm run labs:verify [-- --context C] [--kubeconfig F] [--lab module/lesson ...] [--json]";

async function main(): Promise<number> {
  const parsed = parseCliArgs(process.argv.slice(2));
  if (!parsed.ok || parsed.args.help || parsed.args.positionals.length > 0) {
    console.error(parsed.ok ? USAGE : `${parsed.failure}\n${USAGE}`);
    return parsed.ok && parsed.args.help ? 0 : 2;
  }
  const { args } = parsed;
  const c = painter(Boolean(process.stdout.isTTY) && !args.json);
  const labs = (await loadAllLabs()).filter((lab) => !args.lab || args.lab.includes(lab.id));
  if (labs.length === 0) {
    console.error(args.lab ? `No lab matches ${args.lab.join(", ")}.` : "No lab.yaml found under lessons/.");
    return 2;
  }

  // Without a kubeconfig or context flag, verify against the repo's own test cluster.
  let stop: () => Promise<void> = async () => {};
  let kubeconfigPath = args.kubeconfig;
  if (!args.kubeconfig && !args.context) {
    const { startTestCluster } = await import("@/e2e/cluster/index");
    const testCluster = await startTestCluster();
    stop = () => testCluster.stop();
    kubeconfigPath = testCluster.kubeconfigPath;
  }
  try {
    const connection = connectCluster({
      ...(kubeconfigPath ? { kubeconfigPath } : {}),
      ...(args.context ? { context: args.context } : {}),
    });
    if (!connection.ok) {
      console.error(connection.failure.message);
      return 2;
    }
    const log = (text: string) => {
      if (!args.json) console.log(text);
    };
    log(c.dim(`labs:verify against ${connection.server} (context ${connection.context})`));
    const results: VerifyLabResult[] = [];
    for (const lab of labs) {
      log(`\n${c.bold(lab.id)}`);
      const width = Math.max(...phasesOf(lab).map((p) => p.name.length)) + 2;
      const result = await verifyLab({
        lab,
        cluster: connection.cluster,
        onPhase: (p) => log(phaseLine(p, width, c)),
      });
      for (const problem of result.preflight) log(c.red(`  ✗ ${problem}`));
      results.push(result);
    }
    const failed = results.filter((r) => !r.ok);
    if (args.json) {
      console.log(
        JSON.stringify(
          results.map((r) => ({ ...r, phases: r.phases.map((p) => ({ ...p, report: undefined })) })),
          null,
          2,
        ),
      );
    } else {
      const summary = `${results.length - failed.length}/${results.length} labs verified`;
      log(
        `\n${failed.length === 0 ? c.green(summary) : c.red(`${summary}; deviations in ${failed.map((r) => r.labId).join(", ")}`)}`,
      );
    }
    return failed.length === 0 ? 0 : 1;
  } finally {
    await stop();
  }
}

function phaseLine(p: PhaseOutcome, width: number, c: ReturnType<typeof painter>): string {
  const mark = p.ok ? c.green("✓") : c.red("✗");
  const failing =
    p.failedChecks.length > 0
      ? ` fails: ${p.failedChecks.join(", ")}`
      : p.unsupportedChecks.length > 0
        ? " every check it could evaluate passes"
        : " all checks pass";
  const unsupported = p.unsupportedChecks.length > 0 ? `; unsupported here: ${p.unsupportedChecks.join(", ")}` : "";
  const head = `  ${mark} ${p.phase.padEnd(width)} ${String(p.score).padStart(3)}/${p.maxScore}${c.dim(`  ${p.attempts} grading run${p.attempts === 1 ? "" : "s"}, ${(p.durationMs / 1000).toFixed(1)} s;${failing}${unsupported}`)}`;
  return [
    head,
    ...p.deviations.map((d) => c.red(`      deviation: ${d}`)),
    ...p.notes.map((n) => c.yellow(`      note: ${n}`)),
  ].join("\n");
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(isAppError(error) ? error.message : error);
    process.exit(2);
  },
);
