import { z } from "zod";

export type Labels = Record<string, string>;

/** A metav1.LabelSelector as NetworkPolicies carry it. */
export const ZLabelSelectorSchema = z.looseObject({
  matchLabels: z.record(z.string(), z.string()).nullish(),
  matchExpressions: z
    .array(
      z.looseObject({
        key: z.string(),
        operator: z.enum(["In", "NotIn", "Exists", "DoesNotExist"]),
        values: z.array(z.string()).nullish(),
      }),
    )
    .nullish(),
});
export type TLabelSelector = z.infer<typeof ZLabelSelectorSchema>;

/** True when `labels` satisfy every term of the selector; an empty selector matches everything. */
export function selectorMatches(selector: TLabelSelector, labels: Labels): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const expression of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, expression.key);
    const values = expression.values ?? [];
    switch (expression.operator) {
      case "In":
        if (!values.includes(labels[expression.key]!)) return false;
        break;
      case "NotIn":
        // A pod without the key satisfies NotIn, as in the apimachinery selector.
        if (has && values.includes(labels[expression.key]!)) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
    }
  }
  return true;
}

/** The selector as `kubectl describe` would phrase it ("app=backend", "<all>"), for evidence. */
export function describeSelector(selector: TLabelSelector): string {
  const terms = [
    ...Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(selector.matchExpressions ?? []).map((e) => {
      const values = (e.values ?? []).join(",");
      switch (e.operator) {
        case "In":
          return `${e.key} in (${values})`;
        case "NotIn":
          return `${e.key} notin (${values})`;
        case "Exists":
          return e.key;
        case "DoesNotExist":
          return `!${e.key}`;
      }
    }),
  ];
  return terms.length === 0 ? "<all>" : terms.join(",");
}
