import type { TObjectExistsCheck } from "../lab/schema";
import type { ObjectEvidence } from "../report";
import { fail, failureVerdict, pass, type CheckContext, type Verdict } from "./verdict";

/** Passes when the named object exists (namespaced kinds: in the lab namespace). */
export async function checkObjectExists(check: TObjectExistsCheck, ctx: CheckContext): Promise<Verdict> {
  const { apiVersion, kind, name } = check.object;
  const read = await ctx.cluster.readObject({ apiVersion, kind, name, namespace: ctx.namespace });
  const evidence = (found: boolean): ObjectEvidence => ({ type: "object", apiVersion, kind, name, found });
  if (read.ok) return pass(`${kind} ${name} exists`, [evidence(true)]);
  if (read.failure.kind === "not-found") {
    return fail(`no ${kind} named ${name}`, [evidence(false)], "object-missing");
  }
  return failureVerdict(read.failure, `get ${kind} ${name}`, ctx.cluster);
}
