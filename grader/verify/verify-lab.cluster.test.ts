import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import { connectCluster } from "../cluster/connect-cluster";
import { findLab } from "../lab/load-lab";
import { verifyLab } from "./verify-lab";

describe("labs:verify against the test cluster", () => {
  it("immutability lab: empty scores 0, the solution and each alternative full marks, each mutant fails exactly what it declares", async () => {
    const lab = await findLab(
      "runtime-security/immutable-containers",
      path.join(import.meta.dirname, "..", "..", "lessons"),
    );
    if (!lab) throw new Error("lab missing");
    const connection = connectCluster({ kubeconfigPath: inject("kubeconfigPath") });
    if (!connection.ok) throw new Error(connection.failure.message);
    const result = await verifyLab({ lab, cluster: connection.cluster, settleMs: 60_000 });
    expect(result.preflight).toEqual([]);
    const summary = result.phases.map((p) => ({ phase: p.phase, ok: p.ok, deviations: p.deviations, score: p.score }));
    expect(summary[0]).toEqual({ phase: "empty", ok: true, deviations: [], score: 0 });
    expect(summary[1]).toEqual({ phase: "solution", ok: true, deviations: [], score: 35 });
    expect(lab.alternatives.length).toBeGreaterThanOrEqual(2);
    for (const alternative of lab.alternatives) {
      expect(summary.find((p) => p.phase === `alternative:${alternative.id}`)).toEqual({
        phase: `alternative:${alternative.id}`,
        ok: true,
        deviations: [],
        score: 35,
      });
    }
    for (const mutant of lab.mutants) {
      const phase = result.phases.find((p) => p.phase === `mutant:${mutant.id}`);
      expect({ mutant: mutant.id, ok: phase?.ok, failed: [...(phase?.failedChecks ?? [])].sort() }).toEqual({
        mutant: mutant.id,
        ok: true,
        failed: [...mutant.mustFail].sort(),
      });
    }
  }, 600_000);

  it("reports a mutant whose declaration is wrong, naming the checks that deviate", async () => {
    const found = await findLab(
      "runtime-security/immutable-containers",
      path.join(import.meta.dirname, "..", "..", "lessons"),
    );
    if (!found) throw new Error("lab missing");
    // Claim the privileged-left-on mutant breaks the running check instead of the privileged one.
    const lab = {
      ...found,
      mutants: found.mutants.map((m) => (m.id === "privileged-left-on" ? { ...m, mustFail: ["fixed-running"] } : m)),
    };
    const connection = connectCluster({ kubeconfigPath: inject("kubeconfigPath") });
    if (!connection.ok) throw new Error(connection.failure.message);
    const result = await verifyLab({
      lab,
      cluster: connection.cluster,
      settleMs: 15_000,
      only: ["mutant:privileged-left-on"],
    });
    expect(result.ok).toBe(false);
    expect(result.phases).toHaveLength(1);
    expect(result.phases[0]?.deviations).toEqual([
      expect.stringMatching(/^fixed-running should fail but passes: /),
      expect.stringMatching(/^unprivileged-remount-refused should pass but fails: /),
      expect.stringMatching(/^final-not-privileged should pass but fails: /),
    ]);
  }, 120_000);
});
