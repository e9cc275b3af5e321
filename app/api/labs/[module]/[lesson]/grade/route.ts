import { z } from "zod";
import { findLab } from "@/grader";
import { authorizeRoute } from "@/lib/auth/session";
import { refuseUnlessLocal } from "@/lib/http/local-only";
import { gradeAgainstLocalContext, type LocalGradeEvent } from "@/lib/labs/local-cluster";

export const dynamic = "force-dynamic";

const ZGradeRequestSchema = z.strictObject({ context: z.string().min(1).max(253).optional() });
const ZLabParamsSchema = z.object({ module: z.string().regex(/^[a-z0-9-]{1,80}$/), lesson: z.string().regex(/^[a-z0-9-]{1,80}$/) });

type Params = { params: Promise<{ module: string; lesson: string }> };

/** POST: grade the lab against the chosen kubeconfig context; streams NDJSON events as checks finish. */
export async function POST(request: Request, { params }: Params) {
  const refusal = refuseUnlessLocal(request.headers);
  if (refusal) return Response.json({ error: refusal }, { status: 403 });
  const auth = await authorizeRoute("lab:grade");
  if (auth.denied) return auth.denied;

  const ids = ZLabParamsSchema.safeParse(await params);
  if (!ids.success) return Response.json({ error: "Unknown lab." }, { status: 404 });
  const body = ZGradeRequestSchema.safeParse(await request.json().catch(() => null));
  if (!body.success) return Response.json({ error: "Expected a JSON body like {\"context\": \"kind-cks\"}." }, { status: 400 });
  const lab = await findLab(`${ids.data.module}/${ids.data.lesson}`);
  if (!lab) return Response.json({ error: "Unknown lab." }, { status: 404 });

  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const emit = (event: LocalGradeEvent) => controller.enqueue(encoder.encode(`${JSON.stringify(event)}\n`));
      try {
        await gradeAgainstLocalContext(lab, body.data.context, emit);
      } catch (error) {
        // The grader reports cluster trouble as data; reaching here is a bug, logged without request data.
        console.error("grading crashed", error instanceof Error ? error.message : error);
        emit({ type: "no-cluster", message: "Grading stopped because of an internal error. Try again; if it keeps happening, report it." });
      } finally {
        controller.close();
      }
    },
  });
  return new Response(stream, { headers: { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store" } });
}
