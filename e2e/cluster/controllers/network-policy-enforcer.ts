import type { NodeNetwork } from "../network/node-network";
import { renderPolicyRules } from "../network/policy-rules";
import { networkPods } from "../network/service-view";
import { watchResource, type TController, type TControllerContext } from "./controller";

/**
 * The network plugin's NetworkPolicy agent (kindnet enforces policies since kind 0.24): re-renders the
 * node's policy rules whenever a policy, a pod (its labels, its address) or a namespace's labels change.
 */
export class NetworkPolicyEnforcer implements TController {
  readonly name = "network-policy";
  private readonly unsubscribe: Array<() => void> = [];
  private pending?: NodeJS.Immediate;

  constructor(private readonly network: NodeNetwork) {}

  async start(context: TControllerContext): Promise<void> {
    for (const resource of ["networkpolicies", "pods", "namespaces"])
      this.unsubscribe.push(watchResource(context.store, resource, () => this.schedule(context)));
    this.schedule(context);
  }

  async stop(): Promise<void> {
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe();
    if (this.pending) clearImmediate(this.pending);
  }

  private schedule({ store }: TControllerContext): void {
    if (this.pending) return;
    this.pending = setImmediate(() => {
      this.pending = undefined;
      const namespaceLabels = Object.fromEntries(
        store
          .list("namespaces", undefined)
          .map((namespace) => [namespace.metadata.name ?? "", namespace.metadata.labels ?? {}]),
      );
      const pods = networkPods(store.list("pods", undefined));
      this.network.setFirewall(
        "network-policy",
        renderPolicyRules(store.list("networkpolicies", undefined), pods, namespaceLabels),
      );
    });
  }
}
