import type { Metadata } from "next";
import { headers } from "next/headers";
import { page } from "@/lib/auth/session";
import { getConnectionSummary } from "@/lib/connections/connection-summary";
import { ClassroomChoices, OwnMachineSetup } from "@/components/lab/ClusterSetup";
import { isLocalRequest, requestFacts } from "@/lib/http/local-only";
import { localContextsFor } from "@/lib/labs/local-cluster";
import { AgentList } from "@/components/agent/AgentList";
import { listAgentCredentials } from "@/lib/agent/credentials";
import { agentHub } from "@/lib/agent/hub";
import { resolveBaseUrl } from "@/lib/auth/base-url";
import { deleteConnectionAction, disconnectAgentAction, saveConnectionAction, testConnectionAction } from "./actions";
import { ConnectionManager } from "./ConnectionManager";
import styles from "./connections.module.css";

export const metadata: Metadata = { title: "Your cluster" };

const LEAST_PRIVILEGE = `kubectl create namespace immutable-lab      # skip if it exists
kubectl apply -f docs/grader-rbac.yaml     # a cks-grader ServiceAccount and a Role in the lab namespace

CLUSTER=kind-cks
SERVER=$(kubectl config view --raw -o jsonpath="{.clusters[?(@.name==\\"$CLUSTER\\")].cluster.server}")
CA=$(kubectl config view --raw -o jsonpath="{.clusters[?(@.name==\\"$CLUSTER\\")].cluster.certificate-authority-data}")
TOKEN=$(kubectl create token cks-grader -n cks-grader --duration=168h)

OUT=cks-grader.kubeconfig
kubectl config --kubeconfig=$OUT set-cluster "$CLUSTER" --server="$SERVER"
kubectl config --kubeconfig=$OUT set "clusters.$CLUSTER.certificate-authority-data" "$CA"
kubectl config --kubeconfig=$OUT set-credentials cks-grader --token="$TOKEN"
kubectl config --kubeconfig=$OUT set-context cks-grader --cluster="$CLUSTER" --user=cks-grader --namespace=immutable-lab
kubectl config --kubeconfig=$OUT use-context cks-grader
cat $OUT                                    # paste this above`;

/** Where grading connects: the server's kubeconfig (local mode) or the learner's own pasted kubeconfig (classroom mode). */
export default page({ action: "connection:read", self: true, returnTo: "/connections" }, async ({ user }) => {
  const facts = requestFacts(await headers());
  const summary = await getConnectionSummary(user.id);
  const local = localContextsFor(facts, user);
  const atThisMachine = isLocalRequest(facts);
  const credentials = await listAgentCredentials(user.id);
  const live = agentHub().summaryFor(user.id);
  const agents = credentials.map((c) => ({
    id: c.id,
    hostname: c.hostname,
    signedInAt: c.createdAt.toISOString(),
    live: live?.credentialId === c.id ? live : null,
  }));

  return (
    <section className={styles.page} aria-labelledby="connections-title">
      <h1 id="connections-title">Your cluster</h1>
      <p className="lead">
        Check grades a Kubernetes cluster: one on the machine running CKS Lab, or one you connect here. The lab panel
        under each lesson lets you choose.
      </p>

      <section className="lab-panel" aria-labelledby="local-title">
        <h2 id="local-title">On this machine: the clusters kubectl knows</h2>
        <p>
          When CKS Lab runs on your own machine, it grades the clusters in the kubeconfig <code>kubectl</code> uses
          there (kind clusters first). Nothing to paste.
        </p>
        {local.ok && local.contexts.length ? (
          <ul className="context-list" aria-label="Clusters kubectl knows on this machine">
            {local.contexts.map((c) => (
              <li key={c.name}>
                <code>{c.name}</code> <span className="muted small">{c.server ?? "no server"}</span>
                {c.isCurrent ? <span className="badge">current</span> : null}
              </li>
            ))}
          </ul>
        ) : !local.ok && local.cause === "elsewhere" ? (
          <div className="banner banner-info">
            <ClassroomChoices pasteBelow />
          </div>
        ) : (
          <div className="banner banner-info">
            <OwnMachineSetup reason={local.ok ? "kubectl knows no cluster on this machine yet." : local.failure} />
          </div>
        )}
      </section>

      <section className="lab-panel" aria-labelledby="agent-title">
        <h2 id="agent-title">Agent mode: the cluster on your laptop</h2>
        <p>
          When CKS Lab runs on a server and your kind cluster on your laptop, run the agent next to your cluster. It
          signs in with a code you approve here, then connects out to CKS Lab: nothing to paste, and your kubeconfig
          never leaves your machine. It runs only what the labs&apos; checks need and prints every request.
        </p>
        <pre className="terminal">{`npx cks-lab-agent --server ${resolveBaseUrl()}   # add --context kind-cks to pick a context`}</pre>
        <AgentList agents={agents} disconnect={disconnectAgentAction} />
      </section>

      <section className="lab-panel" aria-labelledby="classroom-title">
        <h2 id="classroom-title">A cluster of your own, by kubeconfig</h2>
        <p>
          Paste the kubeconfig of a cluster this server can reach. For a kind cluster, run this where the cluster runs:
        </p>
        <pre className="terminal">kind get kubeconfig --name cks</pre>
        <p className="small" data-testid="loopback-rule">
          {atThisMachine
            ? "You are using CKS Lab on the machine it runs on, so a kind cluster's 127.0.0.1 address is accepted: it is your own machine."
            : "A kind cluster answers on 127.0.0.1, which from this server means the server itself, so it is refused here; a cluster on a network this server can reach works."}
        </p>
        <p className="small muted">
          It is stored encrypted, only for your account, and never shown again: not to you, not to instructors. Only
          inline credentials are accepted (a token or client certificate, as kind prints them): exec and auth-provider
          plugins and file paths are refused because they would run commands or read files on our server. The cluster
          must be reachable from this server over https.
        </p>
        <ConnectionManager
          summary={summary}
          save={saveConnectionAction}
          test={testConnectionAction}
          remove={deleteConnectionAction}
        />
      </section>

      <section className="lab-panel" aria-labelledby="least-title">
        <h2 id="least-title">Least privilege: a grader-only account</h2>
        <p>
          <code>kind get kubeconfig</code> hands over cluster-admin. To give the grader only what the checks need (read
          pods and logs, exec in the lab namespace, dry-run pod creation), create its ServiceAccount from{" "}
          <code>docs/grader-rbac.yaml</code> in the CKS Lab repository and paste the kubeconfig these commands write.
          The full walkthrough is <code>docs/grader-access.md</code>.
        </p>
        <details>
          <summary>Show the commands</summary>
          <pre className="terminal">{LEAST_PRIVILEGE}</pre>
        </details>
      </section>
    </section>
  );
});
