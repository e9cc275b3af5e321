import { isRecord } from "../is-record";
import { badRequest } from "../k8s-status";
import { matchesLabels, parseLabelSelector } from "../label-selector";
import type { TKubeObject } from "../types";

type TFieldRequirement = { path: string; value: string; equal: boolean };

function parseFieldSelector(selector: string | null): TFieldRequirement[] {
  if (!selector) return [];
  return selector
    .split(",")
    .filter(Boolean)
    .map((part) => {
      const match = /^([^!=]+)(==|=|!=)(.*)$/.exec(part.trim());
      if (!match) throw badRequest(`invalid selector: '${selector}'; can't understand '${part}'`);
      return { path: match[1] ?? "", equal: match[2] !== "!=", value: match[3] ?? "" };
    });
}

function fieldValue(object: TKubeObject, path: string): string {
  let current: unknown = object;
  for (const key of path.split(".")) current = isRecord(current) ? current[key] : undefined;
  if (typeof current === "string") return current;
  if (typeof current === "number" || typeof current === "boolean") return String(current);
  return current === undefined || current === null ? "" : JSON.stringify(current);
}

/** The labelSelector and fieldSelector of a list or watch request, as one predicate (400 when unparseable). */
export function selectorMatcher(query: URLSearchParams): (item: TKubeObject) => boolean {
  let labels: ReturnType<typeof parseLabelSelector>;
  try {
    labels = parseLabelSelector(query.get("labelSelector") ?? "");
  } catch (error) {
    throw badRequest((error as Error).message);
  }
  const fields = parseFieldSelector(query.get("fieldSelector"));
  return (item) =>
    matchesLabels(labels, item.metadata.labels) &&
    fields.every((field) => (fieldValue(item, field.path) === field.value) === field.equal);
}
