import { describe, expect, inject, it } from "vitest";
import { checkPermissions, graderPermissions } from "./check-permissions";
import { connectCluster } from "./cluster/connect-cluster";

const kubeconfigPath = inject("kubeconfigPath");

describe("checkPermissions against the test cluster", () => {
  it("reports every grader permission granted to the cluster-admin kubeconfig", async () => {
    const connected = connectCluster({ kubeconfigPath });
    if (!connected.ok) throw new Error(connected.failure.message);
    const report = await checkPermissions(connected.cluster, "immutable-lab");
    expect(report).toMatchObject({ ok: true, namespace: "immutable-lab", server: connected.server, missing: [] });
    if (report.ok) expect(report.granted).toEqual(graderPermissions("immutable-lab"));
  });
});
