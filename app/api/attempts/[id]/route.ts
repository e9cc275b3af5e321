import { z } from "zod";
import { findAttempt } from "@/lib/attempts/find-attempts";
import { authorizeRoute } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

const ZAttemptIdSchema = z.string().regex(/^[a-z0-9]{10,40}$/);

/** GET: one attempt with every check and its evidence, for its owner, graders and instructors. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const signedIn = await authorizeRoute("lab:grade");
  if (signedIn.denied) return signedIn.denied;
  const id = ZAttemptIdSchema.safeParse((await params).id);
  const found = id.success ? await findAttempt(id.data) : null;
  // Someone else's attempt answers exactly like a missing one: ids are not to be probed.
  const notFound = () => Response.json({ error: "No such attempt." }, { status: 404 });
  if (!found) return notFound();
  const allowed = await authorizeRoute("attempt:read", () => ({ ownerId: found.ownerId }));
  if (allowed.denied) return notFound();
  return Response.json(found.attempt, { headers: { "cache-control": "no-store" } });
}
