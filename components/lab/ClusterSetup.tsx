import Link from "next/link";
import { CopyButton } from "../CopyButton";

// What a learner without a cluster can do, for the two ways CKS Lab is deployed. Shared by the lab panel
// and the Cluster page so both say the same thing. Never a server file path: the learner cannot see them.

/** One command with its own Copy button, named after the command. */
function Command({ command, name }: { command: string; name: string }) {
  return (
    <div className="setup-command">
      <pre className="terminal">{command}</pre>
      <CopyButton text={command} name={name} />
    </div>
  );
}

/** CKS Lab runs on the learner's own machine: kind and kubectl there, one cluster, a reload. */
export function OwnMachineSetup({ reason }: { reason: string }) {
  return (
    <div className="setup" data-testid="setup-own-machine">
      <p>
        <strong>No practice cluster yet.</strong> {reason} CKS Lab runs on this machine, so it grades the cluster your{" "}
        <code>kubectl</code> uses here:
      </p>
      <ol className="setup-steps">
        <li>
          Install <a href="https://kind.sigs.k8s.io/docs/user/quick-start/#installation">kind</a> (it needs Docker or
          Podman) and <a href="https://kubernetes.io/docs/tasks/tools/">kubectl</a>.
        </li>
        <li>
          Create the cluster:
          <Command command="kind create cluster --name cks" name="the create cluster command" />
        </li>
        <li>
          Check that it answers:
          <Command command="kubectl get nodes" name="the get nodes command" />
        </li>
        <li>Reload this page: the cluster shows up here, ready to grade.</li>
      </ol>
    </div>
  );
}

/**
 * CKS Lab runs on a classroom server: it cannot see the learner's machine, so the cluster comes to it, through
 * the agent or as a kubeconfig for a cluster the server can reach.
 */
export function ClassroomChoices({
  agentHref = "/connections#agent-title",
  pasteBelow = false,
}: {
  agentHref?: string | null;
  /** On the Cluster page itself: the kubeconfig form is below, not a link away. */
  pasteBelow?: boolean;
}) {
  return (
    <div className="setup" data-testid="setup-classroom">
      <p>
        <strong>This CKS Lab runs on a classroom server</strong>, so it cannot see clusters on your own machine. Connect
        yours in one of two ways:
      </p>
      <ul className="setup-steps">
        <li>
          <strong>With the CKS Lab agent</strong> on your machine: it connects out to this server, so your cluster needs
          no public address.{" "}
          {agentHref ? <Link href={agentHref}>Set up the agent</Link> : <span className="muted">Coming soon.</span>}
        </li>
        <li>
          <strong>A cluster this server can reach</strong> (a cloud or classroom cluster): paste its kubeconfig{" "}
          {pasteBelow ? (
            "below"
          ) : (
            <>
              on the <Link href="/connections">Cluster page</Link>
            </>
          )}
          . A kind cluster on your laptop answers only on your laptop (127.0.0.1), so this server cannot reach it.
        </li>
      </ul>
    </div>
  );
}
