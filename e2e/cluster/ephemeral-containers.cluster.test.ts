import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runKubectl } from "./kubectl";
import { podRow, pollUntil, randomNamespace } from "./test-support";

const kubeconfigPath = inject("kubeconfigPath");
const namespace = randomNamespace("debug");
const restricted = randomNamespace("debug-psa");
const policyName = `${namespace}-debug-images`;
const kubectl = (...args: string[]) => runKubectl(kubeconfigPath, ["-n", namespace, ...args]);
const apply = (manifest: string, ns = namespace) =>
  runKubectl(kubeconfigPath, ["-n", ns, "apply", "-f", "-"], manifest);

const pod = (name: string, extra = "") => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  containers:
  - name: app
    image: busybox
    command: ["sleep", "3600"]
${extra}`;

describe("ephemeral containers through pods/ephemeralcontainers (kubectl debug)", () => {
  beforeAll(async () => {
    await runKubectl(kubeconfigPath, ["create", "namespace", namespace]);
    await runKubectl(kubeconfigPath, ["create", "namespace", restricted]);
    await runKubectl(kubeconfigPath, [
      "label",
      "namespace",
      restricted,
      "pod-security.kubernetes.io/enforce=restricted",
    ]);
    await runKubectl(
      kubeconfigPath,
      ["apply", "-f", "-"],
      `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: ${policyName}
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - apiGroups: [""]
      apiVersions: ["v1"]
      operations: ["UPDATE"]
      resources: ["pods/ephemeralcontainers"]
  validations:
  - expression: "object.spec.ephemeralContainers.all(c, c.image.startsWith('registry.k8s.io/'))"
    message: debug images must come from registry.k8s.io
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: ${policyName}
spec:
  policyName: ${policyName}
  validationActions: [Deny]
  matchResources:
    namespaceSelector:
      matchLabels:
        kubernetes.io/metadata.name: ${namespace}
`,
    );
    await apply(pod("app"));
    await pollUntil(
      () => podRow(kubeconfigPath, namespace, "app"),
      (row) => row.status === "Running",
      90_000,
      150,
    );
  });
  afterAll(async () => {
    await runKubectl(kubeconfigPath, [
      "delete",
      "validatingadmissionpolicybinding,validatingadmissionpolicy",
      policyName,
    ]);
    await runKubectl(kubeconfigPath, ["delete", "namespace", namespace, restricted, "--wait=false"]);
  });

  it("admits a debug container through a policy on the subresource, and refuses one the policy denies", async () => {
    const denied = await kubectl(
      "debug",
      "app",
      "-c",
      "debugger",
      "--image=busybox",
      "--profile=general",
      "--",
      "true",
    );
    expect(denied.code).toBe(1);
    expect(denied.stderr.trim()).toBe(
      `The pods "app" is invalid: : ValidatingAdmissionPolicy '${policyName}' with binding '${policyName}' denied request: debug images must come from registry.k8s.io`,
    );
    expect((await kubectl("get", "pod", "app", "-o", "jsonpath={.spec.ephemeralContainers}")).stdout).toBe("");

    const allowed = await kubectl(
      "debug",
      "app",
      "-c",
      "debugger",
      "--image=registry.k8s.io/e2e-test-images/busybox:1.36.1-1",
      "--profile=general",
      "--",
      "true",
    );
    expect(allowed).toMatchObject({ code: 0, stdout: "" });
    expect((await kubectl("get", "pod", "app", "-o", "jsonpath={.spec.ephemeralContainers[*].name}")).stdout).toBe(
      "debugger",
    );
    const again = await kubectl("debug", "app", "-c", "debugger", "--image=registry.k8s.io/x", "--profile=general");
    // The strategic merge patch kubectl sends merges by name, so a second "debugger" changes the first.
    expect(again.stderr).toContain(
      'The Pod "app" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral containers "debugger" may not be changed',
    );
  });

  it("runs Pod Security on the debug container too", async () => {
    await apply(
      pod(
        "app",
        `    securityContext:
      runAsNonRoot: true
      runAsUser: 1000
      allowPrivilegeEscalation: false
      capabilities: {drop: [ALL]}
      seccompProfile: {type: RuntimeDefault}
`,
      ),
      restricted,
    );
    const denied = await runKubectl(kubeconfigPath, [
      "-n",
      restricted,
      "debug",
      "app",
      "-c",
      "debugger",
      "--image=busybox",
      "--profile=legacy",
    ]);
    expect(denied.stderr).toContain(
      'Error from server (Forbidden): pods "app" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "debugger" must set securityContext.allowPrivilegeEscalation=false)',
    );
  });
});
