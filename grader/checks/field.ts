import type { TFieldCheck } from "../lab/schema";
import type { Evidence } from "../report";
import { parseFieldPath, resolveFieldPath } from "./field-path";
import { findContainer } from "./pod-state";
import { fail, failureVerdict, pass, podReadFailure, type CheckContext, type Verdict } from "./verdict";

/** Asserts on a field of a pod container or of any object: equals, absentOrFalse, contains, emptyDirMountAt. */
export async function checkField(check: TFieldCheck, ctx: CheckContext): Promise<Verdict> {
  let root: unknown;
  let target: string;
  let volumes: unknown[] = [];
  if (check.pod !== undefined) {
    const read = await ctx.readPod(check.pod);
    if (!read.ok) return podReadFailure(read.failure, check.pod, ctx);
    const container = findContainer(read.value, check.container ?? "");
    if (!container) {
      return fail(
        `pod ${check.pod} has no container ${check.container}`,
        [],
        "container-missing",
        `Pod ${check.pod} has no container named ${check.container}.`,
      );
    }
    root = container.spec;
    volumes = read.value.spec.volumes ?? [];
    target = `pod ${check.pod} container ${check.container}`;
  } else if (check.object !== undefined) {
    const { apiVersion, kind, name } = check.object;
    const read = await ctx.cluster.readObject({ apiVersion, kind, name, namespace: ctx.namespace });
    if (!read.ok) {
      if (read.failure.kind === "not-found") {
        return fail(
          `no ${kind} named ${name}`,
          [{ type: "object", apiVersion, kind, name, found: false }],
          "object-missing",
        );
      }
      return failureVerdict(read.failure, `get ${kind} ${name}`, ctx.cluster);
    }
    root = read.value;
    target = `${kind} ${name}`;
  } else {
    return {
      status: "error",
      outcome: "unexpected",
      observed: "no target",
      message: "Lab error: field check without target.",
      evidence: [],
    };
  }

  if (check.emptyDirMountAt !== undefined) return emptyDirMount(check, root, volumes, check.emptyDirMountAt);

  const segments = parseFieldPath(check.path ?? "");
  if (!segments) {
    return {
      status: "error",
      outcome: "unexpected",
      observed: "bad path",
      message: `Lab error: malformed field path ${check.path}.`,
      evidence: [],
    };
  }
  const { values, missing, unmatched } = resolveFieldPath(root, segments);
  if (unmatched > 0) {
    // e.g. containers[name=web] when the pod has no container "web": not the same as an unset field.
    const observed = `${check.path} selects no element`;
    return fail(observed, [{ type: "field", target, path: check.path ?? "", values: [] }]);
  }
  const evidence: Evidence[] = [{ type: "field", target, path: check.path ?? "", values: values.map(boundedEvidence) }];
  const shown = values.map(show).join(", ");
  const observed =
    values.length === 0
      ? `${check.path} not set`
      : `${check.path} = ${shown.length > 120 ? `${shown.slice(0, 117)}...` : shown}${missing ? ` (unset in ${missing} place${missing === 1 ? "" : "s"})` : ""}`;

  let met: boolean;
  if (check.equals !== undefined) {
    // Never true over nothing, and never true when some branch lacks the field (list[*] paths).
    met = values.length > 0 && missing === 0 && values.every((v) => v === check.equals);
  } else if (check.absentOrFalse) {
    met = values.every((v) => v === false);
  } else {
    const needle = check.contains;
    met = values.some((v) =>
      typeof v === "string" && typeof needle === "string"
        ? v.includes(needle)
        : Array.isArray(v)
          ? v.includes(needle)
          : v === needle,
    );
  }
  return met ? pass(observed, evidence) : fail(observed, evidence);
}

function emptyDirMount(check: TFieldCheck, container: unknown, volumes: unknown[], mountPath: string): Verdict {
  const normalize = (p: string) => (p.length > 1 ? p.replace(/\/+$/, "") : p);
  const mounts = (container as { volumeMounts?: { name?: string; mountPath?: string }[] }).volumeMounts ?? [];
  const mount = mounts.find((m) => typeof m.mountPath === "string" && normalize(m.mountPath) === normalize(mountPath));
  const base = { type: "mount" as const, pod: check.pod ?? "", container: check.container ?? "", mountPath };
  if (!mount) return fail(`no volumeMount at ${mountPath}`, [{ ...base, volume: null, source: null }]);
  const volume = volumes.find((v) => (v as { name?: string }).name === mount.name) as
    Record<string, unknown> | undefined;
  if (!volume) {
    return fail(`volumeMount at ${mountPath} names missing volume ${mount.name}`, [
      { ...base, volume: mount.name ?? null, source: null },
    ]);
  }
  const source = Object.keys(volume).find((k) => k !== "name") ?? null;
  const evidence = [{ ...base, volume: mount.name ?? null, source }];
  return source === "emptyDir"
    ? pass(`${mountPath} is emptyDir volume ${mount.name}`, evidence)
    : fail(`${mountPath} is backed by ${source ?? "no source"} (volume ${mount.name})`, evidence);
}

function show(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

// A path may reach a whole spec; evidence travels to the browser, so large values are cut down.
function boundedEvidence(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text.length <= 2000 ? value : `${text.slice(0, 1997)}...`;
}
