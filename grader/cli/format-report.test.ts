import { describe, expect, it } from "vitest";
import type { CheckResult, GradeReport } from "../report";
import { painter } from "./args";
import { formatReport } from "./format-report";

const plain = painter(false);

function result(fields: Partial<CheckResult> & Pick<CheckResult, "checkId" | "status">): CheckResult {
  return {
    taskId: "apparmor",
    type: "exec",
    title: fields.checkId,
    outcome: fields.status === "pass" ? "passed" : fields.status === "unsupported" ? "unsupported" : "failed",
    points: 2,
    awarded: fields.status === "pass" ? 2 : 0,
    message: `${fields.checkId} message`,
    observed: "seen",
    hint: `${fields.checkId} hint`,
    lessonAnchor: "#apparmor",
    lessonHref: "/lessons/system-hardening/seccomp-capabilities#apparmor",
    evidence: [],
    durationMs: 12,
    ...fields,
  };
}

const report: GradeReport = {
  labId: "system-hardening/seccomp-capabilities",
  contentVersion: "0".repeat(64),
  namespace: "syscall-lab",
  server: "https://127.0.0.1:6443",
  context: "kind-cks",
  status: "passed",
  score: 2,
  maxScore: 2,
  unsupportedPoints: 2,
  counts: { pass: 1, fail: 0, error: 0, unsupported: 1 },
  problem: null,
  tasks: [{ taskId: "apparmor", title: "Confine writes with AppArmor", score: 2, maxScore: 2, unsupportedPoints: 2 }],
  results: [
    result({ checkId: "apparmor-field", status: "pass" }),
    result({
      checkId: "apparmor-denies-write",
      status: "unsupported",
      message: "Not gradable on this cluster: its node cannot enforce AppArmor (the kubelet refused pod confined).",
    }),
  ],
  startedAt: "2026-11-27T10:00:00.000Z",
  durationMs: 340,
};

describe("formatReport (npm run grade)", () => {
  it("shows an unsupported check apart from passes and failures, with its points left out of the score", () => {
    const text = formatReport(report, [{ id: "apparmor", title: "Confine writes with AppArmor" }], plain);
    expect(text.split("\n")).toEqual([
      "system-hardening/seccomp-capabilities  namespace syscall-lab, context kind-cks, https://127.0.0.1:6443",
      "",
      "Confine writes with AppArmor  2/2, 2 unsupported",
      "  ✓ apparmor-field (2 pts, 12 ms)",
      "  – apparmor-denies-write (2 pts not counted, 12 ms)",
      "      unsupported: Not gradable on this cluster: its node cannot enforce AppArmor (the kubelet refused pod confined).",
      "",
      "Score 2/2  1 passed, 0 failed, 0 errors, 1 unsupported on this cluster (2 pts left out)  (340 ms)",
    ]);
  });

  it("prints a failure with its message, hint and lesson link, and no unsupported note when there is none", () => {
    const failed: GradeReport = {
      ...report,
      status: "failed",
      score: 0,
      maxScore: 2,
      unsupportedPoints: 0,
      counts: { pass: 0, fail: 1, error: 0, unsupported: 0 },
      tasks: [
        { taskId: "apparmor", title: "Confine writes with AppArmor", score: 0, maxScore: 2, unsupportedPoints: 0 },
      ],
      results: [result({ checkId: "apparmor-field", status: "fail" })],
    };
    const text = formatReport(failed, [{ id: "apparmor", title: "Confine writes with AppArmor" }], plain);
    expect(text).toContain(
      "  ✗ apparmor-field (2 pts, 12 ms)\n      apparmor-field message\n      hint: apparmor-field hint\n      see: /lessons/system-hardening/seccomp-capabilities#apparmor",
    );
    expect(text).toContain("Confine writes with AppArmor  0/2\n");
    expect(text).toMatch(/Score 0\/2 {2}0 passed, 1 failed, 0 errors {2}\(340 ms\)$/);
  });

  it("adds to a failed dry-run what was sent, where, what was needed and what came back", () => {
    const dryRun = (admitted: boolean, expected: "admitted" | "rejected") =>
      result({
        checkId: admitted ? "writable-rejected" : "compliant-admitted",
        type: admitted ? "dryRunRejected" : "dryRunAdmitted",
        status: "fail",
        evidence: [
          {
            type: "dryRun",
            kind: "Pod",
            name: "probe",
            namespace: admitted ? "immutable-lab" : "default",
            expected,
            sent: {},
            admitted,
            code: admitted ? null : 422,
            reason: admitted ? null : "Invalid",
            message: admitted ? null : "denied",
          },
        ],
      });
    const failed: GradeReport = { ...report, results: [dryRun(true, "rejected"), dryRun(false, "admitted")] };
    const text = formatReport(failed, [{ id: "apparmor", title: "Confine writes with AppArmor" }], plain);
    expect(text).toContain(
      "      writable-rejected message\n      sent: dry-run create Pod/probe in namespace immutable-lab; needed rejected, got admitted\n",
    );
    expect(text).toContain(
      "      compliant-admitted message\n      sent: dry-run create Pod/probe in namespace default; needed admitted, got rejected (422 Invalid)\n",
    );
  });
});
