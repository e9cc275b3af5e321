import { z } from "zod";
import { findLab } from "@/grader";
import { route } from "@/lib/auth/session";
import { httpStatusFor, isAppError } from "@/lib/errors/app-error";
import { refuseCrossSite, requestFacts } from "@/lib/http/local-only";
import { gradeAttempt, type AttemptEvent } from "@/lib/labs/grade-attempt";
import { gradingTarget, refuseGradeTarget, ZGradeRequestSchema } from "@/lib/labs/grading-target";

export const dynamic = "force-dynamic";

const ZLabParamsSchema = z.object({
  module: z.string().regex(/^[a-z0-9-]{1,80}$/),
  lesson: z.string().regex(/^[a-z0-9-]{1,80}$/),
});

/** POST: grade the signed-in learner's lab against a server kubeconfig context or their saved connection; streams NDJSON events as checks finish. */
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
    const target = gradingTarget(body, user.id);
    let lab;
    try {
      lab = await findLab(`${params.module}/${params.lesson}`);
    } catch (error) {
      if (!isAppError(error)) throw error;
      return Response.json(
        { error: "This lab's file is invalid; run npm run labs:check." },
        { status: httpStatusFor[error.code] },
      );
    }
    if (!lab) return Response.json({ error: "Unknown lab." }, { status: 404 });

    const encoder = new TextEncoder();
    let open = true;
    let started!: (value: "started" | "busy" | "failed") => void;
    const first = new Promise<"started" | "busy" | "failed">((resolve) => (started = resolve));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        // The browser may go away mid-run; grading and storing the attempt carry on regardless.
        const emit = (event: AttemptEvent) => {
          if (event.type === "attempt") started("started");
          if (!open) return;
          try {
            controller.enqueue(encoder.encode(`${JSON.stringify(event)}\n`));
          } catch {
            open = false;
          }
        };
        void gradeAttempt({ userId: user.id, lab, context: target.context, grade: target.grade, emit })
          .then(
            (outcome) => {
              if (!outcome.ok) started("busy");
            },
            (error: unknown) => {
              console.error("grading failed:", error instanceof Error ? error.message : String(error));
              started("failed");
            },
          )
          .finally(() => {
            if (open) controller.close();
            open = false;
          });
      },
      cancel() {
        open = false;
      },
    });
    const outcome = await first;
    if (outcome !== "started") {
      void stream.cancel();
      return outcome === "busy"
        ? Response.json(
            {
              error:
                "A check of this lab is already running (in another tab?). Wait for it to finish, then press Check again.",
            },
            { status: 409 },
          )
        : Response.json(
            { error: "Grading could not start: the database is unavailable. Try again in a moment." },
            { status: 503 },
          );
    }
    return new Response(stream, {
      headers: { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store" },
    });
  },
);
