"use client";

import { useId, useState, useTransition } from "react";
import { useHydrated } from "@/components/use-hydrated";
import type { ConnectionSummary } from "@/lib/connections/connection-summary";
import type { ConnectionTest, ShownPerm } from "@/lib/connections/test-connection";

type SaveResult = { ok: true; summary: ConnectionSummary } | { ok: false; failure: string };

/** The classroom-mode form: paste and save a kubeconfig, then see, test or delete the saved connection. */
export function ConnectionManager({
  summary: initial,
  save,
  test,
  remove,
}: {
  summary: ConnectionSummary | null;
  save: (input: { label: string; kubeconfig: string }) => Promise<SaveResult>;
  test: () => Promise<ConnectionTest>;
  remove: () => Promise<{ ok: true } | { ok: false; failure: string }>;
}) {
  const id = useId();
  const hydrated = useHydrated();
  const [summary, setSummary] = useState(initial);
  const [label, setLabel] = useState(initial?.label ?? "my kind cluster");
  const [kubeconfig, setKubeconfig] = useState("");
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string } | null>(null);
  const [tested, setTested] = useState<ConnectionTest | null>(null);
  const [saving, startSave] = useTransition();
  const [testing, startTest] = useTransition();
  const [deleting, startDelete] = useTransition();
  const busy = !hydrated || saving || testing || deleting;

  function onSave(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setMessage(null);
    startSave(async () => {
      const result = await save({ label, kubeconfig });
      if (!result.ok) return setMessage({ kind: "error", text: result.failure });
      setSummary(result.summary);
      setTested(null);
      // The pasted credentials leave the page once stored: nothing shows them again.
      setKubeconfig("");
      setMessage({
        kind: "ok",
        text: `Saved “${result.summary.label}”. Press Test connection to check that the grader can reach it.`,
      });
    });
  }

  function onTest() {
    setMessage(null);
    setTested(null);
    startTest(async () => {
      const result = await test();
      setTested(result);
      if (result.ok && summary) setSummary({ ...summary, lastTestedAt: result.testedAt, lastVersion: result.version });
    });
  }

  function onDelete() {
    setMessage(null);
    startDelete(async () => {
      const result = await remove();
      if (!result.ok) return setMessage({ kind: "error", text: result.failure });
      setSummary(null);
      setTested(null);
      setMessage({ kind: "ok", text: "Your saved connection is deleted." });
    });
  }

  return (
    <div className="connection-manager">
      {summary ? (
        <div className="saved-connection" data-testid="saved-connection">
          <h3>Saved connection</h3>
          <dl className="account-facts">
            <dt>Name</dt>
            <dd>{summary.label}</dd>
            <dt>Server</dt>
            <dd>
              <code>{summary.server}</code>
            </dd>
            <dt>Context</dt>
            <dd>
              <code>{summary.context}</code>
            </dd>
            <dt>Last tested</dt>
            <dd>
              {summary.lastTestedAt
                ? `${formatTime(summary.lastTestedAt)}${summary.lastVersion ? `, Kubernetes ${summary.lastVersion}` : ""}`
                : "Not yet"}
            </dd>
          </dl>
          <div className="account-actions">
            <button
              type="button"
              className="button"
              onClick={onTest}
              disabled={busy}
              aria-describedby={`${id}-test-status`}
            >
              {testing ? "Testing…" : "Test connection"}
            </button>
            <button type="button" className="button button-secondary" onClick={onDelete} disabled={busy}>
              {deleting ? "Deleting…" : "Delete"}
            </button>
          </div>
          <div id={`${id}-test-status`} aria-live="polite">
            {testing ? (
              <p className="muted">
                <span className="spinner" aria-hidden="true" /> Connecting to your cluster…
              </p>
            ) : null}
            {tested ? <TestResult result={tested} /> : null}
          </div>
        </div>
      ) : null}

      <form className="auth-form connection-form" onSubmit={onSave} noValidate>
        <h3>{summary ? "Replace it with another kubeconfig" : "Add your cluster"}</h3>
        <div className="field">
          <label htmlFor={`${id}-label`}>Name</label>
          <input
            id={`${id}-label`}
            value={label}
            onChange={(e) => setLabel(e.target.value)}
            maxLength={60}
            required
            autoComplete="off"
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-kubeconfig`}>Kubeconfig</label>
          <textarea
            id={`${id}-kubeconfig`}
            className="kubeconfig-input"
            value={kubeconfig}
            onChange={(e) => setKubeconfig(e.target.value)}
            rows={10}
            spellCheck={false}
            autoComplete="off"
            placeholder={
              "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority-data: …\n    server: https://…"
            }
            aria-describedby={`${id}-kubeconfig-hint`}
            aria-invalid={message?.kind === "error" || undefined}
            required
          />
          <p id={`${id}-kubeconfig-hint`} className="field-hint">
            The whole output of <code>kind get kubeconfig --name cks</code>: one cluster, one user, one context. Saving
            replaces any earlier connection.
          </p>
        </div>
        <button type="submit" className="button" disabled={busy || kubeconfig.trim() === ""}>
          {saving ? "Checking and saving…" : "Save connection"}
        </button>
        <div aria-live="polite">
          {message ? (
            <p
              className={message.kind === "ok" ? "form-ok" : "form-error"}
              role={message.kind === "error" ? "alert" : "status"}
            >
              {message.text}
            </p>
          ) : null}
        </div>
      </form>
    </div>
  );
}

function TestResult({ result }: { result: ConnectionTest }) {
  if (!result.ok) {
    return (
      <div className="banner banner-fail" role="alert" data-testid="connection-test">
        <strong>The grader could not use this connection.</strong> {result.failure}
      </div>
    );
  }
  return (
    <div className="connection-test" data-testid="connection-test">
      <p className="banner banner-info" role="status">
        Connected: Kubernetes <strong data-testid="server-version">{result.version}</strong>.
      </p>
      {result.namespaces.map((ns) =>
        ns.ok ? (
          <div key={ns.namespace} className="permissions">
            <h4>
              Permissions in <code>{ns.namespace}</code>: {ns.granted.length} granted, {ns.missing.length} missing
            </h4>
            {ns.missing.length ? (
              <PermList title="Missing (the checks that need these will fail)" perms={ns.missing} kind="missing" />
            ) : null}
            <PermList title="Granted" perms={ns.granted} kind="granted" />
          </div>
        ) : (
          <p key={ns.namespace} className="banner banner-fail">
            Permissions in <code>{ns.namespace}</code> could not be checked: {ns.failure}
          </p>
        ),
      )}
    </div>
  );
}

function PermList({ title, perms, kind }: { title: string; perms: ShownPerm[]; kind: "granted" | "missing" }) {
  return (
    <>
      <p className="small">
        <strong>{title}</strong>
      </p>
      <ul className={`perm-list perm-${kind}`} aria-label={title}>
        {perms.map((p) => (
          <li key={`${p.verb} ${p.resource} ${p.namespace ?? ""}`} data-perm={kind}>
            <span aria-hidden="true">{kind === "granted" ? "✓" : "✗"}</span> <code>{`${p.verb} ${p.resource}`}</code>
            {p.namespace ? null : <span className="muted small"> (cluster-wide)</span>}{" "}
            <span className="muted small">— {p.why}</span>
          </li>
        ))}
      </ul>
    </>
  );
}

function formatTime(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
