import { z } from "zod";
import { findAttempt } from "@/lib/attempts/find-attempts";
import { route } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

const ZAttemptParamsSchema = z.object({ id: z.string().regex(/^[a-z0-9]{10,40}$/) });

/** GET: one attempt with every check and its evidence, for its owner, graders and instructors (404 to anyone else). */
export const GET = route(
  {
    action: "attempt:read",
    params: ZAttemptParamsSchema,
    load: ({ params }) => findAttempt(params.id),
    notFound: "No such attempt.",
  },
  ({ resource }) => Response.json(resource.attempt, { headers: { "cache-control": "no-store" } }),
);
