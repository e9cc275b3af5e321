import { findLab } from "@/grader";
import { route } from "@/lib/auth/session";
import { connectionOptionsFor } from "@/lib/connections/connection-options";
import { httpStatusFor, isAppError } from "@/lib/errors/app-error";
import { errorMessage } from "@/lib/errors/error-message";
import { refuseCrossSite, requestFacts } from "@/lib/http/local-only";
import { ndjsonResponse } from "@/lib/http/ndjson";
import { targetLabel } from "@/lib/labs/connect-target";
import { openAttempt, type AttemptEvent } from "@/lib/labs/grade-attempt";
import { gradeTarget } from "@/lib/labs/grade-target";
import { refuseGradeTarget, ZGradeRequestSchema } from "@/lib/labs/grading-target";
import { reachTarget } from "@/lib/labs/reach-target";
import { ZLabParamsSchema } from "@/lib/labs/lab-params";

export const dynamic = "force-dynamic";

/**
 * POST: grade the signed-in learner's lab against a server kubeconfig context or their saved connection; streams
 * NDJSON events as checks finish, or one cluster-problem event (and stores nothing) when the cluster does not answer.
 */
export const POST = route(
  {
    action: "lab:grade",
    params: ZLabParamsSchema,
    body: ZGradeRequestSchema,
    notFound: "Unknown lab.",
    invalid: 'Expected a JSON body like {"context": "kind-cks"} or {"connection": "saved"}.',
  },
  async ({ request, user, params, body }) => {
    const facts = requestFacts(request.headers);
    const crossSite = refuseCrossSite(facts);
    if (crossSite) return Response.json({ error: crossSite }, { status: 403 });
    const refusal = refuseGradeTarget(body, facts, user);
    if (refusal) return Response.json({ error: refusal }, { status: 403 });
    let lab;
    try {
      lab = await findLab(params.labId);
    } catch (error) {
      if (!isAppError(error)) throw error;
      return Response.json(
        { error: "This lab's file is invalid; run npm run labs:check." },
        { status: httpStatusFor[error.code] },
      );
    }
    if (!lab) return Response.json({ error: "Unknown lab." }, { status: 404 });

    // A cluster that does not answer is one banner, not an attempt: nothing is stored, nothing is counted.
    const reached = await reachTarget(body, user.id, connectionOptionsFor(facts));
    if (!reached.ok) {
      const { problem } = reached;
      return ndjsonResponse<AttemptEvent>(async (emit) => emit({ type: "cluster-problem", problem }), {
        log: "reporting a cluster problem failed",
        event: { type: "internal-error", message: "Grading could not start. Try again." },
      });
    }
    const { target } = reached;

    let opened;
    try {
      opened = await openAttempt({
        userId: user.id,
        lab,
        context: targetLabel(body),
        grade: (lab, emit) => gradeTarget(lab, target, emit),
      });
    } catch (error) {
      console.error("grading could not start:", errorMessage(error));
      return Response.json(
        { error: "Grading could not start: the database is unavailable. Try again in a moment." },
        { status: 503 },
      );
    }
    if (!opened.ok)
      return Response.json(
        {
          error:
            "A check of this lab is already running (in another tab?). Wait for it to finish, then press Check again.",
        },
        { status: 409 },
      );
    // The browser may go away mid-run; grading and storing the attempt carry on regardless.
    return ndjsonResponse<AttemptEvent>(opened.run, {
      log: "grading failed",
      event: {
        type: "internal-error",
        message: "Grading stopped because of an internal error. Try again; if it keeps happening, report it.",
      },
    });
  },
);
