import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runKubectl } from "./kubectl";
import { podRow, pollUntil, randomNamespace } from "./test-support";

const kubeconfigPath = inject("kubeconfigPath");
const onPodman = inject("clusterKind") === "podman";
const namespace = randomNamespace("netpol");
const kubectl = (...args: string[]) => runKubectl(kubeconfigPath, ["-n", namespace, ...args]);
const apply = (manifest: string) => runKubectl(kubeconfigPath, ["-n", namespace, "apply", "-f", "-"], manifest);
const running = (name: string) =>
  pollUntil(
    () => podRow(kubeconfigPath, namespace, name),
    (row) => row.status === "Running",
    90_000,
    150,
  );
const wget = (pod: string, url: string) => kubectl("exec", pod, "--", "wget", "-q", "-O-", "-T", "2", url);
/** Polls a probe until it gives `wanted` (policies take effect within moments), returning the last result. */
const expectReach = async (pod: string, url: string, wanted: boolean) => {
  const result = await pollUntil(
    () => wget(pod, url),
    (value) => (value.code === 0) === wanted,
    10_000,
    300,
  );
  expect(result.code === 0, `${pod} -> ${url}: ${result.stderr.trim()}`).toBe(wanted);
  return result;
};
const policy = (name: string, spec: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${name}
spec:
${spec}`;

describe("NetworkPolicy enforcement in the lab's shape", () => {
  beforeAll(async () => {
    await runKubectl(kubeconfigPath, ["create", "namespace", namespace]);
    const shell = (name: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: {app: ${name}}
spec:
  containers:
  - name: shell
    image: busybox
    command: ["sleep", "3600"]
`;
    await apply(`${shell("frontend")}---
${shell("intruder")}---
apiVersion: v1
kind: Pod
metadata:
  name: backend
  labels: {app: backend}
spec:
  containers:
  - name: nginx
    image: nginx
    ports: [{name: http, containerPort: 80}]
`);
    await kubectl("expose", "pod", "backend", "--port", "80");
    await Promise.all(["frontend", "intruder", "backend"].map(running));
  });
  afterAll(async () => {
    await runKubectl(kubeconfigPath, ["delete", "namespace", namespace]);
  });

  it("denies ingress by default and lets only the allowed source reach the Service's pod", async () => {
    await expectReach("intruder", "http://backend/", true);
    await apply(policy("default-deny-ingress", "  podSelector: {}\n  policyTypes: [Ingress]\n"));
    await expectReach("frontend", "http://backend/", false);
    await apply(
      policy(
        "backend-from-frontend",
        `  podSelector: {matchLabels: {app: backend}}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {matchLabels: {app: frontend}}}]
    ports: [{port: http}]
`,
      ),
    );
    const allowed = await expectReach("frontend", "http://backend/", true);
    expect(allowed.stdout).toContain("Welcome to nginx!");
    const denied = await expectReach("intruder", "http://backend/", false);
    expect(denied.stderr).toContain("download timed out");
    // The policy is about the pod: its address is denied as much as its Service.
    const backendIp = (await kubectl("get", "pod", "backend", "-o", "jsonpath={.status.podIP}")).stdout.trim();
    await expectReach("intruder", `http://${backendIp}/`, false);
  });

  it.skipIf(!onPodman)("blocks the metadata address while cluster DNS keeps working", async () => {
    await expectReach("intruder", "http://169.254.169.254/latest/meta-data/", true);
    await apply(
      policy(
        "deny-metadata",
        `  podSelector: {}
  policyTypes: [Egress]
  egress:
  - to: [{ipBlock: {cidr: 0.0.0.0/0, except: [169.254.169.254/32]}}]
`,
      ),
    );
    const blocked = await expectReach("intruder", "http://169.254.169.254/latest/meta-data/", false);
    expect(blocked.stderr).toContain("download timed out");
    await expectReach("frontend", "http://backend/", true);
    await kubectl("delete", "networkpolicy", "deny-metadata");
  });

  it("breaks name resolution under an egress policy that forgets DNS, and restores it with a port 53 rule", async () => {
    await apply(
      policy(
        "egress-to-backend-only",
        `  podSelector: {matchLabels: {app: frontend}}
  policyTypes: [Egress]
  egress:
  - to: [{podSelector: {matchLabels: {app: backend}}}]
    ports: [{port: 80}]
`,
      ),
    );
    const unresolved = await expectReach("frontend", "http://backend/", false);
    expect(unresolved.stderr).toContain("bad address 'backend'");
    await apply(
      policy(
        "allow-dns",
        `  podSelector: {}
  policyTypes: [Egress]
  egress:
  - to:
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
      podSelector: {matchLabels: {k8s-app: kube-dns}}
    ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
`,
      ),
    );
    await expectReach("frontend", "http://backend/", true);
    // Egress is now limited to the backend and DNS: the metadata address is out of reach.
    await expectReach("frontend", "http://169.254.169.254/", false);
  });
});
