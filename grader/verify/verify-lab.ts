import { randomBytes } from "node:crypto";
import type { TGradeTimeouts } from "../grade-lab";
import type { Lab, TManifest } from "../lab/schema";
import type { ClusterPort } from "../port";
import type { GradeReport } from "../report";
import { applyManifests, removeApplied, type AppliedManifests } from "./apply-manifests";
import { gradeUntil } from "./grade-until";

/**
 * One integrity phase of a lab: nothing applied (must score 0), the reference solution or an alternative
 * correct answer (full marks), or a mutant (fails exactly what it declares).
 */
export type VerifyPhase = {
  name: string;
  kind: "empty" | "solution" | "alternative" | "mutant";
  labels: Record<string, string>;
  manifests: TManifest[];
  mustFail: string[];
  exact: boolean;
};

export type PhaseOutcome = {
  phase: string;
  namespace: string;
  ok: boolean;
  /** Every way the last report differs from what the phase expects (empty when ok). */
  deviations: string[];
  /** Check ids that did not pass in the last report (unsupported ones are listed apart). */
  failedChecks: string[];
  /** Check ids this cluster could not evaluate (a node without AppArmor): neither pass nor fail. */
  unsupportedChecks: string[];
  /** What this phase could not prove on this cluster (a mustFail check that was unsupported). */
  notes: string[];
  score: number;
  maxScore: number;
  attempts: number;
  durationMs: number;
  report: GradeReport | null;
};

export type VerifyLabResult = { labId: string; ok: boolean; phases: PhaseOutcome[]; preflight: string[] };

export type VerifyLabOptions = {
  lab: Lab;
  cluster: ClusterPort;
  /** How long a phase may take to reach its expected state (pods start, crash, get ready). */
  settleMs?: number;
  pollMs?: number;
  timeouts?: TGradeTimeouts;
  onPhase?: (outcome: PhaseOutcome) => void;
  /** Grades only these phases by name ("empty", "solution", "alternative:<id>", "mutant:<id>"). */
  only?: string[];
};

/** The phases labs:verify runs for a lab, in order. */
export function phasesOf(lab: Lab): VerifyPhase[] {
  const labels = lab.solution.namespaceLabels;
  return [
    { name: "empty", kind: "empty", labels: {}, manifests: [], mustFail: [], exact: true },
    { name: "solution", kind: "solution", labels, manifests: lab.solution.manifests, mustFail: [], exact: true },
    ...lab.alternatives.map((a): VerifyPhase => ({
      name: `alternative:${a.id}`,
      kind: "alternative",
      labels: a.namespaceLabels ?? labels,
      manifests: a.manifests,
      mustFail: [],
      exact: true,
    })),
    ...lab.mutants.map((m): VerifyPhase => ({
      name: `mutant:${m.id}`,
      kind: "mutant",
      labels: m.namespaceLabels ?? labels,
      manifests: m.manifests,
      mustFail: m.mustFail,
      exact: m.exact,
    })),
  ];
}

/** Compares a report with what a phase expects; returns the deviations (none means the phase holds). */
export function deviationsFor(phase: VerifyPhase, report: GradeReport): string[] {
  const deviations: string[] = [];
  const errors = report.results.filter((r) => r.status === "error");
  for (const r of errors) deviations.push(`${r.checkId}: grader error (${r.outcome}): ${r.message}`);
  if (phase.kind === "empty") {
    for (const r of report.results.filter((r) => r.status === "pass"))
      deviations.push(`${r.checkId} passes on an empty namespace (vacuous): ${r.observed}`);
    if (report.score !== 0) deviations.push(`empty namespace scores ${report.score}/${report.maxScore}, expected 0`);
    return deviations;
  }
  const mustFail = new Set(phase.mustFail);
  for (const r of report.results) {
    if (mustFail.has(r.checkId) && r.status === "pass")
      deviations.push(`${r.checkId} should fail but passes: ${r.observed}`);
    if (!mustFail.has(r.checkId) && r.status === "fail" && (phase.kind !== "mutant" || phase.exact))
      deviations.push(`${r.checkId} should pass but fails: ${r.message}`);
  }
  return deviations;
}

/**
 * What a phase could not prove on this cluster: a check it declares failing that the cluster cannot
 * evaluate (it neither passed nor failed). Not a deviation: the same run on a capable node proves it.
 */
export function notesFor(phase: VerifyPhase, report: GradeReport): string[] {
  const mustFail = new Set(phase.mustFail);
  return report.results
    .filter((r) => r.status === "unsupported" && mustFail.has(r.checkId))
    .map((r) => `${r.checkId} cannot be shown failing on this cluster: ${r.observed}`);
}

/** Runs every phase of a lab in its own fresh namespace and says which checks deviate. */
export async function verifyLab(options: VerifyLabOptions): Promise<VerifyLabResult> {
  const { lab, cluster } = options;
  const preflight = await clusterScopedLeftovers(lab, cluster);
  if (preflight.length > 0) return { labId: lab.id, ok: false, phases: [], preflight };
  const phases: PhaseOutcome[] = [];
  for (const phase of phasesOf(lab)) {
    if (options.only && !options.only.includes(phase.name)) continue;
    const outcome = await runPhase(phase, options);
    phases.push(outcome);
    options.onPhase?.(outcome);
  }
  return { labId: lab.id, ok: phases.every((p) => p.ok), phases, preflight };
}

async function runPhase(phase: VerifyPhase, options: VerifyLabOptions): Promise<PhaseOutcome> {
  const { lab, cluster } = options;
  const settleMs = options.settleMs ?? 90_000;
  const started = performance.now();
  const namespace = `cks-verify-${randomBytes(3).toString("hex")}`;
  const outcome = (fields: Partial<PhaseOutcome>): PhaseOutcome => ({
    phase: phase.name,
    namespace,
    ok: false,
    deviations: [],
    failedChecks: [],
    unsupportedChecks: [],
    notes: [],
    score: 0,
    maxScore: 0,
    attempts: 0,
    durationMs: Math.round(performance.now() - started),
    report: null,
    ...fields,
  });

  let applied: AppliedManifests = { namespace, created: [] };
  const run = async (): Promise<PhaseOutcome> => {
    const apply = await applyManifests({ cluster, lab, namespace, labels: phase.labels, manifests: phase.manifests });
    applied = apply.applied;
    if (apply.failure !== null) return outcome({ deviations: [apply.failure] });
    // A phase that allows other checks to fail (non-exact) must first settle, so a pod that is merely
    // still starting does not count as the declared failure. The empty namespace is graded once.
    const { report, deviations, attempts } = await gradeUntil({
      lab,
      cluster,
      namespace,
      judge: (r) => deviationsFor(phase, r),
      since: started,
      settleMs,
      pollMs: options.pollMs ?? 1_000,
      minSettleMs: phase.kind === "mutant" && !phase.exact ? Math.min(10_000, settleMs) : 0,
      ...(phase.kind === "empty" ? { maxAttempts: 1 } : {}),
      ...(options.timeouts ? { timeouts: options.timeouts } : {}),
    });
    return outcome({
      ok: deviations.length === 0,
      deviations,
      failedChecks: report.results.filter((r) => r.status === "fail" || r.status === "error").map((r) => r.checkId),
      unsupportedChecks: report.results.filter((r) => r.status === "unsupported").map((r) => r.checkId),
      notes: notesFor(phase, report),
      score: report.score,
      maxScore: report.maxScore,
      attempts,
      report,
    });
  };

  let result: PhaseOutcome;
  let cleanupFailures: string[];
  try {
    result = await run();
  } finally {
    // One object that cannot be deleted makes later phases meaningless: a deviation, not a shrug.
    cleanupFailures = await removeApplied(cluster, applied);
  }
  return cleanupFailures.length
    ? { ...result, ok: false, deviations: [...result.deviations, ...cleanupFailures] }
    : result;
}

// A policy left behind by an earlier run (or by hand) would make the empty namespace pass.
async function clusterScopedLeftovers(lab: Lab, cluster: ClusterPort): Promise<string[]> {
  const manifests = [
    ...lab.solution.manifests,
    ...lab.alternatives.flatMap((a) => a.manifests),
    ...lab.mutants.flatMap((m) => m.manifests),
  ];
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const m of manifests) {
    if (m.apiVersion === "v1" && m.kind === "Pod") continue;
    const key = `${m.apiVersion}/${m.kind}/${m.metadata.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const read = await cluster.readObject({
      apiVersion: m.apiVersion,
      kind: m.kind,
      name: m.metadata.name,
      namespace: lab.namespace,
    });
    if (read.ok && !read.value.metadata?.namespace) {
      problems.push(
        `${m.kind} ${m.metadata.name} already exists in the cluster; delete it first (kubectl delete ${m.kind.toLowerCase()} ${m.metadata.name}), labs:verify creates its own.`,
      );
    } else if (!read.ok && read.failure.kind !== "not-found") {
      problems.push(`cannot read ${m.kind} ${m.metadata.name}: ${read.failure.kind}: ${read.failure.message}`);
    }
  }
  return problems;
}
