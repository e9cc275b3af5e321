import { NodeNetwork } from "../network/node-network";
import type { TokenIssuer } from "../tokens/token-issuer";
import { ClusterRoleAggregation } from "./clusterrole-aggregation";
import type { TController } from "./controller";
import { DefaultServiceAccounts } from "./default-service-account";
import { DeploymentController } from "./deployment-controller";
import { GarbageCollector } from "./garbage-collector";
import { Kubelet } from "./kubelet";
import { NamespaceFinalizer } from "./namespace-finalizer";
import { NetworkPolicyEnforcer } from "./network-policy-enforcer";
import { NodeNetworkController } from "./node-network";
import { RbacBootstrap } from "./rbac-bootstrap";
import { ReplicaSetController } from "./replica-set-controller";
import { RootCaPublisher } from "./root-ca-publisher";
import { ServiceNetwork } from "./service-network";
import { SystemNamespaces } from "./system-namespaces";
import { TokenController } from "./token-controller";

/**
 * What the controllers need from the server: the CA that signed its certificate (published in every namespace)
 * and the service account token signer (token Secrets, the kubelet's token volumes).
 */
export type TControllerOptions = { caPem: string; tokens: TokenIssuer };

/**
 * The cluster's controllers, started in this order before the server listens and stopped in reverse on
 * close (the node's network first up and last down). The kubelet is returned by name too: pod subresources
 * (log, exec, attach) reach containers through it.
 */
export function createControllers(options: TControllerOptions): { kubelet: Kubelet; all: TController[] } {
  const network = new NodeNetwork();
  const kubelet = new Kubelet(options.tokens, network);
  return {
    kubelet,
    all: [
      new NodeNetworkController(network),
      new SystemNamespaces(),
      new ServiceNetwork(network),
      new NetworkPolicyEnforcer(network),
      new RbacBootstrap(),
      new ClusterRoleAggregation(),
      new NamespaceFinalizer(),
      new DefaultServiceAccounts(),
      new RootCaPublisher(options.caPem),
      new TokenController(options.tokens, options.caPem),
      new GarbageCollector(),
      new DeploymentController(),
      new ReplicaSetController(),
      kubelet,
    ],
  };
}
