import { describe, expect, it } from "vitest";
import type { CallOptions, CallResult, KubeObject } from "../port";
import { FakeCluster } from "../testing/fake-cluster";
import { applyManifests } from "./apply-manifests";

// A cluster whose namespaces already hold these ServiceAccounts (default, as the serviceaccount controller makes it).
class ClusterWithDefaultAccount extends FakeCluster {
  constructor(private readonly existing: string[] = ["default"]) {
    super();
  }

  override async create(
    manifest: KubeObject,
    target: { namespace: string; dryRun?: boolean },
    call?: CallOptions,
  ): Promise<CallResult<KubeObject>> {
    const name = manifest.metadata?.name ?? "";
    if (manifest.kind === "ServiceAccount" && this.existing.includes(name))
      return { ok: false, failure: { kind: "conflict", message: `serviceaccounts "${name}" already exists` } };
    return super.create(manifest, target, call);
  }
}

const account = (name: string) => ({
  apiVersion: "v1",
  kind: "ServiceAccount",
  metadata: { name },
  automountServiceAccountToken: false,
});

describe("applyManifests", () => {
  it("changes the namespace's default ServiceAccount with a patch, since it exists before anyone creates it", async () => {
    const cluster = new ClusterWithDefaultAccount();
    const result = await applyManifests({
      cluster,
      lab: { namespace: "sa-lab" },
      namespace: "verify-1",
      labels: {},
      manifests: [account("default"), account("web")],
    });
    expect(result.failure).toBeNull();
    expect(cluster.calls.filter((call) => call.method === "patch")).toEqual([
      { method: "patch", args: { manifest: account("default"), options: { namespace: "verify-1" } } },
    ]);
    // Only what it created is removed afterwards; the default account goes with the namespace.
    expect(result.applied.created.map((ref) => ref.name)).toEqual(["web"]);
  });

  it("still stops at any other object that already exists", async () => {
    const cluster = new ClusterWithDefaultAccount(["default", "web"]);
    const result = await applyManifests({
      cluster,
      lab: { namespace: "sa-lab" },
      namespace: "verify-2",
      labels: {},
      manifests: [account("web")],
    });
    expect(result.failure).toContain("applying ServiceAccount web failed: conflict");
    expect(cluster.count("patch")).toBe(0);
  });
});
