import type { TFieldCheck } from "../lab/schema";
import type { Evidence } from "../report";
import type { TPod } from "../port";
import { parseFieldPath, resolveFieldPath, type PathSegment } from "./field-path";
import type { FoundContainer } from "./pod-state";
import { fail, failureVerdict, pass, pickContainer, podReadFailure, type CheckContext, type Verdict } from "./verdict";
import { isRecord } from "@/lib/json/is-record";

/** What a field check reads: one container of a pod (with the pod around it) or any object. */
type Subject =
  | { type: "container"; pod: TPod; container: FoundContainer; target: string }
  | { type: "object"; root: unknown; target: string };

/**
 * Fields of a container's securityContext that the pod's securityContext sets for every container
 * unless the container sets them itself (the kubelet's effective security context; seccomp and
 * AppArmor profiles follow the same rule). windowsOptions merges field by field, the rest as a whole.
 */
const INHERITED_FROM_POD = new Set([
  "runAsUser",
  "runAsGroup",
  "runAsNonRoot",
  "seLinuxOptions",
  "seccompProfile",
  "appArmorProfile",
  "windowsOptions",
]);

/** Asserts on a field of a pod container or of any object: equals, absentOrFalse, contains, emptyDirMountAt. */
export async function checkField(check: TFieldCheck, ctx: CheckContext): Promise<Verdict> {
  const subject = await readSubject(check, ctx);
  if ("status" in subject) return subject;

  if (check.emptyDirMountAt !== undefined) {
    if (subject.type !== "container") return labError("emptyDirMountAt needs a pod");
    const paths = Array.isArray(check.emptyDirMountAt) ? check.emptyDirMountAt : [check.emptyDirMountAt];
    return emptyDirMount(subject, paths);
  }

  const paths = Array.isArray(check.path) ? check.path : [check.path ?? ""];
  const label = paths.join(" | ");
  const values: unknown[] = [];
  const evidence: Evidence[] = [];
  let missing = 0;
  let fromPod = false;
  for (const path of paths) {
    const segments = parseFieldPath(path);
    if (!segments) return labError(`malformed field path ${path}`);
    const { root, target, inherited } = rootFor(subject, segments);
    fromPod ||= inherited;
    const resolved = resolveFieldPath(root, segments);
    if (resolved.unmatched > 0) {
      // e.g. env[name=DB_PASSWORD] when the container has no such variable: not the same as an unset field.
      return fail(`${path} selects no element`, [{ type: "field", target, path, values: [] }]);
    }
    values.push(...resolved.values);
    missing += resolved.missing;
    evidence.push({ type: "field", target, path, values: resolved.values.map(boundedEvidence) });
  }
  const shown = values.map(show).join(", ");
  const observed =
    values.length === 0
      ? `${label} not set`
      : `${label} = ${shown.length > 120 ? `${shown.slice(0, 117)}...` : shown}${missing && paths.length === 1 ? ` (unset in ${missing} place${missing === 1 ? "" : "s"})` : ""}${fromPod ? " (from the pod's securityContext)" : ""}`;

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

async function readSubject(check: TFieldCheck, ctx: CheckContext): Promise<Subject | Verdict> {
  if (check.pod !== undefined) {
    const read = await ctx.readPod(check.pod);
    if (!read.ok) return podReadFailure(read.failure, check.pod, ctx);
    const picked = pickContainer(read.value, check.container);
    if (!picked.ok) return picked.verdict;
    const target = `pod ${check.pod} container ${picked.container.name}`;
    return { type: "container", pod: read.value, container: picked.container, target };
  }
  if (check.object !== undefined) {
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
    return { type: "object", root: read.value, target: `${kind} ${name}` };
  }
  return labError("field check without target");
}

// A container path under securityContext reads the pod's value where the container leaves it unset,
// so pod-level and container-level answers both pass, as the kubelet would run them.
function rootFor(subject: Subject, segments: PathSegment[]): { root: unknown; target: string; inherited: boolean } {
  if (subject.type === "object") return { root: subject.root, target: subject.target, inherited: false };
  const own = { root: subject.container.spec, target: subject.target, inherited: false };
  const [first, second, third] = segments;
  if (!first || !second || !("key" in first) || !("key" in second)) return own;
  if (first.key !== "securityContext" || !INHERITED_FROM_POD.has(second.key)) return own;
  const containerContext = record(record(subject.container.spec).securityContext);
  let containerValue = containerContext[second.key];
  if (second.key === "windowsOptions" && third && "key" in third) containerValue = record(containerValue)[third.key];
  if (containerValue !== undefined && containerValue !== null) return own;
  return {
    root: subject.pod.spec,
    target: `pod ${subject.pod.metadata.name} (pod-level securityContext, applies to container ${subject.container.name})`,
    inherited: true,
  };
}

function emptyDirMount(subject: Extract<Subject, { type: "container" }>, paths: string[]): Verdict {
  const normalize = (p: string) => (p.length > 1 ? p.replace(/\/+$/, "") : p);
  const mounts =
    (subject.container.spec as { volumeMounts?: { name?: string; mountPath?: string }[] }).volumeMounts ?? [];
  const volumes = subject.pod.spec.volumes ?? [];
  const base = { type: "mount" as const, pod: subject.pod.metadata.name, container: subject.container.name };
  const looks = paths.map((mountPath) => {
    const mount = mounts.find(
      (m) => typeof m.mountPath === "string" && normalize(m.mountPath) === normalize(mountPath),
    );
    if (!mount) return { ok: false, observed: null, evidence: { ...base, mountPath, volume: null, source: null } };
    const volume = volumes.find((v) => v.name === mount.name) as Record<string, unknown> | undefined;
    if (!volume) {
      return {
        ok: false,
        observed: `volumeMount at ${mountPath} names missing volume ${mount.name}`,
        evidence: { ...base, mountPath, volume: mount.name ?? null, source: null },
      };
    }
    const source = Object.keys(volume).find((k) => k !== "name") ?? null;
    return {
      ok: source === "emptyDir",
      observed:
        source === "emptyDir"
          ? `${mountPath} is emptyDir volume ${mount.name}`
          : `${mountPath} is backed by ${source ?? "no source"} (volume ${mount.name})`,
      evidence: { ...base, mountPath, volume: mount.name ?? null, source },
    };
  });
  const hit = looks.find((l) => l.ok);
  if (hit) return pass(hit.observed ?? "", [hit.evidence]);
  const explained = looks.map((l) => l.observed).filter((o): o is string => o !== null);
  const observed = explained.length > 0 ? explained.join("; ") : `no volumeMount at ${paths.join(" or ")}`;
  return fail(
    observed,
    looks.map((l) => l.evidence),
  );
}

function labError(problem: string): Verdict {
  return {
    status: "error",
    outcome: "unexpected",
    observed: "lab error",
    message: `Lab error: ${problem}.`,
    evidence: [],
  };
}

function record(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
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
