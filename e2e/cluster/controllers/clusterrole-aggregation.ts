import { isDeepStrictEqual } from "node:util";
import type { TPolicyRule } from "../auth/policy-rule";
import { matchesLabels, requirementsFromSelector, type TLabelSelector } from "../label-selector";
import type { TKubeObject } from "../types";
import { controllerUser, watchResource, type TController, type TControllerContext } from "./controller";

const user = controllerUser("clusterrole-aggregation-controller");

type TClusterRole = TKubeObject & {
  rules?: TPolicyRule[];
  aggregationRule?: { clusterRoleSelectors?: TLabelSelector[] };
};

/**
 * The rules an aggregated ClusterRole should have: those of every other ClusterRole its selectors match,
 * roles in name order, each rule once, as kube-controller-manager's clusterrole-aggregation controller
 * builds them.
 */
export function aggregatedRules(role: TClusterRole, all: TClusterRole[]): TPolicyRule[] {
  const rules: TPolicyRule[] = [];
  for (const selector of role.aggregationRule?.clusterRoleSelectors ?? []) {
    const requirements = requirementsFromSelector(selector);
    const matched = all
      .filter(
        (other) => other.metadata.name !== role.metadata.name && matchesLabels(requirements, other.metadata.labels),
      )
      .sort((a, b) => (a.metadata.name ?? "").localeCompare(b.metadata.name ?? ""));
    for (const other of matched)
      for (const rule of other.rules ?? [])
        if (!rules.some((existing) => isDeepStrictEqual(existing, rule))) rules.push(rule);
  }
  return rules;
}

/**
 * kube-controller-manager's clusterrole-aggregation controller: whenever any ClusterRole changes, every
 * ClusterRole with an aggregationRule gets the rules of the roles it selects (so labelling a role
 * `rbac.authorization.k8s.io/aggregate-to-view: "true"` extends view, edit and admin). Writes go through
 * the registry as the controller's service account, which holds `escalate` on clusterroles.
 */
export class ClusterRoleAggregation implements TController {
  readonly name = "clusterrole-aggregation";
  private unsubscribe?: () => void;

  async start({ registry, store }: TControllerContext): Promise<void> {
    const kind = registry.scheme.resource("rbac.authorization.k8s.io", "v1", "clusterroles");
    if (!kind) throw new Error("the ClusterRole kind is not registered");
    // Returns whether it changed a role: aggregated roles may select each other (edit takes view's rules).
    const sync = async (): Promise<boolean> => {
      let changed = false;
      const all = registry.list(kind) as TClusterRole[];
      for (const role of all) {
        if (!role.aggregationRule) continue;
        const rules = aggregatedRules(role, all);
        if (isDeepStrictEqual(rules, role.rules ?? [])) continue;
        const current = registry.find(kind, "", role.metadata.name ?? "");
        if (!current) continue;
        await registry.update(kind, current, { ...current, rules }, { dryRun: false, user });
        changed = true;
      }
      return changed;
    };
    // The built-in roles are complete before the server answers its first request.
    for (let pass = 0; pass < 10 && (await sync()); pass += 1);
    this.unsubscribe = watchResource(store, "clusterroles", async () => {
      await sync();
    });
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
  }
}
