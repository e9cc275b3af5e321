/** One parsed requirement of a label selector. */
export type TRequirement =
  | { key: string; op: "=" | "!="; value: string }
  | { key: string; op: "in" | "notin"; values: string[] }
  | { key: string; op: "exists" | "!" };

/** Parses the `labelSelector` query syntax (`a=b,c!=d,e in (x,y),!f,g`); throws on malformed input. */
export function parseLabelSelector(selector: string): TRequirement[] {
  const requirements: TRequirement[] = [];
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const char of selector) {
    if (char === "(") depth += 1;
    if (char === ")") depth -= 1;
    if (char === "," && depth === 0) {
      parts.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  if (current.trim() !== "" || parts.length > 0) parts.push(current);
  for (const raw of parts) {
    const part = raw.trim();
    if (part === "") throw new Error(`unable to parse requirement: empty requirement in "${selector}"`);
    const setMatch = /^([A-Za-z0-9./_-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
    if (setMatch) {
      const values = (setMatch[3] ?? "")
        .split(",")
        .map((value) => value.trim())
        .filter((value) => value !== "");
      requirements.push({ key: setMatch[1] ?? "", op: setMatch[2] as "in" | "notin", values });
      continue;
    }
    const compare = /^([A-Za-z0-9./_-]+)\s*(==|=|!=)\s*([A-Za-z0-9._-]*)$/.exec(part);
    if (compare) {
      requirements.push({ key: compare[1] ?? "", op: compare[2] === "!=" ? "!=" : "=", value: compare[3] ?? "" });
      continue;
    }
    const absent = /^!\s*([A-Za-z0-9./_-]+)$/.exec(part);
    if (absent) {
      requirements.push({ key: absent[1] ?? "", op: "!" });
      continue;
    }
    if (/^[A-Za-z0-9./_-]+$/.test(part)) {
      requirements.push({ key: part, op: "exists" });
      continue;
    }
    throw new Error(`unable to parse requirement: "${part}"`);
  }
  return requirements;
}

/** True when the labels satisfy every requirement. */
export function matchesLabels(requirements: TRequirement[], labels: Record<string, string> | undefined): boolean {
  const set = labels ?? {};
  return requirements.every((requirement) => {
    const has = Object.prototype.hasOwnProperty.call(set, requirement.key);
    const value = set[requirement.key];
    switch (requirement.op) {
      case "=":
        return has && value === requirement.value;
      case "!=":
        return !has || value !== requirement.value;
      case "in":
        return has && requirement.values.includes(value ?? "");
      case "notin":
        return !has || !requirement.values.includes(value ?? "");
      case "exists":
        return has;
      case "!":
        return !has;
    }
  });
}

/** A metav1.LabelSelector (matchLabels + matchExpressions) as found in policy bindings. */
export type TLabelSelector = {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: "In" | "NotIn" | "Exists" | "DoesNotExist"; values?: string[] }>;
};

/** Converts a structured LabelSelector into requirements; an empty selector matches everything. */
export function requirementsFromSelector(selector: TLabelSelector | undefined): TRequirement[] {
  const requirements: TRequirement[] = [];
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) requirements.push({ key, op: "=", value });
  for (const expression of selector?.matchExpressions ?? []) {
    switch (expression.operator) {
      case "In":
        requirements.push({ key: expression.key, op: "in", values: expression.values ?? [] });
        break;
      case "NotIn":
        requirements.push({ key: expression.key, op: "notin", values: expression.values ?? [] });
        break;
      case "Exists":
        requirements.push({ key: expression.key, op: "exists" });
        break;
      case "DoesNotExist":
        requirements.push({ key: expression.key, op: "!" });
        break;
    }
  }
  return requirements;
}
