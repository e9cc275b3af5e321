import { route } from "@/lib/auth/session";
import { runSelfTest, type SelfTestEvent } from "@/lib/authoring/self-test";
import { requestFacts } from "@/lib/http/local-only";
import { ndjsonResponse } from "@/lib/http/ndjson";
import { refuseGradeTarget, ZGradeRequestSchema } from "@/lib/labs/grading-target";
import { ZLabParamsSchema } from "@/lib/labs/lab-params";

export const dynamic = "force-dynamic";

/** POST: self-test one lab against a server context or the instructor's saved connection; streams NDJSON phases. */
export const POST = route(
  {
    action: "lab:self-test",
    params: ZLabParamsSchema,
    body: ZGradeRequestSchema,
    notFound: "Unknown lab.",
    invalid: 'Expected {"context": "kind-cks"} or {"connection": "saved"}.',
  },
  async ({ request, user, params, body }) => {
    // The same rule as grading: the server's kubeconfig only from this machine (or an instructor when
    // remote grading is allowed), never from another site.
    const refusal = refuseGradeTarget(body, requestFacts(request.headers), user);
    if (refusal) return Response.json({ error: refusal }, { status: 403 });
    if ("connection" in body && body.connection === "agent") {
      return Response.json(
        {
          error:
            "Self-tests create and delete objects; an agent lets only grading through. Use a saved connection or this server's kubeconfig.",
        },
        { status: 400 },
      );
    }

    return ndjsonResponse<SelfTestEvent>(
      async (emit) => {
        const run = await runSelfTest({ userId: user.id, labId: params.labId, target: body, emit });
        if (!run) emit({ type: "done", status: "error", problem: "Unknown lab." });
      },
      {
        log: "self-test failed",
        event: { type: "done", status: "error", problem: "The self-test stopped because of an internal error." },
      },
    );
  },
);
