import type { Evidence, ReachabilitySide } from "@/grader";

/** What the grader saw for one check, in the terms a learner would use with kubectl. */
export function EvidenceView({ evidence }: { evidence: Evidence[] }) {
  if (evidence.length === 0) return <p className="muted">No evidence was recorded for this check.</p>;
  return (
    <ul className="evidence">
      {evidence.map((item, i) => (
        <li key={i}>
          <EvidenceItem item={item} />
        </li>
      ))}
    </ul>
  );
}

function Row({ label, value }: { label: string; value: React.ReactNode }) {
  return (
    <div className="evidence-row">
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function show(value: unknown): string {
  if (value === null || value === undefined) return "—";
  return typeof value === "string" ? value : JSON.stringify(value);
}

function EvidenceItem({ item }: { item: Evidence }) {
  switch (item.type) {
    case "pod":
      return (
        <dl>
          <Row label="Pod" value={`${item.pod} (container ${item.container})`} />
          <Row label="Phase" value={show(item.phase)} />
          <Row label="Ready" value={show(item.ready)} />
          <Row label="State" value={show(item.state)} />
          <Row label="Restarts" value={show(item.restartCount)} />
          {item.lastTermination ? <Row label="Last termination" value={item.lastTermination} /> : null}
        </dl>
      );
    case "field":
      return (
        <dl>
          <Row label="Object" value={item.target} />
          <Row label="Field" value={<code>{item.path}</code>} />
          <Row
            label="Value"
            value={<code>{item.values.length ? item.values.map(show).join(", ") : "(not set)"}</code>}
          />
        </dl>
      );
    case "mount":
      return (
        <dl>
          <Row label="Pod" value={`${item.pod} (container ${item.container})`} />
          <Row label="Mount path" value={<code>{item.mountPath}</code>} />
          <Row label="Volume" value={item.volume ? `${item.volume} (${show(item.source)})` : "nothing mounted there"} />
        </dl>
      );
    case "exec":
      return (
        <div>
          <pre className="terminal">
            {`$ kubectl exec ${item.pod} -c ${item.container} -- ${item.argv.join(" ")}\n`}
            {item.stdout}
            {item.stderr}
            {item.exitCode === null ? "(no exit code: the command did not finish)" : `exit code ${item.exitCode}`}
          </pre>
          {item.cleanup ? (
            <p className="muted small">
              Cleanup: {item.cleanup.argv.join(" ")} → exit {show(item.cleanup.exitCode)}
            </p>
          ) : null}
        </div>
      );
    case "logs":
      return (
        <div>
          <p className="small muted">
            Logs of {item.pod}/{item.container} ({item.source ?? "none found"})
          </p>
          <pre className="terminal">{item.excerpt || "(empty)"}</pre>
        </div>
      );
    case "dryRun": {
      const expected = item.expected ?? "rejected";
      const answer = item.admitted
        ? "admitted (server-side dry-run: nothing was stored)"
        : `rejected${item.code ? ` with ${item.code} ${show(item.reason)}` : ""}`;
      return (
        <div>
          <dl>
            {item.operation === "debug" ? (
              <Row
                label="Dry-run kubectl debug"
                value={`container ${item.container?.name ?? "?"} (${item.container?.image ?? "?"}) added to pod ${item.name}${item.namespace ? ` in namespace ${item.namespace}` : ""}`}
              />
            ) : (
              <Row
                label="Dry-run create"
                value={`${item.kind}/${item.name}${item.namespace ? ` in namespace ${item.namespace}` : ""}`}
              />
            )}
            <Row label="Needed" value={expected === "admitted" ? "admitted" : "rejected by admission"} />
            <Row label="Answer" value={answer} />
            {item.message ? <Row label="Message" value={item.message} /> : null}
          </dl>
          {item.sent !== undefined ? (
            <details className="evidence-sent">
              <summary className="small muted">{item.operation === "debug" ? "Patch sent" : "Manifest sent"}</summary>
              <pre className="terminal">
                {typeof item.sent === "string" ? item.sent : JSON.stringify(item.sent, null, 2)}
              </pre>
            </details>
          ) : null}
        </div>
      );
    }
    case "object":
      return (
        <dl>
          <Row label="Object" value={`${item.kind} ${item.name} (${item.apiVersion})`} />
          <Row label="Found" value={item.found ? "yes" : "no"} />
        </dl>
      );
    case "reachability":
      return (
        <dl>
          <Row label="Connection" value={`${item.connection} (expected: ${item.expected})`} />
          <Row label="NetworkPolicies say" value={item.policies} />
          {item.sides.map((side) => (
            <Row
              key={`${side.direction} ${side.pod}`}
              label={`${side.direction === "egress" ? "Egress of" : "Ingress of"} ${side.pod}`}
              value={describeSide(side)}
            />
          ))}
          <Row label="Probe from the source pod" value={item.probe} />
          <Row label="Decided by" value={item.decidedBy} />
          {item.notes.map((note) => (
            <Row key={note} label="Note" value={note} />
          ))}
        </dl>
      );
    case "nodeSupport":
      return (
        <dl>
          <Row label="Node" value={`cannot enforce ${item.feature === "apparmor" ? "AppArmor" : item.feature}`} />
          <Row
            label={item.source === "kubelet" ? "Kubelet" : "Runtime"}
            value={`${item.source === "kubelet" ? "refused" : "could not create"} pod ${item.pod}: ${item.reason}`}
          />
          <Row label="Message" value={item.message} />
        </dl>
      );
    case "certificate":
      return (
        <dl>
          <Row label="Certificate from" value={item.source} />
          <Row label="Secret type" value={show(item.secretType)} />
          <Row label="Subject" value={show(item.subject)} />
          <Row
            label="Subject alternative names"
            value={item.subjectAltNames.length ? item.subjectAltNames.join(", ") : "(none)"}
          />
          <Row label="Issuer" value={`${show(item.issuer)}${item.selfSigned ? " (self-signed)" : ""}`} />
          <Row label="Valid" value={`${show(item.notBefore)} to ${show(item.notAfter)}`} />
          {item.keyMatches !== null ? <Row label="tls.key matches" value={item.keyMatches ? "yes" : "no"} /> : null}
          {item.sha256Fingerprint ? <Row label="SHA-256" value={<code>{item.sha256Fingerprint}</code>} /> : null}
        </dl>
      );
    case "accessReview":
      return (
        <div>
          <dl>
            <Row label="Asked about" value={<code>{item.subject}</code>} />
          </dl>
          <ul className="access-matrix">
            {item.rows.map((row) => {
              const matches = row.answer === row.expected;
              return (
                <li key={row.request} className={matches ? "access-match" : "access-mismatch"}>
                  <span aria-hidden="true">{matches ? "✓" : "✗"}</span> <strong>{row.request}</strong>:{" "}
                  {matches ? "" : "expected "}
                  {matches ? row.answer : `${row.expected}, the cluster says ${row.answer}`}
                  <br />
                  <code className="small">{row.command}</code>
                  {row.reason ? <span className="small muted"> ({row.reason})</span> : null}
                </li>
              );
            })}
          </ul>
        </div>
      );
    case "call":
      return (
        <dl>
          <Row label="Call" value={<code>{item.call}</code>} />
          <Row label="Result" value={`${item.failure}: ${item.detail}`} />
        </dl>
      );
  }
}

function describeSide(side: ReachabilitySide): string {
  if (!side.evaluated) return "not evaluated (the grader reads policies in the lab namespace only)";
  if (side.selectedBy.length === 0) return "not isolated: no policy selects this pod for this direction";
  const isolated = `isolated by ${side.selectedBy.join(", ")}`;
  return side.allowedBy.length > 0
    ? `${isolated}; let through by ${side.allowedBy.join(", ")}`
    : `${isolated}; no rule lets this connection through`;
}
