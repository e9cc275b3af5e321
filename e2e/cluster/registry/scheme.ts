import { apiVersionOf, type TKind } from "./kind";

/** The kinds of one API group version, in registration order. */
export type TGroupVersion = { group: string; version: string; kinds: TKind[] };

/** The registered kinds and the lookups the router, the protobuf decoder and discovery need. */
export class Scheme {
  private readonly byResource = new Map<string, TKind>();
  private readonly byKind = new Map<string, TKind>();

  constructor(readonly kinds: readonly TKind[]) {
    for (const kind of kinds) {
      // The object store keys objects by plain resource name, so two groups may not share one.
      const clash = this.byResource.get(kind.resource);
      if (clash)
        throw new Error(
          `resource ${kind.resource} is registered twice (${apiVersionOf(clash)}, ${apiVersionOf(kind)})`,
        );
      this.byResource.set(kind.resource, kind);
      this.byKind.set(`${apiVersionOf(kind)}/${kind.kind}`, kind);
    }
  }

  /** The kind served at `/api(s)/<group>/<version>/<resource>`, if any. */
  resource(group: string, version: string, resource: string): TKind | undefined {
    const kind = this.byResource.get(resource);
    return kind && kind.group === group && kind.version === version ? kind : undefined;
  }

  /** The kind named by an object's `apiVersion` and `kind`, if any. */
  kindOf(apiVersion: string | undefined, kind: string | undefined): TKind | undefined {
    return this.byKind.get(`${apiVersion ?? ""}/${kind ?? ""}`);
  }

  /** Every group version with its kinds; the core group (`""`) first, then groups in registration order. */
  groupVersions(): TGroupVersion[] {
    const groups: TGroupVersion[] = [];
    for (const kind of this.kinds) {
      const found = groups.find((entry) => entry.group === kind.group && entry.version === kind.version);
      if (found) found.kinds.push(kind);
      else groups.push({ group: kind.group, version: kind.version, kinds: [kind] });
    }
    return groups.sort((a, b) => (a.group === "" ? -1 : b.group === "" ? 1 : 0));
  }
}
