import { describe, expect, it } from "vitest";
import type { CheckResult, GradeReport } from "../report";
import { renamespace } from "./apply-manifests";
import { deviationsFor, notesFor, phasesOf, type VerifyPhase } from "./verify-lab";

function report(results: Pick<CheckResult, "checkId" | "status">[]): GradeReport {
  const full = results.map((r) => ({
    ...r,
    outcome: r.status === "pass" ? "passed" : r.status === "unsupported" ? "unsupported" : "failed",
    awarded: r.status === "pass" ? 1 : 0,
    points: 1,
    message: `${r.checkId} message`,
    observed: "seen",
  })) as CheckResult[];
  return { results: full, score: full.reduce((s, r) => s + r.awarded, 0), maxScore: full.length } as GradeReport;
}
const phase = (fields: Partial<VerifyPhase>): VerifyPhase => ({
  name: "p",
  kind: "mutant",
  labels: {},
  manifests: [],
  mustFail: [],
  exact: true,
  ...fields,
});

describe("deviationsFor", () => {
  it("flags any pass on an empty namespace as vacuous", () => {
    expect(
      deviationsFor(
        phase({ kind: "empty" }),
        report([
          { checkId: "a", status: "fail" },
          { checkId: "b", status: "pass" },
        ]),
      ),
    ).toEqual(["b passes on an empty namespace (vacuous): seen", "empty namespace scores 1/2, expected 0"]);
  });

  it("requires every check to pass for the solution", () => {
    expect(
      deviationsFor(
        phase({ kind: "solution" }),
        report([
          { checkId: "a", status: "pass" },
          { checkId: "b", status: "fail" },
        ]),
      ),
    ).toEqual(["b should pass but fails: b message"]);
  });

  it("requires a mutant's declared checks to fail, and with exact the others to pass", () => {
    const results = report([
      { checkId: "a", status: "pass" },
      { checkId: "b", status: "fail" },
      { checkId: "c", status: "fail" },
    ]);
    expect(deviationsFor(phase({ mustFail: ["a", "b"] }), results)).toEqual([
      "a should fail but passes: seen",
      "c should pass but fails: c message",
    ]);
    expect(deviationsFor(phase({ mustFail: ["b"], exact: false }), results)).toEqual([]);
  });

  it("requires every check of an alternative solution to pass, like the reference solution", () => {
    const results = report([
      { checkId: "a", status: "pass" },
      { checkId: "b", status: "fail" },
    ]);
    expect(deviationsFor(phase({ kind: "alternative", exact: false }), results)).toEqual([
      "b should pass but fails: b message",
    ]);
  });

  it("treats grader errors as deviations, never as the expected failure", () => {
    const results = report([{ checkId: "a", status: "error" }]);
    expect(deviationsFor(phase({ mustFail: ["a"] }), results)).toEqual(["a: grader error (failed): a message"]);
  });
});

describe("checks the cluster cannot evaluate", () => {
  const results = report([
    { checkId: "a", status: "pass" },
    { checkId: "b", status: "unsupported" },
  ]);

  it("are neither a deviation of the solution nor a vacuous pass on an empty namespace", () => {
    expect(deviationsFor(phase({ kind: "solution" }), results)).toEqual([]);
    expect(deviationsFor(phase({ kind: "empty" }), report([{ checkId: "b", status: "unsupported" }]))).toEqual([]);
    expect(notesFor(phase({ kind: "solution" }), results)).toEqual([]);
  });

  it("leave a mutant's declared failure unproven: a note, not a deviation and not a proof", () => {
    expect(deviationsFor(phase({ mustFail: ["b"] }), results)).toEqual([]);
    expect(notesFor(phase({ mustFail: ["b"] }), results)).toEqual(["b cannot be shown failing on this cluster: seen"]);
  });
});

describe("renamespace", () => {
  it("rewrites strings equal to the lab namespace, nothing else", () => {
    const manifest = {
      metadata: { name: "immutable-lab-pod", namespace: "immutable-lab" },
      spec: { selector: { matchLabels: { "kubernetes.io/metadata.name": "immutable-lab" } }, n: 1 },
    };
    expect(renamespace(manifest, "immutable-lab", "fresh")).toEqual({
      metadata: { name: "immutable-lab-pod", namespace: "fresh" },
      spec: { selector: { matchLabels: { "kubernetes.io/metadata.name": "fresh" } }, n: 1 },
    });
  });
});

describe("verifyLab clean-up", () => {
  it("reports a namespace or policy it could not delete as a deviation of that phase", async () => {
    const { FakeCluster } = await import("../testing/fake-cluster");
    const { labWith } = await import("../testing/lab-builder");
    const { verifyLab } = await import("./verify-lab");
    const cluster = new FakeCluster();
    cluster.failures.delete = {
      kind: "forbidden",
      verb: "delete",
      resource: "namespaces",
      message: "namespaces is forbidden",
    };
    const lab = labWith([
      {
        id: "ro",
        type: "field",
        pod: "x",
        container: "x",
        path: "securityContext.readOnlyRootFilesystem",
        equals: true,
      },
    ]);
    const result = await verifyLab({ lab, cluster, only: ["empty"], settleMs: 0, pollMs: 1 });
    expect(result.ok).toBe(false);
    expect(result.phases[0]?.deviations).toContainEqual(
      expect.stringMatching(/^cleanup: deleting Namespace cks-verify-[0-9a-f]+ failed: forbidden/),
    );
  });
});

describe("phasesOf", () => {
  it("runs empty, solution, every alternative (with its own labels or the solution's), then every mutant", async () => {
    const { labWith } = await import("../testing/lab-builder");
    const base = labWith([{ id: "up", type: "podCondition", pod: "x", expect: { phase: ["Running"] } }]);
    const lab = {
      ...base,
      solution: { ...base.solution, namespaceLabels: { enforce: "yes" } },
      alternatives: [
        { ...base.alternatives[0]!, namespaceLabels: { enforce: "true" } },
        { ...base.alternatives[1]!, namespaceLabels: undefined },
      ],
    };
    expect(phasesOf(lab).map((p) => [p.name, p.kind, p.labels, p.mustFail])).toEqual([
      ["empty", "empty", {}, []],
      ["solution", "solution", { enforce: "yes" }, []],
      ["alternative:a", "alternative", { enforce: "true" }, []],
      ["alternative:b", "alternative", { enforce: "yes" }, []],
    ]);
  });
});
