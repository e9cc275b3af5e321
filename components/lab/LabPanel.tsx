"use client";

import Link from "next/link";
import { useId, useRef, useState } from "react";
import type { CheckResult, GradeReport } from "@/grader";
import type { StoredAttempt } from "@/lib/attempts/find-attempts";
import type { AttemptEvent } from "@/lib/labs/grade-attempt";
import type { LabView } from "@/lib/labs/lab-view";
import type { LocalContexts } from "@/lib/labs/local-cluster";
import type { ClusterProblem } from "@/lib/labs/reach-target";
import { readNdjson } from "@/lib/http/ndjson";
import { useHydrated } from "../use-hydrated";
import { ClassroomChoices, OwnMachineSetup } from "./ClusterSetup";
import { EvidenceView } from "./EvidenceView";

/** What a check row shows: a live result or one stored with an earlier attempt. */
type ShownCheck = Pick<
  CheckResult,
  "checkId" | "taskId" | "status" | "message" | "hint" | "evidence" | "awarded" | "points" | "lessonHref"
>;

/** The score line, from a live report or from the last stored attempt. */
type Summary = {
  score: number;
  maxScore: number;
  /** Points of checks this cluster could not evaluate, already left out of maxScore. */
  unsupportedPoints: number;
  status: string;
  counts: { pass: number; fail: number; error: number; unsupported: number };
  durationMs: number | null;
  problem: string | null;
  /** Set for a stored attempt: when it ran. */
  checkedAt: string | null;
};

type RunState =
  | { phase: "idle" }
  | { phase: "running"; total: number; context: string; queued?: number }
  | { phase: "done"; summary: Summary }
  | { phase: "failed"; message: string }
  /** The cluster did not answer: nothing was graded or stored; the previous result stays on show. */
  | { phase: "unreachable"; problem: ClusterProblem; previous: Summary | null };

function summaryOf(report: GradeReport): Summary {
  return { ...report, problem: report.problem?.message ?? null, checkedAt: null };
}

function summaryOfAttempt(attempt: StoredAttempt): Summary {
  const counts = { pass: 0, fail: 0, error: 0, unsupported: 0 };
  for (const check of attempt.checks) counts[check.status] += 1;
  return {
    score: attempt.score,
    maxScore: attempt.maxScore,
    unsupportedPoints: attempt.unsupportedPoints,
    status: attempt.status,
    counts,
    durationMs: attempt.durationMs,
    problem: attempt.problem,
    checkedAt: attempt.startedAt,
  };
}

/**
 * The practice lab under a lesson: tasks, a Check button, and live per-check results.
 * `contexts` is null when nobody is signed in: the tasks show, grading asks to sign in.
 */
export function LabPanel({
  lab,
  contexts,
  instructions,
  signInHref,
  lastAttempt,
  savedConnection = null,
  agent = null,
}: {
  lab: LabView;
  contexts: LocalContexts | null;
  /** The learner's saved classroom connection (its label only), offered beside the local contexts. */
  savedConnection?: { label: string } | null;
  /** The learner's connected agent, described ("agent on laptop, Kubernetes v1.34.0, connected since ..."). */
  agent?: string | null;
  instructions: Record<string, React.ReactNode>;
  signInHref: string;
  /** The learner's previous attempt, shown until they press Check again. */
  lastAttempt: StoredAttempt | null;
}) {
  const hydrated = useHydrated();
  const selectId = useId();
  const localContexts = contexts?.ok ? contexts.contexts : [];
  // "saved" or "context:<name>": context names are free text, so the saved choice cannot be one of them.
  const [choice, setChoice] = useState(
    agent ? AGENT : savedConnection ? SAVED : contexts?.ok && contexts.suggested ? `context:${contexts.suggested}` : "",
  );
  const context = choice.startsWith("context:") ? choice.slice("context:".length) : "";
  const target =
    choice === AGENT && agent
      ? "your cluster through the agent"
      : choice === SAVED && savedConnection
        ? `your saved connection (${savedConnection.label})`
        : context;
  const [run, setRun] = useState<RunState>(
    lastAttempt ? { phase: "done", summary: summaryOfAttempt(lastAttempt) } : { phase: "idle" },
  );
  const [results, setResults] = useState<Record<string, ShownCheck>>(() =>
    Object.fromEntries((lastAttempt?.checks ?? []).map((c) => [c.checkId, c])),
  );
  const abort = useRef<AbortController | null>(null);
  const checking = useRef(false);
  // Counts finished runs; tests (and assistive tooling) can tell a new result from the previous one.
  const [finishedRuns, setFinishedRuns] = useState(0);
  const totalChecks = lab.tasks.reduce((n, t) => n + t.checks.length, 0);

  async function check() {
    // The button is aria-disabled, not disabled, while a run is on: keyboard focus stays on it.
    // A ref, not state: a double click lands twice before React renders the running state.
    if (checking.current || !hydrated) return;
    checking.current = true;
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    const previous = {
      results,
      summary: run.phase === "done" ? run.summary : run.phase === "unreachable" ? run.previous : null,
    };
    setResults({});
    setRun({ phase: "running", total: totalChecks, context: target });
    try {
      const response = await fetch(`/api/labs/${lab.labId}/grade`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(
          choice === AGENT
            ? { connection: "agent" }
            : choice === SAVED
              ? { connection: "saved" }
              : context
                ? { context }
                : {},
        ),
        signal: controller.signal,
      });
      if (!response.ok || !response.body) {
        const body = (await response.json().catch(() => null)) as { error?: string } | null;
        setRun({ phase: "failed", message: body?.error ?? `The grader answered ${response.status}.` });
        return;
      }
      let finished = false;
      for await (const event of readNdjson<AttemptEvent>(response.body)) {
        if (event.type === "result") setResults((r) => ({ ...r, [event.result.checkId]: event.result }));
        else if (event.type === "queued")
          setRun((current) => (current.phase === "running" ? { ...current, queued: event.position } : current));
        else if (event.type === "start")
          setRun((current) => (current.phase === "running" ? { ...current, queued: undefined } : current));
        else if (event.type === "report") {
          finished = true;
          setResults(Object.fromEntries(event.report.results.map((r) => [r.checkId, r])));
          setRun({ phase: "done", summary: summaryOf(event.report) });
        } else if (event.type === "cluster-problem") {
          finished = true;
          setResults(previous.results);
          setRun({ phase: "unreachable", problem: event.problem, previous: previous.summary });
        } else if (event.type === "internal-error") {
          finished = true;
          setRun({ phase: "failed", message: event.message });
        }
      }
      if (!finished)
        setRun({
          phase: "failed",
          message: "The connection to the grader closed before all checks finished. Press Check to try again.",
        });
    } catch (error) {
      if ((error as Error).name !== "AbortError")
        setRun({ phase: "failed", message: "Could not reach the CKS Lab server. Is it still running?" });
    } finally {
      checking.current = false;
      setFinishedRuns((n) => n + 1);
    }
  }

  const done = Object.keys(results).length;
  const running = run.phase === "running";

  return (
    <section className="lab-panel" aria-labelledby="lab-title" id="practice-lab" data-finished-runs={finishedRuns}>
      <header className="lab-header">
        <p className="eyebrow">Practice lab</p>
        <h2 id="lab-title">{lab.title}</h2>
        <p className="muted">
          Work in namespace <code>{lab.namespace}</code> on your own cluster, then press Check. {lab.tasks.length}{" "}
          tasks, {lab.maxScore} points.
        </p>
      </header>

      {contexts === null ? (
        <div className="lab-controls">
          <Link className="button" href={signInHref}>
            Sign in to check your work
          </Link>
          <span className="muted small">The tasks are open to everyone; grading runs for signed-in learners.</span>
        </div>
      ) : localContexts.length === 0 && !savedConnection && !agent ? (
        <NoCluster contexts={contexts} />
      ) : (
        <form
          className="lab-controls"
          onSubmit={(e) => {
            e.preventDefault();
            void check();
          }}
        >
          <label htmlFor={selectId}>Cluster</label>
          <select id={selectId} value={choice} onChange={(e) => setChoice(e.target.value)} disabled={running}>
            {agent ? <option value={AGENT}>Your cluster ({agent})</option> : null}
            {savedConnection ? <option value={SAVED}>Your saved connection ({savedConnection.label})</option> : null}
            {localContexts.map((c) => (
              <option key={c.name} value={`context:${c.name}`}>
                {c.name}
                {c.isCurrent ? " (current)" : ""}
                {c.isKind ? "" : " — not a kind cluster"}
              </option>
            ))}
          </select>
          <button type="submit" className="button" aria-disabled={!hydrated || running || undefined}>
            {running ? "Checking…" : "Check"}
          </button>
          <Link className="small" href="/connections">
            {savedConnection ? "Manage your cluster connection" : "Grade your own cluster instead"}
          </Link>
        </form>
      )}

      {/* What a screen reader hears: the start and the outcome of a run, not every check as it lands. */}
      <p className="visually-hidden" role="status" data-testid="lab-announcement">
        {announcementOf(run)}
      </p>
      <div className="lab-status">
        {running ? (
          <div
            className="progress"
            role="progressbar"
            aria-label="Checks finished"
            aria-valuemin={0}
            aria-valuemax={totalChecks}
            aria-valuenow={done}
          >
            <div className="progress-bar" style={{ width: `${Math.max(4, (done / totalChecks) * 100)}%` }} />
            <span>
              {run.queued
                ? `The grader is busy with other learners; you are number ${run.queued} in the queue…`
                : `Checking ${run.context || "your cluster"}: ${done} of ${totalChecks} checks done`}
            </span>
          </div>
        ) : null}
        {run.phase === "failed" ? (
          <div className="banner banner-fail" role="alert">
            <strong>Could not grade.</strong> {run.message}
          </div>
        ) : null}
        {run.phase === "unreachable" ? <ClusterProblemBanner problem={run.problem} /> : null}
        {run.phase === "done" ? <ScoreSummary summary={run.summary} /> : null}
        {run.phase === "unreachable" && run.previous ? <ScoreSummary summary={run.previous} /> : null}
      </div>

      <ol className="lab-tasks">
        {lab.tasks.map((task, index) => {
          const own = task.checks.map((c) => results[c.id]).filter((r): r is ShownCheck => r !== undefined);
          const taskScore =
            run.phase === "done" && own.length > 0 ? own.reduce((sum, r) => sum + r.awarded, 0) : undefined;
          // Points this cluster could not evaluate are not part of what the task is out of.
          const taskMax = task.points - own.reduce((sum, r) => sum + (r.status === "unsupported" ? r.points : 0), 0);
          return (
            <li key={task.id} className="lab-task">
              <div className="lab-task-head">
                <h3>
                  <span className="task-number">{index + 1}</span> {task.title}
                </h3>
                <span className="points">
                  {taskScore !== undefined ? `${taskScore} / ${taskMax}` : `${task.points}`} pts
                </span>
              </div>
              <div className="prose lab-instructions">{instructions[task.id]}</div>
              <ul className="checks" aria-label={`Checks for ${task.title}`}>
                {task.checks.map((c) => (
                  <CheckRow
                    key={c.id}
                    title={c.title}
                    points={c.points}
                    result={results[c.id]}
                    pending={running && !results[c.id]}
                  />
                ))}
              </ul>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

/** The one sentence announced for a run's state (empty while idle). */
function announcementOf(run: RunState): string {
  switch (run.phase) {
    case "idle":
      return "";
    case "running":
      return `Checking ${run.context || "your cluster"}…`;
    case "failed":
    case "unreachable":
      // Their banner is an alert, announced on its own.
      return "";
    case "done": {
      if (run.summary.checkedAt) return "";
      const { score, maxScore, counts } = run.summary;
      return `Checked: ${score} of ${maxScore} points, ${counts.pass} passed, ${counts.fail} failed${counts.error ? `, ${counts.error} could not run` : ""}.`;
    }
  }
}

const PROBLEM_TITLE: Record<ClusterProblem["outcome"], string> = {
  "no-cluster": "That cluster is not available.",
  "cluster-unreachable": "Your cluster did not answer, so nothing was graded.",
  timeout: "Your cluster did not answer in time, so nothing was graded.",
  unauthorized: "Your cluster refused the grader's credentials, so nothing was graded.",
  refused: "The grader could not use your cluster's answer, so nothing was graded.",
};

/** One banner for a cluster that could not be graded: what happened and what to do; the attempt was not counted. */
function ClusterProblemBanner({ problem }: { problem: ClusterProblem }) {
  return (
    <div className="banner banner-fail" role="alert" data-testid="cluster-problem">
      <p>
        <strong>{PROBLEM_TITLE[problem.outcome]}</strong> {problem.message}
      </p>
      <p>
        {problem.todo}
        {problem.href ? (
          <>
            {" "}
            <Link href={problem.href}>Open the Cluster page</Link>
          </>
        ) : null}
      </p>
      <p className="small">This press of Check is not counted as an attempt.</p>
    </div>
  );
}

function ScoreSummary({ summary }: { summary: Summary }) {
  const percent = summary.maxScore ? Math.round((summary.score / summary.maxScore) * 100) : 0;
  const { counts } = summary;
  return (
    <div className={`score score-${summary.status}`} data-testid="lab-score">
      <div>
        <span className="score-value">
          {summary.score} / {summary.maxScore}
        </span>{" "}
        points · {counts.pass} passed, {counts.fail} failed{counts.error ? `, ${counts.error} could not run` : ""}
        {summary.durationMs !== null ? ` · ${(summary.durationMs / 1000).toFixed(1)} s` : ""}
      </div>
      {counts.unsupported ? (
        <p className="muted small" data-testid="lab-unsupported">
          {counts.unsupported === 1 ? "1 check" : `${counts.unsupported} checks`} ({summary.unsupportedPoints} pts)
          cannot be graded on this cluster and {counts.unsupported === 1 ? "is" : "are"} left out of your score: neither
          passed nor failed.
        </p>
      ) : null}
      {summary.checkedAt ? (
        <p className="muted small lab-last">
          Your last attempt, checked{" "}
          <time dateTime={summary.checkedAt}>
            {new Date(summary.checkedAt).toISOString().slice(0, 16).replace("T", " ")} UTC
          </time>
          . Press Check to grade your cluster as it is now.
        </p>
      ) : null}
      <div className="score-bar" aria-hidden="true">
        <div style={{ width: `${percent}%` }} />
      </div>
      {summary.problem ? (
        <p className="banner banner-fail" role="alert">
          {summary.problem}
        </p>
      ) : null}
    </div>
  );
}

const SAVED = "saved";
const AGENT = "agent";

const STATUS_LABEL = {
  pass: "Passed",
  fail: "Failed",
  error: "Could not check",
  unsupported: "Not gradable here",
} as const;

function CheckRow({
  title,
  points,
  result,
  pending,
}: {
  title: string;
  points: number;
  result?: ShownCheck;
  pending: boolean;
}) {
  const [hint, setHint] = useState(false);
  const status = result?.status ?? (pending ? "running" : "idle");
  return (
    <li className={`check check-${status}`} data-status={status}>
      <div className="check-line">
        <span className="check-icon" aria-hidden="true">
          {status === "pass" ? (
            "✓"
          ) : status === "fail" ? (
            "✗"
          ) : status === "error" ? (
            "!"
          ) : status === "unsupported" ? (
            "–"
          ) : status === "running" ? (
            <span className="spinner" />
          ) : (
            "○"
          )}
        </span>
        <span className="check-title">{title}</span>
        <span className="check-status">
          {result ? STATUS_LABEL[result.status] : pending ? "Checking…" : "Not checked yet"}
        </span>
        <span className="points">
          {result?.status === "unsupported" ? `${points} not counted` : result ? `${result.awarded}/${points}` : points}
        </span>
      </div>
      {result && result.status !== "pass" ? <p className="check-message">{result.message}</p> : null}
      {result ? (
        <div className="check-more">
          <details>
            <summary>Evidence</summary>
            <EvidenceView evidence={result.evidence} />
          </details>
          {result.status === "unsupported" ? (
            <a href={result.lessonHref}>Why, and how to grade it on your own node</a>
          ) : result.status !== "pass" ? (
            <>
              <button type="button" className="link-button" aria-expanded={hint} onClick={() => setHint((h) => !h)}>
                {hint ? "Hide hint" : "Show hint"}
              </button>
              <a href={result.lessonHref}>Read the lesson section</a>
            </>
          ) : null}
          {hint ? <p className="hint">{result.hint}</p> : null}
        </div>
      ) : null}
    </li>
  );
}

/** No cluster to grade yet: the way forward for how this instance is deployed (own machine or classroom server). */
function NoCluster({ contexts }: { contexts: LocalContexts }) {
  return (
    <div className="banner banner-info no-cluster" data-testid="no-cluster">
      {!contexts.ok && contexts.cause === "elsewhere" ? (
        <ClassroomChoices />
      ) : (
        <>
          <OwnMachineSetup reason={contexts.ok ? "kubectl knows no cluster on this machine yet." : contexts.failure} />
          <p className="small">
            Your cluster runs somewhere else? Paste its kubeconfig on the <Link href="/connections">Cluster page</Link>.
          </p>
        </>
      )}
    </div>
  );
}
