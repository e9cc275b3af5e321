import type { TUserInfo } from "../registry/kind";
import type { TokenIssuer } from "../tokens/token-issuer";
import type { TKubeObject } from "../types";
import { watchResource, type TController, type TControllerContext } from "./controller";

/** kube-controller-manager's own identity, which its tokens controller writes with. */
const user: TUserInfo = { username: "system:kube-controller-manager", groups: ["system:authenticated"] };

const tokenType = "kubernetes.io/service-account-token";
const nameAnnotation = "kubernetes.io/service-account.name";
const uidAnnotation = "kubernetes.io/service-account.uid";

type TSecret = TKubeObject & { type?: string; data?: Record<string, string> };

const base64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

/**
 * kube-controller-manager's tokens controller, for the token Secrets people still create by hand: a
 * `kubernetes.io/service-account-token` Secret annotated with an account's name gets `token` (a token with
 * no expiry, valid while the Secret and the account exist), `ca.crt`, `namespace` and the account's uid
 * annotation. A token Secret whose account is gone (or was recreated with another uid) is deleted, as are an
 * account's token Secrets when the account is deleted. Since Kubernetes 1.24 nothing creates such Secrets
 * on its own.
 */
export class TokenController implements TController {
  readonly name = "serviceaccount-token";
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    private readonly tokens: TokenIssuer,
    private readonly caPem: string,
  ) {}

  async start({ registry, store }: TControllerContext): Promise<void> {
    const secrets = registry.scheme.resource("", "v1", "secrets");
    const serviceAccounts = registry.scheme.resource("", "v1", "serviceaccounts");
    if (!secrets || !serviceAccounts) throw new Error("the Secret and ServiceAccount kinds must be registered");
    const syncSecret = async (namespace: string, name: string) => {
      const secret = registry.find(secrets, namespace, name);
      if (!secret || secret.type !== tokenType || secret.metadata.deletionTimestamp) return;
      const accountName = secret.metadata.annotations?.[nameAnnotation] ?? "";
      const account = registry.find(serviceAccounts, namespace, accountName);
      const wantedUid = secret.metadata.annotations?.[uidAnnotation];
      if (!account || (wantedUid && wantedUid !== account.metadata.uid)) {
        await registry.delete(secrets, namespace, name, { user });
        return;
      }
      const uid = account.metadata.uid ?? "";
      const data = (secret as TSecret).data ?? {};
      const complete =
        wantedUid === uid &&
        data.token &&
        data["ca.crt"] === base64(this.caPem) &&
        data.namespace === base64(namespace);
      if (complete) return;
      const token = data.token
        ? data.token
        : base64(this.tokens.issueLegacy(namespace, { name: accountName, uid }, name));
      await registry.update(
        secrets,
        secret,
        {
          ...secret,
          metadata: { ...secret.metadata, annotations: { ...secret.metadata.annotations, [uidAnnotation]: uid } },
          data: { ...data, token, "ca.crt": base64(this.caPem), namespace: base64(namespace) },
        },
        { dryRun: false, user },
      );
    };
    const removeTokensOf = async (account: TKubeObject) => {
      const namespace = account.metadata.namespace ?? "";
      for (const secret of registry.list(secrets, namespace) as TSecret[]) {
        if (secret.type !== tokenType || secret.metadata.annotations?.[nameAnnotation] !== account.metadata.name)
          continue;
        await registry.delete(secrets, namespace, secret.metadata.name ?? "", { user });
      }
    };
    this.unsubscribe.push(
      watchResource(store, "secrets", (event) =>
        event.type === "DELETED" ? undefined : syncSecret(event.namespace, event.object.metadata.name ?? ""),
      ),
      watchResource(store, "serviceaccounts", (event) =>
        event.type === "DELETED" ? removeTokensOf(event.object) : undefined,
      ),
    );
  }

  async stop(): Promise<void> {
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe();
  }
}
