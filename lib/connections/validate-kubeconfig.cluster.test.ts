import { readFileSync } from "node:fs";
import { describe, expect, inject, it } from "vitest";
import { checkConnection, checkPermissions, connectCluster } from "@/grader";
import { validateKubeconfig } from "./validate-kubeconfig";

const kubeconfigPath = inject("kubeconfigPath");

describe("a validated kubeconfig against the test cluster", () => {
  it("accepts the test cluster's kubeconfig and the normalised copy still connects and probes", async () => {
    const result = validateKubeconfig(readFileSync(kubeconfigPath, "utf8"), { allowHttpLoopback: false });
    if (!result.ok) throw new Error(result.failure);
    const connected = connectCluster({ kubeconfigYaml: result.kubeconfig });
    if (!connected.ok) throw new Error(connected.failure.message);
    expect(connected.server).toBe(result.summary.server);
    expect(await checkConnection(connected.cluster)).toMatchObject({
      ok: true,
      version: expect.stringMatching(/^v1\./),
    });
    expect(await checkPermissions(connected.cluster, "immutable-lab")).toMatchObject({ ok: true, missing: [] });
  });
});
