import { route } from "@/lib/auth/session";
import { gradebookCsv } from "@/lib/gradebook/build-gradebook";
import { loadGradebook } from "@/lib/gradebook/load-gradebook";

export const dynamic = "force-dynamic";

/** GET: the class gradebook as CSV, for graders and instructors. */
export const GET = route({ action: "gradebook:read" }, async () => {
  const { labs, rows } = await loadGradebook();
  const stamp = new Date().toISOString().slice(0, 10);
  return new Response(gradebookCsv(rows, labs), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="cks-lab-gradebook-${stamp}.csv"`,
      "cache-control": "no-store",
    },
  });
});
