// Which cluster a press of Check grades, and who may ask for it. Local mode uses the SERVER's kubeconfig,
// so only the person at this machine may trigger it; a saved connection is the learner's own cluster,
// reachable from anywhere, but still never from another site's page.
import { z } from "zod";
import { connectCluster, type TLab } from "@/grader";
import { connectionForGrading } from "@/lib/connections/connection-for-grading";
import type { Role } from "@/lib/auth/roles";
import { refuseCrossSite, refuseServerKubeconfig, type RequestFacts } from "@/lib/http/local-only";
import { gradeAgainstLocalContext, gradeConnected, type LocalGradeEvent } from "./local-cluster";

/** The grade route's body: a context of the server's kubeconfig (local mode) or the learner's saved connection. */
export const ZGradeRequestSchema = z.union([
  z.strictObject({ connection: z.literal("saved") }),
  z.strictObject({ context: z.string().min(1).max(253).optional() }),
]);
export type TGradeRequest = z.infer<typeof ZGradeRequestSchema>;

/**
 * Null when this request may grade the chosen target; otherwise why not. A saved connection is the
 * learner's own cluster (any address, never from another site's page); local mode is the server's
 * kubeconfig (lib/http/local-only.ts: this machine, or an instructor when remote grading is allowed).
 */
export function refuseGradeTarget(
  request: TGradeRequest,
  facts: RequestFacts,
  user: { role: Role } | null,
  allowRemote?: boolean,
): string | null {
  return "connection" in request ? refuseCrossSite(facts) : refuseServerKubeconfig(facts, user, allowRemote);
}

/** What gradeAttempt needs for the chosen target: the label stored with the attempt, and how to grade. */
export function gradingTarget(
  request: TGradeRequest,
  userId: string,
): {
  context: string | undefined;
  grade: (lab: TLab, context: string | undefined, emit: (event: LocalGradeEvent) => void) => Promise<void>;
} {
  if (!("connection" in request)) return { context: request.context, grade: gradeAgainstLocalContext };
  return {
    context: "saved connection",
    grade: async (lab, _context, emit) => {
      const saved = await connectionForGrading(userId);
      if (!saved.ok) {
        emit({ type: "no-cluster", message: saved.message });
        return;
      }
      const connected = connectCluster(saved.connect);
      if (!connected.ok) {
        emit({ type: "no-cluster", message: connected.failure.message });
        return;
      }
      // The learner sees the server they pasted, not the address it was pinned to.
      await gradeConnected(
        lab,
        { cluster: connected.cluster, context: `${saved.label} (${saved.context})`, server: saved.server },
        emit,
      );
    },
  };
}
