import type { TCheckType } from "./lab/schema";

export type CheckStatus = "pass" | "fail" | "error" | "unsupported";

/**
 * Why a check ended as it did. `fail` outcomes describe the learner's cluster state; `error` outcomes mean
 * the grader could not look (and so never count as a pass); `unsupported` means this cluster cannot show
 * the behaviour at all (AppArmor on a node without it): such a check is left out of the maximum score.
 */
export type CheckOutcome =
  // pass
  | "passed"
  // fail
  | "failed"
  | "namespace-missing"
  | "pod-missing"
  | "container-missing"
  /** The check names no container and the pod has several. */
  | "container-ambiguous"
  | "container-not-running"
  | "object-missing"
  | "admitted"
  /** A dry-run that had to be admitted was refused. */
  | "rejected"
  | "requires-unmet"
  // error
  | "cluster-unreachable"
  | "unauthorized"
  | "forbidden"
  | "timeout"
  | "exec-timeout"
  | "run-timeout"
  /** The grader refused the cluster's answer: a redirect, an answer over the size limit, TLS that did not verify. */
  | "refused"
  /** The learner's agent (the tunnel to their cluster) went away during the run. */
  | "agent-disconnected"
  | "unexpected"
  // unsupported
  | "unsupported";

export type PodEvidence = {
  type: "pod";
  pod: string;
  container: string;
  phase: string | null;
  ready: boolean | null;
  restartCount: number | null;
  /** "running", "waiting: CrashLoopBackOff", "terminated: Error (exit 1)", or null when not reported. */
  state: string | null;
  lastTermination: string | null;
};

export type FieldEvidence = { type: "field"; target: string; path: string; values: unknown[] };

export type MountEvidence = {
  type: "mount";
  pod: string;
  container: string;
  mountPath: string;
  volume: string | null;
  /** The volume source kind, e.g. "emptyDir", "hostPath", or null when nothing is mounted there. */
  source: string | null;
};

export type ExecEvidence = {
  type: "exec";
  pod: string;
  container: string;
  argv: string[];
  exitCode: number | null;
  stdout: string;
  stderr: string;
  cleanup: { argv: string[]; exitCode: number | null; note?: string } | null;
};

export type LogsEvidence = {
  type: "logs";
  pod: string;
  container: string;
  source: "current" | "previous" | null;
  excerpt: string;
};

/** A server-side dry-run create: what was sent, where, what was expected and what came back. */
export type DryRunEvidence = {
  type: "dryRun";
  kind: string;
  name: string;
  /** "debug": an ephemeral container added to pod `name` (kind EphemeralContainer); absent for a create. */
  operation?: "create" | "debug";
  /** For "debug": the ephemeral container's name and image. */
  container?: { name: string; image: string };
  /** Where it was sent; absent in results stored before dryRunAdmitted existed (always the lab namespace then). */
  namespace?: string;
  /** What the check needed; absent in older results (always "rejected" then). */
  expected?: "admitted" | "rejected";
  /** The manifest as sent (JSON, cut to 4,000 characters when larger); absent in older results. */
  sent?: unknown;
  admitted: boolean;
  code: number | null;
  reason: string | null;
  message: string | null;
};

/** One end's view in a reachability verdict: who isolates that pod and which rules let the connection through. */
export type ReachabilitySide = {
  direction: "egress" | "ingress";
  pod: string;
  evaluated: boolean;
  selectedBy: string[];
  allowedBy: string[];
  outcome: "allowed" | "denied" | "partly";
};

export type ReachabilityEvidence = {
  type: "reachability";
  /** "frontend -> backend TCP/80". */
  connection: string;
  expected: "allowed" | "denied";
  /** What the namespace's NetworkPolicies say. */
  policies: "allowed" | "denied" | "partly";
  sides: ReachabilitySide[];
  /** What the probe from inside the source pod saw, when the check has one. */
  probe: "connected" | "failed" | "not run" | "could not run";
  /** Which evidence settled the result. */
  decidedBy: "policies" | "probe" | "policies and probe";
  notes: string[];
};

/** What a TLS Secret holds, as far as a learner may see it: never the key. */
export type CertificateEvidence = {
  type: "certificate";
  /** "Secret web-tls", or "Ingress web, host secure.cks.test -> Secret web-tls". */
  source: string;
  secretType: string | null;
  subject: string | null;
  issuer: string | null;
  /** "DNS:secure.cks.test", "IP Address:10.0.0.1". */
  subjectAltNames: string[];
  notBefore: string | null;
  notAfter: string | null;
  selfSigned: boolean | null;
  sha256Fingerprint: string | null;
  /** Whether tls.key is the certificate's private key; null when not checked or not readable. */
  keyMatches: boolean | null;
};

/** The answers of a SubjectAccessReview matrix for one subject (a learner's ServiceAccount). */
export type AccessReviewEvidence = {
  type: "accessReview";
  /** "system:serviceaccount:rbac-lab:auditor". */
  subject: string;
  rows: Array<{
    /** "get pods/log in rbac-lab". */
    request: string;
    /** The same question as a kubectl command the learner can run. */
    command: string;
    expected: "allowed" | "denied";
    answer: "allowed" | "denied";
    /** The authorizer's explanation (RBAC names the binding that allowed it), when it gave one. */
    reason: string | null;
  }>;
};

export type ObjectEvidence = { type: "object"; apiVersion: string; kind: string; name: string; found: boolean };

/** Why the grader concluded that the node cannot show a behaviour (what the kubelet or runtime said). */
export type NodeSupportEvidence = {
  type: "nodeSupport";
  feature: NodeFeature;
  pod: string;
  /** Who said so: "kubelet" (refused the pod) or "runtime" (refused to create the container). */
  source: "kubelet" | "runtime";
  reason: string;
  message: string;
};

/** Node features a behaviour check can depend on. */
export type NodeFeature = "apparmor";

/** A cluster call that did not answer as needed (which call, what came back). */
export type CallEvidence = { type: "call"; call: string; failure: string; detail: string };

export type Evidence =
  | PodEvidence
  | FieldEvidence
  | MountEvidence
  | ExecEvidence
  | LogsEvidence
  | DryRunEvidence
  | ObjectEvidence
  | ReachabilityEvidence
  | NodeSupportEvidence
  | CertificateEvidence
  | AccessReviewEvidence
  | CallEvidence;

/** One check's result: plain JSON, safe to send to a browser. */
export type CheckResult = {
  checkId: string;
  taskId: string;
  type: TCheckType;
  title: string;
  status: CheckStatus;
  outcome: CheckOutcome;
  points: number;
  awarded: number;
  /** Learner-facing, under 200 characters: what was expected and what was found, or what to do. */
  message: string;
  /** What the grader observed, one short line (also used to fill the lab's failure template). */
  observed: string;
  hint: string;
  /** "#anchor" within the lesson page. */
  lessonAnchor: string;
  /** "/lessons/<module>/<lesson>#anchor". */
  lessonHref: string;
  evidence: Evidence[];
  durationMs: number;
};

/** `maxScore` leaves out the points of unsupported checks; `unsupportedPoints` says how many that was. */
export type TaskScore = { taskId: string; title: string; score: number; maxScore: number; unsupportedPoints: number };

/** A run-level problem worth one banner instead of N identical check errors. */
export type RunProblem = {
  outcome: "cluster-unreachable" | "unauthorized" | "namespace-missing" | "refused" | "agent-disconnected";
  message: string;
};

/** The result of one grading run. */
export type GradeReport = {
  labId: string;
  contentVersion: string;
  namespace: string;
  server: string;
  context: string | null;
  status: "passed" | "failed" | "error";
  score: number;
  /** The points this cluster could evaluate: the lab's total minus `unsupportedPoints`. */
  maxScore: number;
  /** Points of checks this cluster cannot evaluate; they count neither for nor against the learner. */
  unsupportedPoints: number;
  counts: { pass: number; fail: number; error: number; unsupported: number };
  problem: RunProblem | null;
  tasks: TaskScore[];
  results: CheckResult[];
  startedAt: string;
  durationMs: number;
};
