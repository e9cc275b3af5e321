import { checkConnection, listContexts, type ContextInfo } from "@/grader";
import type { Role } from "@/lib/auth/roles";
import { refuseServerKubeconfig, type RequestFacts } from "@/lib/http/local-only";
import { connectLocalContext } from "./connect-target";

// Local mode: the app runs on the learner's machine and grades through the kubeconfig the server
// process sees (KUBECONFIG or ~/.kube/config). Both modes connect through lib/labs/connect-target.ts.

/** The contexts the learner can pick from, kind clusters first; credentials never leave the server. */
export type LocalContexts =
  | {
      ok: true;
      contexts: Array<Pick<ContextInfo, "name" | "server" | "isKind" | "isCurrent">>;
      suggested: string | null;
    }
  | {
      ok: false;
      /** "elsewhere": the learner is not at the machine running CKS Lab (a classroom server); the others: no usable kubeconfig here. */
      cause: "elsewhere" | "no-kubeconfig" | "unreadable";
      /** For the learner: never a server file path (the grader's own failure names the file). */
      failure: string;
    };

/** Lists kubeconfig contexts and suggests the one to grade against (current kind context, else first kind). */
export function listLocalContexts(): LocalContexts {
  const result = listContexts({});
  if (!result.ok)
    return result.failure.code === "no-kubeconfig"
      ? { ok: false, cause: "no-kubeconfig", failure: "kubectl has no kubeconfig on this machine yet." }
      : {
          ok: false,
          cause: "unreadable",
          failure: "The kubeconfig on this machine could not be used (kubectl config view shows why).",
        };
  const contexts = result.contexts.map(({ name, server, isKind, isCurrent }) => ({ name, server, isKind, isCurrent }));
  const suggested =
    contexts.find((c) => c.isCurrent && c.isKind) ??
    contexts.find((c) => c.isKind) ??
    contexts.find((c) => c.isCurrent) ??
    contexts[0];
  return { ok: true, contexts, suggested: suggested?.name ?? null };
}

/** The server's contexts when this request may use local mode (lib/http/local-only.ts), else why not. */
export function localContextsFor(facts: RequestFacts, user: { role: Role } | null): LocalContexts {
  const refusal = refuseServerKubeconfig(facts, user);
  return refusal ? { ok: false, cause: "elsewhere", failure: refusal } : listLocalContexts();
}

/** Whether the chosen context answers at all (used by the panel before a first Check). */
export async function probeLocalContext(context: string | undefined) {
  const connected = connectLocalContext(context);
  if (!connected.ok) return { ok: false as const, failure: connected.failure };
  return checkConnection(connected.cluster);
}
