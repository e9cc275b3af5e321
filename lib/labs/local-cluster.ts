import {
  checkConnection,
  connectCluster,
  gradeLab,
  listContexts,
  type CheckResult,
  type ClusterPort,
  type ContextInfo,
  type GradeReport,
  type TLab,
} from "@/grader";
import type { Role } from "@/lib/auth/roles";
import { refuseServerKubeconfig, type RequestFacts } from "@/lib/http/local-only";

// Local mode: the app runs on the learner's machine and grades through the kubeconfig the server
// process sees (KUBECONFIG or ~/.kube/config). Classroom mode (a learner's saved connection) is
// lib/labs/grading-target.ts.

/** The contexts the learner can pick from, kind clusters first; credentials never leave the server. */
export type LocalContexts =
  | {
      ok: true;
      contexts: Array<Pick<ContextInfo, "name" | "server" | "isKind" | "isCurrent">>;
      suggested: string | null;
    }
  | { ok: false; message: string };

/** Lists kubeconfig contexts and suggests the one to grade against (current kind context, else first kind). */
export function listLocalContexts(): LocalContexts {
  const result = listContexts({});
  if (!result.ok) return { ok: false, message: result.failure.message };
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
  return refusal ? { ok: false, message: refusal } : listLocalContexts();
}

export type LocalGradeEvent =
  | { type: "start"; context: string; server: string; checks: number }
  | { type: "result"; result: CheckResult }
  | { type: "report"; report: GradeReport }
  | { type: "no-cluster"; message: string };

/** Grades `lab` against a context of the server's kubeconfig, emitting each check result as it lands. */
export async function gradeAgainstLocalContext(
  lab: TLab,
  context: string | undefined,
  emit: (event: LocalGradeEvent) => void,
): Promise<void> {
  const connected = connectCluster(context ? { context } : {});
  if (!connected.ok) {
    emit({ type: "no-cluster", message: connected.failure.message });
    return;
  }
  await gradeConnected(lab, connected, emit);
}

/** Grades `lab` on a cluster already connected (local context or saved connection), emitting as checks finish. */
export async function gradeConnected(
  lab: TLab,
  connected: { cluster: ClusterPort; context: string; server: string },
  emit: (event: LocalGradeEvent) => void,
): Promise<void> {
  const checks = lab.tasks.reduce((n, t) => n + t.checks.length, 0);
  emit({ type: "start", context: connected.context, server: connected.server, checks });
  const report = await gradeLab({
    lab,
    cluster: connected.cluster,
    onResult: (result) => emit({ type: "result", result }),
  });
  emit({ type: "report", report });
}

/** Whether the chosen context answers at all (used by the panel before a first Check). */
export async function probeLocalContext(context: string | undefined) {
  const connected = connectCluster(context ? { context } : {});
  if (!connected.ok) return { ok: false as const, message: connected.failure.message };
  return checkConnection(connected.cluster);
}
