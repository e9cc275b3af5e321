"use client";

import { useId, useState } from "react";
import type { TPhaseSummary, SelfTestEvent } from "@/lib/authoring/self-test";
import type { LocalContexts } from "@/lib/labs/local-cluster";
import { readNdjson } from "@/lib/http/ndjson";
import { useHydrated } from "../use-hydrated";

type Run =
  | { state: "idle" }
  | { state: "running"; expected: string[] }
  | { state: "done"; status: string; problem: string | null; expected: string[] };

/** Starts a self-test of one lab and shows each phase as it finishes. */
export function SelfTestRunner({
  labId,
  contexts,
  savedConnection,
}: {
  labId: string;
  contexts: LocalContexts;
  savedConnection: string | null;
}) {
  const hydrated = useHydrated();
  const selectId = useId();
  const options = [
    ...(contexts.ok
      ? contexts.contexts.map((c) => ({
          value: `context:${c.name}`,
          label: `${c.name}${c.isCurrent ? " (current)" : ""}`,
        }))
      : []),
    ...(savedConnection ? [{ value: "saved", label: `Your saved connection (${savedConnection})` }] : []),
  ];
  const [target, setTarget] = useState(options[0]?.value ?? "");
  const [run, setRun] = useState<Run>({ state: "idle" });
  const [phases, setPhases] = useState<TPhaseSummary[]>([]);

  async function start() {
    setPhases([]);
    setRun({ state: "running", expected: [] });
    const body = target === "saved" ? { connection: "saved" } : { context: target.replace(/^context:/, "") };
    let expected: string[] = [];
    try {
      const response = await fetch(`/api/authoring/${labId}/self-test`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      if (!response.ok || !response.body) {
        const error = (await response.json().catch(() => null)) as { error?: string } | null;
        setRun({
          state: "done",
          status: "error",
          problem: error?.error ?? `The server answered ${response.status}.`,
          expected,
        });
        return;
      }
      for await (const event of readNdjson<SelfTestEvent>(response.body)) {
        if (event.type === "started") {
          expected = event.phases;
          setRun({ state: "running", expected });
        } else if (event.type === "phase") setPhases((p) => [...p, event.phase]);
        else setRun({ state: "done", status: event.status, problem: event.problem, expected });
      }
    } catch {
      setRun({ state: "done", status: "error", problem: "Could not reach the CKS Lab server.", expected });
    }
  }

  if (options.length === 0) {
    return (
      <p className="muted small">
        No cluster to test against: add a kubeconfig context on this server, or save a connection on the Cluster page.
      </p>
    );
  }
  const expected = run.state === "idle" ? [] : run.expected;
  return (
    <div className="self-test" data-run-state={run.state === "done" ? run.status : run.state}>
      <form
        className="lab-controls"
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <label htmlFor={selectId}>Cluster</label>
        <select
          id={selectId}
          value={target}
          onChange={(e) => setTarget(e.target.value)}
          disabled={run.state === "running"}
        >
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
        <button type="submit" className="button button-small" disabled={!hydrated || run.state === "running"}>
          {run.state === "running" ? "Self-testing…" : "Run self-test"}
        </button>
      </form>
      {run.state !== "idle" ? (
        <ol className="phases" aria-live="polite" aria-label="Self-test phases">
          {expected.map((name) => {
            const phase = phases.find((p) => p.phase === name);
            const state = phase ? (phase.ok ? "pass" : "fail") : run.state === "running" ? "running" : "idle";
            return (
              <li key={name} className={`check check-${state}`} data-phase={name} data-status={state}>
                <div className="check-line">
                  <span className="check-icon" aria-hidden="true">
                    {state === "pass" ? (
                      "✓"
                    ) : state === "fail" ? (
                      "✗"
                    ) : state === "running" ? (
                      <span className="spinner" />
                    ) : (
                      "○"
                    )}
                  </span>
                  <span className="check-title">{name}</span>
                  <span className="check-status">
                    {phase ? (phase.ok ? "As expected" : "Deviates") : state === "running" ? "Running…" : "Not run"}
                  </span>
                  <span className="points">{phase ? `${phase.score}/${phase.maxScore}` : ""}</span>
                </div>
                {phase && !phase.ok ? (
                  <ul className="check-message">
                    {phase.deviations.map((d) => (
                      <li key={d}>{d}</li>
                    ))}
                  </ul>
                ) : null}
                {phase?.notes?.length ? (
                  <ul className="check-message muted small">
                    {phase.notes.map((n) => (
                      <li key={n}>{n}</li>
                    ))}
                  </ul>
                ) : null}
              </li>
            );
          })}
        </ol>
      ) : null}
      {run.state === "done" ? (
        <p role="status" className={`banner ${run.status === "passed" ? "banner-info" : "banner-fail"}`}>
          {run.status === "passed"
            ? "Self-test passed: every phase behaved as declared."
            : (run.problem ?? "Self-test failed: see the phases above.")}
        </p>
      ) : null}
    </div>
  );
}
