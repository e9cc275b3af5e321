import type { Metadata } from "next";
import Link from "next/link";
import { headers } from "next/headers";
import { SelfTestRunner } from "@/components/authoring/SelfTestRunner";
import { page } from "@/lib/auth/session";
import { listLabsForAuthoring } from "@/lib/authoring/self-test";
import { getConnectionSummary } from "@/lib/connections/connection-summary";
import { requestFacts } from "@/lib/http/local-only";
import { localContextsFor } from "@/lib/labs/local-cluster";

export const metadata: Metadata = { title: "Authoring" };

/** Instructors: every lab, its content version and newest self-test, and a way to run one and watch it. */
export default page({ action: "authoring:view", returnTo: "/authoring" }, async ({ user }) => {
  const [labs, saved] = await Promise.all([listLabsForAuthoring(), getConnectionSummary(user.id)]);
  const contexts = localContextsFor(requestFacts(await headers()), user);

  return (
    <div className="grading">
      <header>
        <p className="eyebrow">Authoring</p>
        <h1>Labs and their self-tests</h1>
        <p className="lead">
          A self-test grades each lab three ways in fresh namespaces: nothing applied must score 0, the reference
          solution full marks, and each known-wrong answer must fail exactly the checks it declares. Run{" "}
          <code>npm run labs:check</code> while editing; see <code>docs/authoring.md</code>.
        </p>
      </header>
      <ul className="grading-labs">
        {labs.map((lab) => (
          <li key={lab.labId} className="grading-lab" data-lab={lab.labId}>
            <div className="grading-lab-head">
              <h2 className="lab-name">
                <Link href={`/lessons/${lab.labId}#practice-lab`}>{lab.title}</Link>
              </h2>
              <code title={lab.contentVersion}>version {lab.contentVersion.slice(0, 12)}</code>
            </div>
            <p className="muted small">
              {lab.phases.length} phases: {lab.phases.join(", ")}
            </p>
            {lab.lastRun ? (
              <p data-testid="last-self-test">
                Last self-test:{" "}
                <span
                  className={`status-pill status-${lab.lastRun.status === "passed" ? "passed" : lab.lastRun.status === "running" ? "in-progress" : "error"}`}
                >
                  {lab.lastRun.status}
                </span>{" "}
                on {lab.lastRun.target}, {lab.lastRun.startedAt.slice(0, 16).replace("T", " ")} UTC by {lab.lastRun.by}
                {lab.lastRun.currentVersion ? "" : " — an older version of this lab"}
                {lab.lastRun.problem ? <span className="block small error-text">{lab.lastRun.problem}</span> : null}
              </p>
            ) : (
              <p className="muted" data-testid="last-self-test">
                Never self-tested.
              </p>
            )}
            <SelfTestRunner labId={lab.labId} contexts={contexts} savedConnection={saved?.label ?? null} />
          </li>
        ))}
      </ul>
    </div>
  );
});
