import type { TKind, TUserInfo } from "../registry/kind";
import type { TKubeObject } from "../types";

/** What an admission plugin sees of a write, like the API server's admission.Attributes. */
export type TAdmissionAttributes = {
  operation: "CREATE" | "UPDATE";
  kind: TKind;
  name: string;
  /** `""` for cluster-scoped kinds. */
  namespace: string;
  /** The object being written; mutating plugins may change it in place. */
  object: TKubeObject;
  /** The stored object an UPDATE replaces. */
  oldObject?: TKubeObject;
  /** The namespace the object lives in, for namespaced kinds. */
  namespaceObject?: TKubeObject;
  user: TUserInfo;
  dryRun: boolean;
  /** The subresource written through, if any (e.g. `ephemeralcontainers`). */
  subresource?: string;
};

/**
 * One admission plugin. `mutate` runs in the mutating phase (all plugins, in order), `validate` in the
 * validating phase after it; `validate` returns warnings and throws ApiError to deny.
 */
export type TAdmissionPlugin = {
  name: string;
  mutate?(attributes: TAdmissionAttributes): void | Promise<void>;
  validate?(attributes: TAdmissionAttributes): string[] | Promise<string[]>;
};

/** Runs every write through the plugins in order: all mutations first, then all validations, as kube-apiserver does. */
export class AdmissionChain {
  constructor(readonly plugins: readonly TAdmissionPlugin[]) {}

  /** Admits a write or throws the first denial; returns the warnings for the response. */
  async admit(attributes: TAdmissionAttributes): Promise<string[]> {
    for (const plugin of this.plugins) await plugin.mutate?.(attributes);
    const warnings: string[] = [];
    for (const plugin of this.plugins) warnings.push(...((await plugin.validate?.(attributes)) ?? []));
    return warnings;
  }
}
