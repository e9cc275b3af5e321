import type { TUserInfo } from "../registry/kind";
import type { TController, TControllerContext } from "./controller";

/** Namespaces every cluster starts with. */
const systemNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

/** kube-apiserver's own loopback identity. */
const user: TUserInfo = { username: "system:apiserver", groups: ["system:masters", "system:authenticated"] };

/** Creates the namespaces a fresh cluster has, as kube-apiserver's bootstrap controller does. */
export class SystemNamespaces implements TController {
  readonly name = "system-namespaces";

  async start({ registry }: TControllerContext): Promise<void> {
    const namespaces = registry.scheme.resource("", "v1", "namespaces");
    if (!namespaces) throw new Error("the Namespace kind is not registered");
    for (const name of systemNamespaces) {
      if (registry.find(namespaces, "", name)) continue;
      await registry.create(namespaces, "", { metadata: { name } }, { dryRun: false, user });
    }
  }

  async stop(): Promise<void> {}
}
