import { bootstrapClusterRoleBindings, bootstrapClusterRoles } from "../auth/bootstrap-policy";
import type { TUserInfo } from "../registry/kind";
import type { TController, TControllerContext } from "./controller";

/** kube-apiserver's own loopback identity (a member of system:masters, so no escalation check applies). */
const user: TUserInfo = { username: "system:apiserver", groups: ["system:masters", "system:authenticated"] };

/**
 * kube-apiserver's `rbac/bootstrap-roles` post-start hook: the default ClusterRoles and ClusterRoleBindings
 * exist before the server answers its first request (without them even kind's admin user is refused).
 */
export class RbacBootstrap implements TController {
  readonly name = "rbac-bootstrap";

  async start({ registry }: TControllerContext): Promise<void> {
    const clusterRoles = registry.scheme.resource("rbac.authorization.k8s.io", "v1", "clusterroles");
    const bindings = registry.scheme.resource("rbac.authorization.k8s.io", "v1", "clusterrolebindings");
    if (!clusterRoles || !bindings) throw new Error("the RBAC kinds are not registered");
    for (const role of bootstrapClusterRoles())
      if (!registry.find(clusterRoles, "", role.metadata.name ?? ""))
        await registry.create(clusterRoles, "", role, { dryRun: false, user });
    for (const binding of bootstrapClusterRoleBindings())
      if (!registry.find(bindings, "", binding.metadata.name ?? ""))
        await registry.create(bindings, "", binding, { dryRun: false, user });
  }

  async stop(): Promise<void> {}
}
