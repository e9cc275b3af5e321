"use client";

import Link from "next/link";
import { useId, useRef, useState } from "react";
import type { CheckResult, GradeReport } from "@/grader/report";
import type { LabView } from "@/lib/labs/lab-view";
import type { LocalContexts, LocalGradeEvent } from "@/lib/labs/local-cluster";
import { useHydrated } from "../use-hydrated";
import { EvidenceView } from "./EvidenceView";

type RunState =
  | { phase: "idle" }
  | { phase: "running"; total: number; context: string }
  | { phase: "done"; report: GradeReport }
  | { phase: "failed"; message: string };

/**
 * The practice lab under a lesson: tasks, a Check button, and live per-check results.
 * `contexts` is null when nobody is signed in: the tasks show, grading asks to sign in.
 */
export function LabPanel({
  lab,
  contexts,
  instructions,
  signInHref,
}: {
  lab: LabView;
  contexts: LocalContexts | null;
  instructions: Record<string, React.ReactNode>;
  signInHref: string;
}) {
  const hydrated = useHydrated();
  const selectId = useId();
  const [context, setContext] = useState(contexts?.ok ? (contexts.suggested ?? "") : "");
  const [run, setRun] = useState<RunState>({ phase: "idle" });
  const [results, setResults] = useState<Record<string, CheckResult>>({});
  const abort = useRef<AbortController | null>(null);
  const totalChecks = lab.tasks.reduce((n, t) => n + t.checks.length, 0);

  async function check() {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setResults({});
    setRun({ phase: "running", total: totalChecks, context });
    try {
      const response = await fetch(`/api/labs/${lab.labId}/grade`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(context ? { context } : {}),
        signal: controller.signal,
      });
      if (!response.ok || !response.body) {
        const body = (await response.json().catch(() => null)) as { error?: string } | null;
        setRun({ phase: "failed", message: body?.error ?? `The grader answered ${response.status}.` });
        return;
      }
      let finished = false;
      for await (const event of readEvents(response.body)) {
        if (event.type === "result") setResults((r) => ({ ...r, [event.result.checkId]: event.result }));
        else if (event.type === "report") {
          finished = true;
          setResults(Object.fromEntries(event.report.results.map((r) => [r.checkId, r])));
          setRun({ phase: "done", report: event.report });
        } else if (event.type === "no-cluster") {
          finished = true;
          setRun({ phase: "failed", message: event.message });
        }
      }
      if (!finished) setRun({ phase: "failed", message: "The connection to the grader closed before all checks finished. Press Check to try again." });
    } catch (error) {
      if ((error as Error).name !== "AbortError") setRun({ phase: "failed", message: "Could not reach the CKS Lab server. Is it still running?" });
    }
  }

  const done = Object.keys(results).length;
  const running = run.phase === "running";

  return (
    <section className="lab-panel" aria-labelledby="lab-title" id="practice-lab">
      <header className="lab-header">
        <p className="eyebrow">Practice lab</p>
        <h2 id="lab-title">{lab.title}</h2>
        <p className="muted">
          Work in namespace <code>{lab.namespace}</code> on your own cluster, then press Check. {lab.tasks.length} tasks, {lab.maxScore} points.
        </p>
      </header>

      {contexts === null ? (
        <div className="lab-controls">
          <Link className="button" href={signInHref}>
            Sign in to check your work
          </Link>
          <span className="muted small">The tasks are open to everyone; grading runs for signed-in learners.</span>
        </div>
      ) : !contexts.ok || contexts.contexts.length === 0 ? (
        <NoCluster message={contexts.ok ? "Your kubeconfig has no contexts yet." : contexts.message} />
      ) : (
        <form
          className="lab-controls"
          onSubmit={(e) => {
            e.preventDefault();
            void check();
          }}
        >
          <label htmlFor={selectId}>Cluster</label>
          <select id={selectId} value={context} onChange={(e) => setContext(e.target.value)} disabled={running}>
            {contexts.contexts.map((c) => (
              <option key={c.name} value={c.name}>
                {c.name}
                {c.isCurrent ? " (current)" : ""}
                {c.isKind ? "" : " — not a kind cluster"}
              </option>
            ))}
          </select>
          <button type="submit" className="button" disabled={!hydrated || running}>
            {running ? "Checking…" : "Check"}
          </button>
        </form>
      )}

      <div aria-live="polite" className="lab-status">
        {running ? (
          <div className="progress" role="progressbar" aria-label="Checks finished" aria-valuemin={0} aria-valuemax={totalChecks} aria-valuenow={done}>
            <div className="progress-bar" style={{ width: `${Math.max(4, (done / totalChecks) * 100)}%` }} />
            <span>
              Checking {run.context || "your cluster"}: {done} of {totalChecks} checks done
            </span>
          </div>
        ) : null}
        {run.phase === "failed" ? (
          <div className="banner banner-fail" role="alert">
            <strong>Could not grade.</strong> {run.message}
          </div>
        ) : null}
        {run.phase === "done" ? <ScoreSummary report={run.report} /> : null}
      </div>

      <ol className="lab-tasks">
        {lab.tasks.map((task, index) => {
          const taskScore = run.phase === "done" ? run.report.tasks.find((t) => t.taskId === task.id) : undefined;
          return (
            <li key={task.id} className="lab-task">
              <div className="lab-task-head">
                <h3>
                  <span className="task-number">{index + 1}</span> {task.title}
                </h3>
                <span className="points">{taskScore ? `${taskScore.score} / ${task.points}` : `${task.points}`} pts</span>
              </div>
              <div className="prose lab-instructions">{instructions[task.id]}</div>
              <ul className="checks" aria-label={`Checks for ${task.title}`}>
                {task.checks.map((c) => (
                  <CheckRow key={c.id} title={c.title} points={c.points} result={results[c.id]} pending={running && !results[c.id]} />
                ))}
              </ul>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

function ScoreSummary({ report }: { report: GradeReport }) {
  const percent = report.maxScore ? Math.round((report.score / report.maxScore) * 100) : 0;
  return (
    <div className={`score score-${report.status}`} data-testid="lab-score">
      <div>
        <span className="score-value">
          {report.score} / {report.maxScore}
        </span>{" "}
        points · {report.counts.pass} passed, {report.counts.fail} failed{report.counts.error ? `, ${report.counts.error} could not run` : ""} ·{" "}
        {(report.durationMs / 1000).toFixed(1)} s
      </div>
      <div className="score-bar" aria-hidden="true">
        <div style={{ width: `${percent}%` }} />
      </div>
      {report.problem ? (
        <p className="banner banner-fail" role="alert">
          {report.problem.message}
        </p>
      ) : null}
    </div>
  );
}

const STATUS_LABEL = { pass: "Passed", fail: "Failed", error: "Could not check" } as const;

function CheckRow({ title, points, result, pending }: { title: string; points: number; result?: CheckResult; pending: boolean }) {
  const [hint, setHint] = useState(false);
  const status = result?.status ?? (pending ? "running" : "idle");
  return (
    <li className={`check check-${status}`} data-status={status}>
      <div className="check-line">
        <span className="check-icon" aria-hidden="true">
          {status === "pass" ? "✓" : status === "fail" ? "✗" : status === "error" ? "!" : status === "running" ? <span className="spinner" /> : "○"}
        </span>
        <span className="check-title">{title}</span>
        <span className="check-status">{result ? STATUS_LABEL[result.status] : pending ? "Checking…" : "Not checked yet"}</span>
        <span className="points">{result ? `${result.awarded}/${points}` : points}</span>
      </div>
      {result && result.status !== "pass" ? <p className="check-message">{result.message}</p> : null}
      {result ? (
        <div className="check-more">
          <details>
            <summary>Evidence</summary>
            <EvidenceView evidence={result.evidence} />
          </details>
          {result.status !== "pass" ? (
            <>
              <button type="button" className="link-button" aria-expanded={hint} onClick={() => setHint((h) => !h)}>
                {hint ? "Hide hint" : "Show hint"}
              </button>
              <a href={result.lessonAnchor}>Read the lesson section</a>
            </>
          ) : null}
          {hint ? <p className="hint">{result.hint}</p> : null}
        </div>
      ) : null}
    </li>
  );
}

function NoCluster({ message }: { message: string }) {
  return (
    <div className="banner banner-info" role="status">
      <p>
        <strong>No Kubernetes cluster is configured for grading.</strong> {message.replace(/\s*Create a cluster with:.*$/, "")}
      </p>
      <p>Create a local cluster with kind, then reload this page:</p>
      <pre className="terminal">kind create cluster --name cks</pre>
      <p className="small muted">CKS Lab reads the same kubeconfig as kubectl (the KUBECONFIG variable or ~/.kube/config).</p>
    </div>
  );
}

async function* readEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<LocalGradeEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let newline: number;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      if (line) yield JSON.parse(line) as LocalGradeEvent;
    }
  }
}
