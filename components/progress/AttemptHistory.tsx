import type { CheckStatus } from "@/grader";
import type { StoredAttempt } from "@/lib/attempts/find-attempts";
import { EvidenceView } from "../lab/EvidenceView";

const STATUS_LABEL: Record<string, string> = {
  passed: "Passed",
  failed: "Failed",
  error: "Could not grade",
  interrupted: "Interrupted",
  running: "Running",
};

const CHECK_ICON: Record<CheckStatus, string> = { pass: "✓", fail: "✗", error: "!", unsupported: "–" };
const CHECK_LABEL: Record<CheckStatus, string> = {
  pass: "Passed",
  fail: "Failed",
  error: "Could not check",
  unsupported: "Not gradable here",
};

/** Every attempt, newest first; each opens to show its checks and their evidence. */
export function AttemptHistory({
  attempts,
  titles,
  checkOrder,
}: {
  attempts: StoredAttempt[];
  titles: Record<string, string>;
  /** Check ids per lab in the lab file's order; checks of older lab versions go last. */
  checkOrder: Record<string, string[]>;
}) {
  const sorted = (attempt: StoredAttempt) => {
    const order = checkOrder[attempt.labId] ?? [];
    const rank = (id: string) => (order.includes(id) ? order.indexOf(id) : order.length);
    return [...attempt.checks].sort((a, b) => rank(a.checkId) - rank(b.checkId));
  };
  return (
    <ol className="attempts">
      {attempts.map((attempt) => (
        <li key={attempt.id} className={`attempt attempt-${attempt.status}`} data-attempt={attempt.id}>
          <details>
            <summary>
              <span className="attempt-lab">{titles[attempt.labId] ?? attempt.labId}</span>
              <span className="attempt-score">
                {attempt.score} / {attempt.maxScore}
                {attempt.unsupportedPoints ? (
                  <span className="muted small"> ({attempt.unsupportedPoints} pts not gradable)</span>
                ) : null}
              </span>
              <span className={`status-pill status-${attempt.status}`}>
                {STATUS_LABEL[attempt.status] ?? attempt.status}
              </span>
              <time dateTime={attempt.startedAt} className="muted">
                {new Date(attempt.startedAt).toISOString().slice(0, 16).replace("T", " ")} UTC
              </time>
            </summary>
            {attempt.problem ? <p className="banner banner-fail">{attempt.problem}</p> : null}
            <p className="muted small">
              Lab version {attempt.contentVersion.slice(0, 12)}
              {attempt.context ? ` · cluster ${attempt.context}` : ""}
              {attempt.durationMs !== null ? ` · ${(attempt.durationMs / 1000).toFixed(1)} s` : ""}
            </p>
            {attempt.checks.length === 0 ? (
              <p className="muted">No check finished in this attempt.</p>
            ) : (
              <ul className="checks">
                {sorted(attempt).map((check) => (
                  <li key={check.checkId} className={`check check-${check.status}`} data-status={check.status}>
                    <div className="check-line">
                      <span className="check-icon" aria-hidden="true">
                        {CHECK_ICON[check.status]}
                      </span>
                      <span className="check-title">{check.title}</span>
                      <span className="check-status">{CHECK_LABEL[check.status]}</span>
                      <span className="points">
                        {check.status === "unsupported"
                          ? `${check.points} not counted`
                          : `${check.awarded}/${check.points}`}
                      </span>
                    </div>
                    {check.status !== "pass" ? <p className="check-message">{check.message}</p> : null}
                    <div className="check-more">
                      <details>
                        <summary>Evidence</summary>
                        <EvidenceView evidence={check.evidence} />
                      </details>
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </details>
        </li>
      ))}
    </ol>
  );
}
