import { authorizeRoute } from "@/lib/auth/session";
import { refuseUnlessLocal } from "@/lib/http/local-only";
import { listLocalContexts, probeLocalContext } from "@/lib/labs/local-cluster";
import { z } from "zod";

export const dynamic = "force-dynamic";

const ZProbeQuerySchema = z.object({ probe: z.string().min(1).max(253).optional() });

/** GET: kubeconfig contexts (names and servers only); `?probe=<context>` also asks that cluster for its version. */
export async function GET(request: Request) {
  const refusal = refuseUnlessLocal(request.headers);
  if (refusal) return Response.json({ error: refusal }, { status: 403 });
  const auth = await authorizeRoute("cluster:list-contexts");
  if (auth.denied) return auth.denied;
  const query = ZProbeQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) return Response.json({ error: "probe must be a context name." }, { status: 400 });
  const contexts = listLocalContexts();
  const probe = query.data.probe ? await probeLocalContext(query.data.probe) : null;
  return Response.json({ contexts, probe }, { headers: { "cache-control": "no-store" } });
}
