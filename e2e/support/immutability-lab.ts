import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";

/** The immutability lab as its file says, so specs follow the lab instead of repeating its numbers. */
export type ImmutabilityLabFile = {
  tasks: { points: number; checks: unknown[] }[];
  solution: { namespaceLabels: Record<string, string>; manifests: Array<Record<string, unknown>> };
};

export const immutabilityLab = parse(
  readFileSync(path.resolve("lessons/runtime-security/immutable-containers/lab.yaml"), "utf8"),
) as ImmutabilityLabFile;

/** Full marks: the sum of the tasks' points. */
export const LAB_MAX = immutabilityLab.tasks.reduce((sum, task) => sum + task.points, 0);

/** How many checks a grading report lists. */
export const LAB_CHECKS = immutabilityLab.tasks.reduce((n, task) => n + task.checks.length, 0);
