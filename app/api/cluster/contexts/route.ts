import { z } from "zod";
import { route } from "@/lib/auth/session";
import { refuseServerKubeconfig, requestFacts } from "@/lib/http/local-only";
import { listLocalContexts, probeLocalContext } from "@/lib/labs/local-cluster";

export const dynamic = "force-dynamic";

const ZProbeQuerySchema = z.object({ probe: z.string().min(1).max(253).optional() });

/** GET: the server's kubeconfig contexts (names and servers only); `?probe=<context>` also asks that cluster for its version. */
export const GET = route(
  { action: "cluster:list-contexts", query: ZProbeQuerySchema, invalid: "probe must be a context name." },
  async ({ request, user, query }) => {
    const refusal = refuseServerKubeconfig(requestFacts(request.headers), user);
    if (refusal) return Response.json({ error: refusal }, { status: 403 });
    const contexts = listLocalContexts();
    const probe = query.probe ? await probeLocalContext(query.probe) : null;
    return Response.json({ contexts, probe }, { headers: { "cache-control": "no-store" } });
  },
);
