/**
 * RBAC policy rules as the API server evaluates them: matching one request against a rule, and the
 * "covers" comparison that stops a user from granting permissions they do not hold themselves (escalation
 * prevention). Behaviour copied from Kubernetes' rbac/v1 evaluation helpers and the component-helpers
 * policy comparator; the code is our own.
 */

/** rbac.authorization.k8s.io/v1 PolicyRule. */
export type TPolicyRule = {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
};

/** What an authorizer is asked: a resource request (`get pods/log in ns`) or a non-resource one (`get /version`). */
export type TRequestAttributes =
  | {
      resourceRequest: true;
      verb: string;
      apiGroup: string;
      resource: string;
      subresource: string;
      namespace: string;
      name: string;
    }
  | { resourceRequest: false; verb: string; path: string };

const ALL = "*";

const verbMatches = (rule: TPolicyRule, verb: string) => rule.verbs.some((v) => v === ALL || v === verb);

const groupMatches = (rule: TPolicyRule, group: string) => (rule.apiGroups ?? []).some((g) => g === ALL || g === group);

/** `*`, the exact `resource/subresource`, or `* /subresource` for any resource's subresource of that name. */
function resourceMatches(rule: TPolicyRule, combined: string, subresource: string): boolean {
  return (rule.resources ?? []).some(
    (r) => r === ALL || r === combined || (subresource !== "" && r === `*/${subresource}`),
  );
}

const nameMatches = (rule: TPolicyRule, name: string) =>
  (rule.resourceNames ?? []).length === 0 || (rule.resourceNames ?? []).includes(name);

/** A URL rule matches itself, `*`, or a prefix ending in `*` (`/apis/*`). */
function urlCovers(ruleUrl: string, path: string): boolean {
  return ruleUrl === ALL || ruleUrl === path || (ruleUrl.endsWith("*") && path.startsWith(ruleUrl.replace(/\*+$/, "")));
}

/** Whether one rule allows the request. A rule names resources or URLs, never both (validation refuses it). */
export function ruleAllows(rule: TPolicyRule, request: TRequestAttributes): boolean {
  if (!verbMatches(rule, request.verb)) return false;
  if (!request.resourceRequest) return (rule.nonResourceURLs ?? []).some((url) => urlCovers(url, request.path));
  const combined = request.subresource ? `${request.resource}/${request.subresource}` : request.resource;
  return (
    groupMatches(rule, request.apiGroup) &&
    resourceMatches(rule, combined, request.subresource) &&
    nameMatches(rule, request.name)
  );
}

/** One verb on one group/resource (optionally one name), or one verb on one URL. */
function breakdown(rule: TPolicyRule): TPolicyRule[] {
  const atoms: TPolicyRule[] = [];
  for (const group of rule.apiGroups ?? [])
    for (const resource of rule.resources ?? [])
      for (const verb of rule.verbs) {
        const base = { apiGroups: [group], resources: [resource], verbs: [verb] };
        if ((rule.resourceNames ?? []).length > 0)
          for (const name of rule.resourceNames ?? []) atoms.push({ ...base, resourceNames: [name] });
        else atoms.push(base);
      }
  for (const url of rule.nonResourceURLs ?? [])
    for (const verb of rule.verbs) atoms.push({ nonResourceURLs: [url], verbs: [verb] });
  return atoms;
}

const hasAll = (set: string[] | undefined, wanted: string[] | undefined) =>
  (wanted ?? []).every((item) => (set ?? []).includes(item));

function resourcesCover(owned: string[] | undefined, wanted: string[] | undefined): boolean {
  if ((owned ?? []).includes(ALL) || hasAll(owned, wanted)) return true;
  return (wanted ?? []).every((path) => {
    if ((owned ?? []).includes(path)) return true;
    const slash = path.indexOf("/");
    return slash >= 0 && (owned ?? []).includes(`*/${path.slice(slash + 1)}`);
  });
}

function ruleCovers(owner: TPolicyRule, atom: TPolicyRule): boolean {
  const verbs = owner.verbs.includes(ALL) || hasAll(owner.verbs, atom.verbs);
  const groups = (owner.apiGroups ?? []).includes(ALL) || hasAll(owner.apiGroups, atom.apiGroups);
  const resources = resourcesCover(owner.resources, atom.resources);
  const urls = (atom.nonResourceURLs ?? []).every((path) =>
    (owner.nonResourceURLs ?? []).some(
      (url) => url === path || (url.endsWith("*") && path.startsWith(url.replace(/\*+$/, ""))),
    ),
  );
  const ownerNames = owner.resourceNames ?? [];
  const names =
    (atom.resourceNames ?? []).length === 0
      ? ownerNames.length === 0
      : ownerNames.length === 0 || hasAll(ownerNames, atom.resourceNames);
  return verbs && groups && resources && urls && names;
}

/** The atomic rules of `wanted` that no rule of `owned` covers (empty: the owner holds every permission asked for). */
export function uncovered(owned: TPolicyRule[], wanted: TPolicyRule[]): TPolicyRule[] {
  return wanted.flatMap(breakdown).filter((atom) => !owned.some((owner) => ruleCovers(owner, atom)));
}

/** Merges atomic rules that differ only by verb (one group, one resource, no names), as the escalation message lists them. */
export function compactRules(rules: TPolicyRule[]): TPolicyRule[] {
  const compacted: TPolicyRule[] = [];
  const simple = new Map<string, TPolicyRule>();
  for (const rule of rules) {
    const isSimple =
      (rule.resourceNames ?? []).length === 0 &&
      (rule.nonResourceURLs ?? []).length === 0 &&
      (rule.apiGroups ?? []).length === 1 &&
      (rule.resources ?? []).length === 1;
    if (!isSimple) {
      compacted.push(rule);
      continue;
    }
    const key = `${rule.apiGroups?.[0] ?? ""}\u0000${rule.resources?.[0] ?? ""}`;
    const existing = simple.get(key);
    if (existing) existing.verbs.push(...rule.verbs);
    else
      simple.set(key, {
        apiGroups: [...(rule.apiGroups ?? [])],
        resources: [...(rule.resources ?? [])],
        verbs: [...rule.verbs],
      });
  }
  return [...compacted, ...simple.values()];
}

const goQuoted = (values: string[]) => `[${values.map((value) => JSON.stringify(value)).join(" ")}]`;

/** A rule the way the escalation error prints it: `{APIGroups:[""], Resources:["pods"], Verbs:["get"]}`. */
export function compactString(rule: TPolicyRule): string {
  const parts: string[] = [];
  if ((rule.apiGroups ?? []).length > 0) parts.push(`APIGroups:${goQuoted(rule.apiGroups ?? [])}`);
  if ((rule.resources ?? []).length > 0) parts.push(`Resources:${goQuoted(rule.resources ?? [])}`);
  if ((rule.nonResourceURLs ?? []).length > 0) parts.push(`NonResourceURLs:${goQuoted(rule.nonResourceURLs ?? [])}`);
  if ((rule.resourceNames ?? []).length > 0) parts.push(`ResourceNames:${goQuoted(rule.resourceNames ?? [])}`);
  if (rule.verbs.length > 0) parts.push(`Verbs:${goQuoted(rule.verbs)}`);
  return `{${parts.join(", ")}}`;
}
