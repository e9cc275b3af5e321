import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runKubectl } from "./kubectl";
import { pollUntil, randomNamespace } from "./test-support";

const kubeconfigPath = inject("kubeconfigPath");
const guarded = randomNamespace("vap");
const open = randomNamespace("open");
const policy = `${guarded}-read-only-root`;
const binding = `${guarded}-binding`;
const kubectl = (...args: string[]) => runKubectl(kubeconfigPath, args);
const applyTo = (namespace: string, manifest: string, ...flags: string[]) =>
  runKubectl(kubeconfigPath, ["apply", "-n", namespace, ...flags, "-f", "-"], manifest);

const policyManifest = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: ${policy}
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - apiGroups: [""]
      apiVersions: ["v1"]
      operations: ["CREATE", "UPDATE"]
      resources: ["pods"]
  validations:
  - expression: >-
      object.spec.containers.all(c, has(c.securityContext) &&
      has(c.securityContext.readOnlyRootFilesystem) && c.securityContext.readOnlyRootFilesystem == true)
    message: "every container needs readOnlyRootFilesystem: true"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: ${binding}
spec:
  policyName: ${policy}
  validationActions: [Deny]
  matchResources:
    namespaceSelector:
      matchLabels:
        kubernetes.io/metadata.name: ${guarded}
`;

const pod = (name: string, readOnly: boolean | undefined) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  containers:
  - name: app
    image: busybox
    command: ["sleep", "3600"]
${readOnly === undefined ? "" : `    securityContext:\n      readOnlyRootFilesystem: ${readOnly}\n`}`;

const denial = `ValidatingAdmissionPolicy '${policy}' with binding '${binding}' denied request: every container needs readOnlyRootFilesystem: true`;

describe("ValidatingAdmissionPolicy with a Deny binding", () => {
  beforeAll(async () => {
    await kubectl("create", "namespace", guarded);
    await kubectl("create", "namespace", open);
    const applied = await runKubectl(kubeconfigPath, ["apply", "-f", "-"], policyManifest);
    expect(applied.stdout).toContain(`validatingadmissionpolicy.admissionregistration.k8s.io/${policy} created`);
    expect(applied.stdout).toContain(
      `validatingadmissionpolicybinding.admissionregistration.k8s.io/${binding} created`,
    );
    // A real API server activates a new policy after its informers sync; wait until it bites.
    await pollUntil(
      () => applyTo(guarded, pod("probe", undefined), "--dry-run=server"),
      (result) => result.code !== 0,
      30_000,
      500,
    );
  });
  afterAll(async () => {
    await kubectl("delete", "validatingadmissionpolicybinding", binding);
    await kubectl("delete", "validatingadmissionpolicy", policy);
    await kubectl("delete", "namespace", guarded, open);
  });

  it("lists the policy and binding like any other resource", async () => {
    const policies = await kubectl("get", "validatingadmissionpolicies", policy, "--no-headers");
    expect(policies.stdout).toMatch(new RegExp(`^${policy}\\s+1\\s+<unset>`));
    const bindings = await kubectl(
      "get",
      "validatingadmissionpolicybindings",
      binding,
      "-o",
      "jsonpath={.spec.policyName}",
    );
    expect(bindings.stdout).toBe(policy);
  });

  it("denies a pod without readOnlyRootFilesystem with the API server's message, and stores nothing", async () => {
    const result = await applyTo(guarded, pod("writable", undefined));
    expect(result.code).toBe(1);
    // kubectl renders the 422 Invalid status from its details: kind, name, then the policy's cause.
    expect(result.stderr).toContain(`The pods "writable" is invalid: : ${denial}`);
    const get = await kubectl("get", "pod", "writable", "-n", guarded);
    expect(get.stderr).toContain('pods "writable" not found');
  });

  it("denies readOnlyRootFilesystem: false too", async () => {
    const result = await applyTo(guarded, pod("explicit-false", false));
    expect(result.stderr).toContain(denial);
  });

  it("admits a compliant pod", async () => {
    const result = await applyTo(guarded, pod("compliant", true));
    expect(result.stdout).toContain("pod/compliant created");
  });

  it("evaluates server-side dry-run the same way and persists nothing", async () => {
    const denied = await applyTo(guarded, pod("dry-bad", undefined), "--dry-run=server");
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain(denial);
    const allowed = await applyTo(guarded, pod("dry-good", true), "--dry-run=server");
    expect(allowed.stdout).toContain("pod/dry-good created (server dry run)");
    const get = await kubectl("get", "pod", "dry-good", "-n", guarded);
    expect(get.stderr).toContain('pods "dry-good" not found');
  });

  it("leaves namespaces outside the binding's namespaceSelector alone", async () => {
    const result = await applyTo(open, pod("free", undefined));
    expect(result.stdout).toContain("pod/free created");
  });
});

describe.skipIf(inject("clusterKind") !== "podman")("CEL the podman cluster cannot evaluate", () => {
  const name = `${randomNamespace("gap")}-optional`;
  afterAll(async () => {
    await kubectl("delete", "validatingadmissionpolicybinding", name);
    await kubectl("delete", "validatingadmissionpolicy", name);
  });

  it("fails plainly instead of guessing", async () => {
    const namespace = randomNamespace("gap");
    await kubectl("create", "namespace", namespace);
    const created = await runKubectl(
      kubeconfigPath,
      ["apply", "-f", "-"],
      `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: ${name}
spec:
  matchConstraints:
    resourceRules:
    - apiGroups: [""]
      apiVersions: ["v1"]
      operations: ["CREATE"]
      resources: ["pods"]
  validations:
  - expression: "object.spec.containers.all(c, c.?securityContext.?readOnlyRootFilesystem.orValue(false))"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: ${name}
spec:
  policyName: ${name}
  validationActions: [Deny]
  matchResources:
    namespaceSelector:
      matchLabels:
        kubernetes.io/metadata.name: ${namespace}
`,
    );
    expect(created.stderr).toContain("cannot parse");
    const result = await applyTo(namespace, pod("any", true));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("the podman test cluster cannot evaluate validation expression");
    await kubectl("delete", "namespace", namespace);
  });
});

describe("Pod Security Admission labels on the namespace", () => {
  const enforced = randomNamespace("psa");
  const warned = randomNamespace("psw");
  beforeAll(async () => {
    await runKubectl(
      kubeconfigPath,
      ["apply", "-f", "-"],
      `apiVersion: v1
kind: Namespace
metadata:
  name: ${enforced}
  labels:
    pod-security.kubernetes.io/enforce: restricted
---
apiVersion: v1
kind: Namespace
metadata:
  name: ${warned}
  labels:
    pod-security.kubernetes.io/warn: restricted
`,
    );
  });
  afterAll(async () => {
    await kubectl("delete", "namespace", enforced, warned);
  });

  it("enforce=restricted forbids a plain pod with the plugin's full reason", async () => {
    const result = await kubectl("run", "plain", "-n", enforced, "--image=nginx");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'Error from server (Forbidden): pods "plain" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "plain" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "plain" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "plain" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "plain" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
  });

  it("enforce=restricted admits a hardened pod", async () => {
    const result = await applyTo(
      enforced,
      `apiVersion: v1
kind: Pod
metadata:
  name: hardened
spec:
  securityContext:
    runAsNonRoot: true
    runAsUser: 1000
    seccompProfile:
      type: RuntimeDefault
  containers:
  - name: app
    image: busybox
    command: ["sleep", "3600"]
    securityContext:
      allowPrivilegeEscalation: false
      readOnlyRootFilesystem: true
      capabilities:
        drop: ["ALL"]
`,
    );
    expect(result.stdout).toContain("pod/hardened created");
  });

  it("warn=restricted admits the pod and prints the warning", async () => {
    const result = await kubectl("run", "plain", "-n", warned, "--image=busybox", "--", "sleep", "3600");
    expect(result.stdout).toContain("pod/plain created");
    expect(result.stderr).toContain(
      'Warning: would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false',
    );
  });
});
