// Which cluster a grade or self-test request names, and who may ask for it. Local mode uses the SERVER's kubeconfig,
// so only the person at this machine may trigger it; a saved connection is the learner's own cluster,
// reachable from anywhere, but still never from another site's page. Connecting is connect-target.ts.
import { z } from "zod";
import type { Role } from "@/lib/auth/roles";
import { refuseCrossSite, refuseServerKubeconfig, type RequestFacts } from "@/lib/http/local-only";

/**
 * The body of the grade and self-test routes: a context of the server's kubeconfig (local mode), the user's
 * saved connection, or the cluster behind the user's connected agent (lib/agent/hub.ts).
 */
export const ZGradeRequestSchema = z.union([
  z.strictObject({ connection: z.enum(["saved", "agent"]) }),
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
