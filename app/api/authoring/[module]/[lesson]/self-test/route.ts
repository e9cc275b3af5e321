import { z } from "zod";
import { route } from "@/lib/auth/session";
import { runSelfTest, type SelfTestEvent } from "@/lib/authoring/self-test";
import { requestFacts } from "@/lib/http/local-only";
import { refuseGradeTarget, ZGradeRequestSchema } from "@/lib/labs/grading-target";

export const dynamic = "force-dynamic";

const ZLabParamsSchema = z.object({
  module: z.string().regex(/^[a-z0-9-]{1,80}$/),
  lesson: z.string().regex(/^[a-z0-9-]{1,80}$/),
});

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

    const encoder = new TextEncoder();
    let open = true;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        const emit = (event: SelfTestEvent) => {
          if (!open) return;
          try {
            controller.enqueue(encoder.encode(`${JSON.stringify(event)}\n`));
          } catch {
            open = false;
          }
        };
        void runSelfTest({
          userId: user.id,
          labId: `${params.module}/${params.lesson}`,
          target: body,
          emit,
        })
          .then((run) => {
            if (!run) emit({ type: "done", status: "error", problem: "Unknown lab." });
          })
          .catch((error: unknown) => {
            console.error("self-test failed:", error instanceof Error ? error.message : String(error));
            emit({ type: "done", status: "error", problem: "The self-test stopped because of an internal error." });
          })
          .finally(() => {
            if (open) controller.close();
            open = false;
          });
      },
      cancel() {
        open = false;
      },
    });
    return new Response(stream, {
      headers: { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store" },
    });
  },
);
