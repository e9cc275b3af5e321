"use client";

import { useActionState } from "react";
import type { AgentSummary } from "@/lib/agent/hub";
import { useHydrated } from "../use-hydrated";

type State = { ok: boolean; message: string } | null;
type Agent = { id: string; hostname: string; signedInAt: string; live: AgentSummary | null };

const utc = (iso: string) => `${iso.slice(0, 19).replace("T", " ")} UTC`;

/** The learner's signed-in agents: which one is connected, its last heartbeat, and Disconnect. */
export function AgentList({
  agents,
  disconnect,
}: {
  agents: Agent[];
  disconnect: (previous: State, form: FormData) => Promise<State>;
}) {
  if (agents.length === 0) {
    return (
      <p className="muted" data-testid="agents-empty">
        No agent has signed in yet. Run the command above; it prints a code to approve.
      </p>
    );
  }
  return (
    <ul className="agent-list" aria-label="Your agents">
      {agents.map((agent) => (
        <AgentItem key={agent.id} agent={agent} disconnect={disconnect} />
      ))}
    </ul>
  );
}

function AgentItem({
  agent,
  disconnect,
}: {
  agent: Agent;
  disconnect: (previous: State, form: FormData) => Promise<State>;
}) {
  const [state, submit, pending] = useActionState(disconnect, null);
  const hydrated = useHydrated();
  const { live } = agent;
  return (
    <li className="agent-item" data-testid="agent-item" data-connected={live ? "true" : "false"}>
      <div>
        <strong>{agent.hostname}</strong>{" "}
        {live ? <span className="badge">connected</span> : <span className="muted small">not connected</span>}
        <div className="muted small">
          {live ? (
            <>
              {live.context ? <>context {live.context}, </> : null}
              {live.kubernetesVersion ? <>Kubernetes {live.kubernetesVersion}, </> : null}
              connected since {utc(live.connectedAt)} · last heartbeat{" "}
              <time dateTime={live.lastHeartbeatAt}>{utc(live.lastHeartbeatAt)}</time>
            </>
          ) : (
            <>signed in {utc(agent.signedInAt)}</>
          )}
        </div>
        {state ? (
          <p role={state.ok ? "status" : "alert"} className="small">
            {state.message}
          </p>
        ) : null}
      </div>
      <form action={submit}>
        <input type="hidden" name="credentialId" value={agent.id} />
        <button type="submit" className="button button-secondary" disabled={!hydrated || pending}>
          {pending ? "Disconnecting…" : "Disconnect"}
        </button>
      </form>
    </li>
  );
}
