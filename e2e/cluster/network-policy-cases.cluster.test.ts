import { afterAll, describe, expect, inject, it } from "vitest";
import {
  casePolicies,
  describeProbe,
  evaluateCaseProbe,
  POLICY_CASES,
  type CaseEnd,
  type CaseProbe,
  type PolicyCase,
} from "@/grader/testing/policy-cases";
import { runKubectl } from "./kubectl";
import { podRow, pollUntil, randomNamespace } from "./test-support";

const kubeconfigPath = inject("kubeconfigPath");
const onPodman = inject("clusterKind") === "podman";
const kubectl = (...args: string[]) => runKubectl(kubeconfigPath, args);
const created: string[] = [];

// Every pod listens on every TCP port it declares (busybox httpd). BusyBox has no UDP server applet, so a
// UDP port is probed with a DNS query to it: "Connection refused" (the kernel's port-unreachable) shows
// the datagram arrived, a timeout that it was dropped on the way, as on any cluster.
function podManifest(policyCase: PolicyCase, podName: string, namespace: string): string {
  const pod = policyCase.pods.find((candidate) => candidate.name === podName);
  if (!pod) throw new Error(`no pod ${podName}`);
  const servers = pod.ports
    .filter((port) => port.protocol === "TCP")
    .map((port) => `httpd -p ${port.containerPort} -h /tmp/www;`);
  const script = ["mkdir -p /tmp/www && echo reached > /tmp/www/index.html;", ...servers, "exec sleep 3600"].join(" ");
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: pod.name, namespace, labels: pod.labels },
    spec: {
      terminationGracePeriodSeconds: 0,
      containers: [
        {
          name: "server",
          image: "busybox",
          command: ["sh", "-c", script],
          ports: pod.ports.map((port) => ({ ...port })),
        },
      ],
    },
  });
}

/** Whether a connection completes from inside the source pod (an answer, not a timeout). */
async function connects(
  source: { pod: string; namespace: string },
  address: string,
  probe: CaseProbe,
): Promise<boolean> {
  const command =
    probe.protocol === "UDP"
      ? ["nslookup", "-timeout=2", "-retry=1", "probe.test", address]
      : ["wget", "-q", "-O-", "-T", "2", `http://${address}:${probe.port}/`];
  const result = await kubectl("-n", source.namespace, "exec", source.pod, "--", ...command);
  if (probe.protocol === "UDP") return /Connection refused/.test(result.stdout + result.stderr);
  // A pod's httpd answers "reached"; the metadata host answers with its own documents.
  return result.code === 0 && result.stdout !== "";
}

describe.skipIf(!onPodman)("NetworkPolicy enforcement agrees with the grader's reachability table", () => {
  afterAll(async () => {
    if (created.length > 0) await kubectl("delete", "namespace", ...created, "--wait=false");
  });

  it.each(POLICY_CASES.map((policyCase) => [policyCase.id, policyCase] as const))(
    "%s",
    async (_id, policyCase) => {
      const prefix = randomNamespace("np");
      const namespaceOf = (name: string) => `${prefix}-${name}`;
      for (const namespace of policyCase.namespaces) {
        created.push(namespaceOf(namespace.name));
        const manifest = {
          apiVersion: "v1",
          kind: "Namespace",
          metadata: { name: namespaceOf(namespace.name), labels: namespace.labels },
        };
        expect((await runKubectl(kubeconfigPath, ["apply", "-f", "-"], JSON.stringify(manifest))).code).toBe(0);
      }
      const manifests = policyCase.pods.map((pod) => podManifest(policyCase, pod.name, namespaceOf(pod.namespace)));
      expect((await runKubectl(kubeconfigPath, ["apply", "-f", "-"], manifests.join("\n---\n"))).code).toBe(0);
      const ips: Record<string, string> = {};
      for (const pod of policyCase.pods) {
        const row = await pollUntil(
          () => podRow(kubeconfigPath, namespaceOf(pod.namespace), pod.name),
          (value) => value.status === "Running",
          90_000,
          200,
        );
        expect(row.status, pod.name).toBe("Running");
        ips[pod.name] = (
          await kubectl("-n", namespaceOf(pod.namespace), "get", "pod", pod.name, "-o", "jsonpath={.status.podIP}")
        ).stdout.trim();
      }
      const policies = casePolicies(policyCase, ips).map((policy) => {
        const metadata = policy.metadata as { name: string; namespace: string };
        return { ...policy, metadata: { ...metadata, namespace: namespaceOf(metadata.namespace) } };
      });
      if (policies.length > 0) {
        const applied = await runKubectl(
          kubeconfigPath,
          ["apply", "-f", "-"],
          policies.map((p) => JSON.stringify(p)).join("\n---\n"),
        );
        expect(applied.stderr).toBe("");
      }
      const addressOf = (end: CaseEnd) => ("pod" in end ? (ips[end.pod] ?? "") : end.cidr.replace(/\/32$/, ""));
      const sourceOf = (end: CaseEnd) => {
        if (!("pod" in end)) throw new Error("probes start from a pod");
        const pod = policyCase.pods.find((candidate) => candidate.name === end.pod);
        return { pod: end.pod, namespace: namespaceOf(pod?.namespace ?? "") };
      };
      const outcomes = await Promise.all(
        policyCase.probes.map(async (probe) => {
          const evaluated = evaluateCaseProbe(policyCase, probe, ips).outcome;
          const wanted = probe.expect === "allowed";
          // Rules follow a policy within moments (as a real agent's do): a probe may be repeated until then.
          const observed = await pollUntil(
            () => connects(sourceOf(probe.from), addressOf(probe.to), probe),
            (value) => value === wanted,
            8_000,
            300,
          );
          return {
            probe: describeProbe(probe),
            why: probe.why,
            expected: probe.expect,
            evaluated,
            cluster: observed ? "allowed" : "denied",
          };
        }),
      );
      for (const outcome of outcomes) {
        expect(outcome.evaluated, `evaluator, ${outcome.probe}: ${outcome.why}`).toBe(outcome.expected);
        expect(outcome.cluster, `${outcome.probe}: ${outcome.why}`).toBe(outcome.expected);
      }
    },
    180_000,
  );
});
