import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import { checkPermissions, graderPermissions } from "./check-permissions";
import { connectCluster } from "./cluster/connect-cluster";
import { findLab } from "./lab/load-lab";

const kubeconfigPath = inject("kubeconfigPath");

describe("checkPermissions against the test cluster", () => {
  it("reports every grader permission granted to the cluster-admin kubeconfig", async () => {
    const connected = connectCluster({ kubeconfigPath });
    if (!connected.ok) throw new Error(connected.failure.message);
    const lab = await findLab("runtime-security/immutable-containers", path.join(import.meta.dirname, "..", "lessons"));
    const checks = lab?.tasks.flatMap((task) => task.checks) ?? [];
    const report = await checkPermissions(connected.cluster, "immutable-lab", checks);
    expect(report).toMatchObject({ ok: true, namespace: "immutable-lab", server: connected.server, missing: [] });
    if (!report.ok) return;
    expect(report.granted).toEqual(graderPermissions("immutable-lab", checks));
    // The lab's dry-run in default is asked about, and granted to an admin.
    expect(report.granted).toContainEqual(expect.objectContaining({ verb: "create", namespace: "default" }));
  });
});
