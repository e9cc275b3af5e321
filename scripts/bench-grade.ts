// Benchmark: the grader against the same checks written as a bash script of kubectl calls (how
// Killercoda/Instruqt check scripts work), in the same run on the same cluster with the same state; and
// the grader through the agent tunnel (a real WebSocket on loopback, JSON frames, the agent's allow-list)
// against the grader dialling the cluster directly.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { kubectlPath } from "@/e2e/cluster/kubectl";
import { startTestCluster } from "@/e2e/cluster/index";
import {
  applyManifests,
  connectCluster,
  findLab,
  gradeLab,
  removeApplied,
  waitForFullMarks,
  type AppliedManifests,
  type GradeReport,
} from "@/grader";
import { errorMessage } from "@/lib/errors/error-message";
import { startLoopbackTunnel } from "./bench-tunnel";

const LAB_ID = "runtime-security/immutable-containers";
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const run = promisify(execFile);

async function main(): Promise<number> {
  const lab = await findLab(LAB_ID);
  if (!lab) throw new Error(`lab ${LAB_ID} not found`);
  const testCluster = await startTestCluster();
  const connection = connectCluster({ kubeconfigPath: testCluster.kubeconfigPath });
  if (!connection.ok) throw new Error(connection.failure.message);
  const cluster = connection.cluster;
  const namespace = `cks-bench-${randomBytes(3).toString("hex")}`;
  let applied: AppliedManifests = { namespace, created: [] };
  try {
    const apply = await applyManifests({
      cluster,
      lab,
      namespace,
      labels: lab.solution.namespaceLabels,
      manifests: lab.solution.manifests,
    });
    applied = apply.applied;
    if (apply.failure !== null) throw new Error(apply.failure);
    const settled = await waitForFullMarks({ lab, cluster, namespace, timeoutMs: 90_000 });
    if (!settled.ok) throw new Error(settled.failure);
    console.log(
      `cluster ready: ${connection.server}; solution applied in ${namespace}; full marks after ${settled.afterMs} ms\n`,
    );

    const kubectl = kubectlPath();
    const { file: script, count: scriptChecks } = writeScript(namespace);
    const env = { ...process.env, KUBECONFIG: testCluster.kubeconfigPath, KUBECTL: kubectl };

    // One untimed round of each warms caches (TLS sessions, kubectl discovery cache) on both sides.
    await gradeLab({ lab, cluster, namespace });
    await run("bash", [script], { env });

    const tunnel = await startLoopbackTunnel(cluster, { ...lab, namespace });
    await gradeLab({ lab, cluster: tunnel.cluster, namespace });

    const graderTimes: number[] = [];
    const kubectlTimes: number[] = [];
    const tunnelTimes: number[] = [];
    let tunnelReport: GradeReport | null = null;
    let slowest = { id: "", ms: 0, runMs: 0 };
    let last: GradeReport | null = null;
    let scriptPassed = "";
    let worstRatio = 0;
    for (let i = 0; i < RUNS; i += 1) {
      const t0 = performance.now();
      last = await gradeLab({ lab, cluster, namespace });
      const graderMs = performance.now() - t0;
      graderTimes.push(graderMs);
      const top = last.results.reduce((a, b) => (b.durationMs > a.durationMs ? b : a));
      if (top.durationMs > slowest.ms) slowest = { id: top.checkId, ms: top.durationMs, runMs: graderMs };
      worstRatio = Math.max(worstRatio, graderMs / Math.max(1, top.durationMs));

      const t2 = performance.now();
      tunnelReport = await gradeLab({ lab, cluster: tunnel.cluster, namespace });
      tunnelTimes.push(performance.now() - t2);

      const t1 = performance.now();
      const { stdout } = await run("bash", [script], { env });
      kubectlTimes.push(performance.now() - t1);
      scriptPassed = stdout.trim().split("\n").at(-1) ?? "";
    }
    if (last?.status !== "passed")
      throw new Error(
        `grader did not pass: ${last?.results
          .filter((r) => r.status !== "pass")
          .map((r) => r.message)
          .join("; ")}`,
      );
    if (tunnelReport?.status !== "passed")
      throw new Error(
        `grading through the agent did not pass: ${tunnelReport?.results
          .filter((r) => r.status !== "pass")
          .map((r) => r.message)
          .join("; ")}`,
      );
    await tunnel.stop();
    if (scriptPassed !== `passed ${scriptChecks}/${scriptChecks}`)
      throw new Error(`kubectl script did not pass: ${scriptPassed}`);
    // The comparison is only fair when both sides check the same things.
    if (scriptChecks !== last.results.length)
      throw new Error(
        `the kubectl script has ${scriptChecks} checks, the lab ${last.results.length}: update writeScript`,
      );

    const g = median(graderTimes);
    const k = median(kubectlTimes);
    console.log(
      `checks per run:         ${last.results.length} (grader) / ${scriptChecks} (kubectl script), both all passing`,
    );
    console.log(
      `grader (client-node):   median ${g.toFixed(0)} ms  [${graderTimes.map((t) => t.toFixed(0)).join(", ")}]`,
    );
    console.log(
      `kubectl bash script:    median ${k.toFixed(0)} ms  [${kubectlTimes.map((t) => t.toFixed(0)).join(", ")}]`,
    );
    console.log(`speed-up:               ${(k / g).toFixed(1)}x  (target >= 5x)`);
    const t = median(tunnelTimes);
    console.log(
      `grader via agent:       median ${t.toFixed(0)} ms  [${tunnelTimes.map((x) => x.toFixed(0)).join(", ")}]  (${tunnel.lines()} agent log lines, ${tunnel.refused()} refused)`,
    );
    console.log(`agent / direct:         ${(t / g).toFixed(2)}x  (target <= 1.3x)`);
    console.log(`slowest single probe:   ${slowest.id} ${slowest.ms} ms, in a run of ${slowest.runMs.toFixed(0)} ms`);
    console.log(
      `run / slowest probe:    ${(slowest.runMs / Math.max(1, slowest.ms)).toFixed(2)}; worst over ${RUNS} runs ${worstRatio.toFixed(2)}  (target <= 1.5)`,
    );
    return 0;
  } finally {
    for (const failure of await removeApplied(cluster, applied)) console.error(failure);
    await testCluster.stop();
  }
}

/** A dry-run create of a pod with these containers that must be refused by the policy. */
function rejected(namespace: string, containers: object[], initContainers?: object[]): string {
  const pod = JSON.stringify({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "cks-dry-run-probe" },
    spec: { containers, ...(initContainers ? { initContainers } : {}) },
  });
  return `out=$(echo '${pod}' | "$KUBECTL" -n ${namespace} create --dry-run=server -f - 2>&1); [ $? -ne 0 ] && echo "$out" | grep -q require-readonly-rootfs`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

// The same 24 checks as the lab, one kubectl call (or two) each, run in sequence like a check script.
function writeScript(namespace: string): { file: string; count: number } {
  const dir = mkdtempSync(path.join(tmpdir(), "cks-bench-"));
  const file = path.join(dir, "check.sh");
  const jp = (pod: string, expr: string) => `"$KUBECTL" -n ${namespace} get pod ${pod} -o jsonpath='${expr}'`;
  const c = `{.spec.containers[?(@.name=="nginx")]`;
  const checks: [string, string][] = [
    ["broken-read-only", `[ "$(${jp("nginx-broken", `${c}.securityContext.readOnlyRootFilesystem}`)})" = true ]`],
    [
      "broken-crashes",
      `${jp("nginx-broken", "{.status.containerStatuses[0].state.waiting.reason} {.status.containerStatuses[0].state.terminated.reason} {.status.containerStatuses[0].lastState.terminated.reason}")} | grep -Eq 'Error|CrashLoopBackOff'`,
    ],
    [
      "broken-log-explains",
      `{ "$KUBECTL" -n ${namespace} logs nginx-broken -c nginx; "$KUBECTL" -n ${namespace} logs nginx-broken -c nginx --previous; } 2>/dev/null | grep -q '(30: Read-only file system)'`,
    ],
    ["fixed-read-only", `[ "$(${jp("nginx", `${c}.securityContext.readOnlyRootFilesystem}`)})" = true ]`],
    ["fixed-cache-emptydir", emptyDir(jp, "/var/cache/nginx")],
    ["fixed-run-emptydir", `( ${emptyDir(jp, "/run")} ) || ( ${emptyDir(jp, "/var/run")} )`],
    [
      "fixed-running",
      `[ "$(${jp("nginx", "{.status.phase} {.status.containerStatuses[0].ready}")})" = "Running true" ]`,
    ],
    [
      "fixed-root-write-fails",
      `out=$("$KUBECTL" -n ${namespace} exec nginx -c nginx -- touch /probe-$$ 2>&1); [ $? -ne 0 ] && echo "$out" | grep -q 'Read-only file system'`,
    ],
    [
      "fixed-cache-write-works",
      `"$KUBECTL" -n ${namespace} exec nginx -c nginx -- sh -c 'touch "$1" && rm "$1"' probe /var/cache/nginx/probe-$$`,
    ],
    ["privileged-variant", `[ "$(${jp("nginx-privileged", `${c}.securityContext.privileged}`)})" = true ]`],
    [
      "privileged-still-read-only",
      `[ "$(${jp("nginx-privileged", `${c}.securityContext.readOnlyRootFilesystem}`)})" = true ]`,
    ],
    [
      "privileged-remount-works",
      `"$KUBECTL" -n ${namespace} exec nginx-privileged -c nginx -- sh -c 'mount -o remount,bind,rw / && touch "$1" && rm "$1"' probe /probe-$$`,
    ],
    [
      "unprivileged-remount-refused",
      `out=$("$KUBECTL" -n ${namespace} exec nginx -c nginx -- mount -o remount,bind,ro / 2>&1); [ $? -ne 0 ] && echo "$out" | grep -q 'permission denied'`,
    ],
    [
      "final-not-privileged",
      `"$KUBECTL" -n ${namespace} get pod nginx >/dev/null && [ "$(${jp("nginx", `${c}.securityContext.privileged}`)})" != true ]`,
    ],
    ["policy-exists", `"$KUBECTL" get validatingadmissionpolicy require-readonly-rootfs >/dev/null`],
    ["binding-exists", `"$KUBECTL" get validatingadmissionpolicybinding require-readonly-rootfs-binding >/dev/null`],
    [
      "binding-targets-policy",
      `[ "$("$KUBECTL" get validatingadmissionpolicybinding require-readonly-rootfs-binding -o jsonpath='{.spec.policyName}')" = require-readonly-rootfs ]`,
    ],
    [
      "binding-denies",
      `"$KUBECTL" get validatingadmissionpolicybinding require-readonly-rootfs-binding -o jsonpath='{.spec.validationActions[*]}' | grep -qw Deny`,
    ],
    [
      "writable-pod-rejected",
      `out=$("$KUBECTL" -n ${namespace} run cks-dry-run-writable-root --image=nginx --dry-run=server 2>&1); [ $? -ne 0 ] && echo "$out" | grep -q require-readonly-rootfs`,
    ],
    [
      "readonly-false-rejected",
      rejected(namespace, [{ name: "web", image: "nginx", securityContext: { readOnlyRootFilesystem: false } }]),
    ],
    [
      "writable-sidecar-rejected",
      rejected(namespace, [
        { name: "web", image: "nginx", securityContext: { readOnlyRootFilesystem: true } },
        { name: "sidecar", image: "busybox", command: ["sleep", "3600"] },
      ]),
    ],
    [
      "writable-init-rejected",
      rejected(
        namespace,
        [{ name: "web", image: "nginx", securityContext: { readOnlyRootFilesystem: true } }],
        [{ name: "setup", image: "busybox", command: ["true"] }],
      ),
    ],
    [
      "compliant-pod-admitted",
      `"$KUBECTL" -n ${namespace} run cks-dry-run-read-only-root --image=nginx --dry-run=server --overrides='{"apiVersion":"v1","spec":{"containers":[{"name":"web","image":"nginx","securityContext":{"readOnlyRootFilesystem":true}}]}}'`,
    ],
    [
      "other-namespaces-untouched",
      `"$KUBECTL" -n default run cks-dry-run-writable-root --image=nginx --dry-run=server`,
    ],
  ];
  const body = checks
    .map(([id, test]) => `if ( ${test} ) >/dev/null 2>&1; then pass=$((pass+1)); else echo "FAIL ${id}"; fi`)
    .join("\n");
  writeFileSync(file, `#!/usr/bin/env bash\nset -u\npass=0\n${body}\necho "passed $pass/${checks.length}"\n`, {
    mode: 0o755,
  });
  return { file, count: checks.length };
}

function emptyDir(jp: (pod: string, expr: string) => string, mountPath: string): string {
  return `vol=$(${jp("nginx", `{.spec.containers[?(@.name=="nginx")].volumeMounts[?(@.mountPath=="${mountPath}")].name}`)}) && [ -n "$vol" ] && [ -n "$(${jp("nginx", `{.spec.volumes[?(@.name=="'"$vol"'")].emptyDir}`)})" ]`;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(errorMessage(error));
    process.exit(1);
  },
);
