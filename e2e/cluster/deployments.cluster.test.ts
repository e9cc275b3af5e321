import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runKubectl } from "./kubectl";
import { pollUntil, randomNamespace } from "./test-support";

const kubeconfigPath = inject("kubeconfigPath");
const namespace = randomNamespace("deploy");
const guarded = randomNamespace("deploy-guarded");
const policy = `${guarded}-read-only-root`;
const kubectl = (...args: string[]) => runKubectl(kubeconfigPath, ["-n", namespace, ...args]);
const apply = (manifest: string, target = namespace) =>
  runKubectl(kubeconfigPath, ["-n", target, "apply", "-f", "-"], manifest);
const json = async <T>(...args: string[]): Promise<T> => {
  const result = await kubectl("get", ...args, "-o", "json");
  expect(result.stderr).toBe("");
  return JSON.parse(result.stdout) as T;
};

type TMeta = {
  name: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: {
    apiVersion: string;
    kind: string;
    name: string;
    uid: string;
    controller?: boolean;
    blockOwnerDeletion?: boolean;
  }[];
  uid: string;
};
type TList<T> = { items: T[] };
type TDeployment = {
  metadata: TMeta & { generation: number };
  spec: Record<string, unknown>;
  status: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    conditions?: { type: string; status: string; reason: string; message: string }[];
  };
};
type TReplicaSet = {
  metadata: TMeta;
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> } };
  };
  status: { replicas: number; readyReplicas?: number };
};
type TPod = { metadata: TMeta; status: { phase: string } };
type TEvent = {
  reason: string;
  message: string;
  type: string;
  count: number;
  involvedObject: { kind: string; name: string };
  source: { component: string };
};

const events = async (kind: string, name: string) =>
  (await json<TList<TEvent>>("events")).items.filter(
    (e) => e.involvedObject.kind === kind && e.involvedObject.name === name,
  );

/** The pods of a label selector that are not being deleted. */
const livePods = async (selector: string) =>
  (await json<TList<TPod & { metadata: { deletionTimestamp?: string } }>>("pods", "-l", selector)).items.filter(
    (pod) => !pod.metadata.deletionTimestamp,
  );

describe("Deployments and ReplicaSets", () => {
  beforeAll(async () => {
    await runKubectl(kubeconfigPath, ["create", "namespace", namespace]);
  });
  afterAll(async () => {
    await runKubectl(kubeconfigPath, ["delete", "namespace", namespace, "--wait=false"]);
  });

  it("kubectl create deployment (protobuf) rolls out a ReplicaSet whose pods carry the template hash and owner references", async () => {
    const created = await kubectl("create", "deployment", "web", "--image=nginx", "--replicas=2", "--port=80");
    expect(created).toMatchObject({ code: 0, stdout: "deployment.apps/web created\n" });
    const rollout = await kubectl("rollout", "status", "deployment/web", "--timeout=90s");
    expect(rollout.code).toBe(0);
    expect(rollout.stdout).toMatch(/deployment "web" successfully rolled out\n$/);

    const deployment = await json<TDeployment>("deployment", "web");
    expect(deployment.metadata.labels).toEqual({ app: "web" });
    expect(deployment.metadata.annotations).toEqual({ "deployment.kubernetes.io/revision": "1" });
    expect(deployment.spec).toMatchObject({
      replicas: 2,
      selector: { matchLabels: { app: "web" } },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      template: {
        metadata: { labels: { app: "web" } },
        spec: {
          containers: [
            {
              name: "nginx",
              image: "nginx",
              ports: [{ containerPort: 80, protocol: "TCP" }],
              resources: {},
              imagePullPolicy: "Always",
              terminationMessagePath: "/dev/termination-log",
              terminationMessagePolicy: "File",
            },
          ],
          restartPolicy: "Always",
          dnsPolicy: "ClusterFirst",
          schedulerName: "default-scheduler",
          securityContext: {},
          terminationGracePeriodSeconds: 30,
        },
      },
    });
    // Nothing a protobuf body carries as an empty string or zero leaks into the object.
    expect(JSON.stringify(deployment)).not.toMatch(/"(generateName|minReadySeconds|paused)"/);
    expect(deployment.status).toMatchObject({
      observedGeneration: 1,
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
    });
    expect(deployment.status.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ["Available", "True", "MinimumReplicasAvailable"],
      ["Progressing", "True", "NewReplicaSetAvailable"],
    ]);

    const [replicaSet, ...others] = (await json<TList<TReplicaSet>>("replicasets", "-l", "app=web")).items;
    expect(others).toEqual([]);
    const hash = replicaSet?.metadata.labels?.["pod-template-hash"] ?? "";
    expect(hash).toMatch(/^[456789bcdf]{1,10}$/);
    expect(replicaSet?.metadata.name).toBe(`web-${hash}`);
    expect(replicaSet?.spec.selector.matchLabels).toEqual({ app: "web", "pod-template-hash": hash });
    expect(replicaSet?.metadata.annotations).toEqual({
      "deployment.kubernetes.io/desired-replicas": "2",
      "deployment.kubernetes.io/max-replicas": "3",
      "deployment.kubernetes.io/revision": "1",
    });
    expect(replicaSet?.metadata.ownerReferences).toEqual([
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        name: "web",
        uid: deployment.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);

    const pods = await livePods("app=web");
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      expect(pod.metadata.name).toMatch(new RegExp(`^web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      expect(pod.metadata.labels).toEqual({ app: "web", "pod-template-hash": hash });
      expect(pod.metadata.ownerReferences).toEqual([
        {
          apiVersion: "apps/v1",
          kind: "ReplicaSet",
          name: `web-${hash}`,
          uid: replicaSet?.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
      expect(pod.status.phase).toBe("Running");
    }
    expect((await events("Deployment", "web")).map((e) => [e.type, e.reason, e.message, e.source.component])).toEqual([
      ["Normal", "ScalingReplicaSet", `Scaled up replica set web-${hash} from 0 to 2`, "deployment-controller"],
    ]);
    expect((await events("ReplicaSet", `web-${hash}`)).map((e) => e.message).sort()).toEqual(
      pods.map((pod) => `Created pod: ${pod.metadata.name}`).sort(),
    );
  });

  it("prints kubectl get deploy,rs tables as kubectl does, wide columns included", async () => {
    const table = await kubectl("get", "deploy,rs", "-o", "wide");
    const [replicaSet] = (await json<TList<TReplicaSet>>("replicasets", "-l", "app=web")).items;
    const name = replicaSet?.metadata.name ?? "";
    const hash = replicaSet?.metadata.labels?.["pod-template-hash"] ?? "";
    const lines = table.stdout.split("\n").map((line) => line.trim().split(/\s{2,}/));
    expect(lines[0]).toEqual(["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"]);
    expect(lines[1]).toEqual([
      "deployment.apps/web",
      "2/2",
      "2",
      "2",
      expect.stringMatching(/^\d+s$/),
      "nginx",
      "nginx",
      "app=web",
    ]);
    expect(lines[2]).toEqual([""]);
    expect(lines[3]).toEqual(["NAME", "DESIRED", "CURRENT", "READY", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"]);
    expect(lines[4]).toEqual([
      `replicaset.apps/${name}`,
      "2",
      "2",
      "2",
      expect.stringMatching(/^\d+s$/),
      "nginx",
      "nginx",
      `app=web,pod-template-hash=${hash}`,
    ]);
  });

  it("scales through the scale subresource, up and down", async () => {
    expect((await kubectl("scale", "deployment", "web", "--replicas=3")).stdout).toBe("deployment.apps/web scaled\n");
    const up = await pollUntil(
      () => json<TDeployment>("deployment", "web"),
      (d) => d.status.availableReplicas === 3,
    );
    expect(up.status).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3 });
    await kubectl("scale", "deployment", "web", "--replicas=1");
    const down = await pollUntil(
      () => livePods("app=web"),
      (pods) => pods.length === 1,
    );
    expect(down).toHaveLength(1);
    const [replicaSet] = (await json<TList<TReplicaSet>>("replicasets", "-l", "app=web")).items;
    const scaling = (await events("Deployment", "web")).map((e) => e.message);
    expect(scaling).toContain(`Scaled up replica set ${replicaSet?.metadata.name} from 2 to 3`);
    expect(scaling).toContain(`Scaled down replica set ${replicaSet?.metadata.name} from 3 to 1`);
    // The ReplicaSet controller records SuccessfulDelete once the delete returns, which is after the
    // kubelet has stopped the pod's containers and unmounted its volumes: later than the pod turns terminating.
    const deleted = await pollUntil(
      async () =>
        (await events("ReplicaSet", replicaSet?.metadata.name ?? "")).filter((e) => e.reason === "SuccessfulDelete"),
      (found) => found.length >= 2,
      30_000,
    );
    expect(deleted).toHaveLength(2);
  });

  it("rolls a changed template out to a new ReplicaSet and scales the old one to zero", async () => {
    await kubectl("scale", "deployment", "web", "--replicas=2");
    await kubectl("rollout", "status", "deployment/web", "--timeout=90s");
    const [old] = (await json<TList<TReplicaSet>>("replicasets", "-l", "app=web")).items;
    expect((await kubectl("set", "image", "deployment/web", "nginx=nginx:1.27")).stdout).toBe(
      "deployment.apps/web image updated\n",
    );
    const rollout = await kubectl("rollout", "status", "deployment/web", "--timeout=90s");
    expect(rollout.code).toBe(0);
    expect(rollout.stdout).toMatch(/deployment "web" successfully rolled out\n$/);

    const replicaSets = (await json<TList<TReplicaSet>>("replicasets", "-l", "app=web")).items;
    expect(replicaSets).toHaveLength(2);
    const current = replicaSets.find((rs) => rs.metadata.uid !== old?.metadata.uid);
    expect(current?.metadata.name).not.toBe(old?.metadata.name);
    expect(current?.metadata.annotations?.["deployment.kubernetes.io/revision"]).toBe("2");
    expect(replicaSets.find((rs) => rs.metadata.uid === old?.metadata.uid)?.spec.replicas).toBe(0);
    const deployment = await json<TDeployment>("deployment", "web");
    expect(deployment.metadata.generation).toBe(5);
    expect(deployment.metadata.annotations?.["deployment.kubernetes.io/revision"]).toBe("2");
    const pods = await livePods("app=web");
    expect(pods.map((pod) => pod.metadata.labels?.["pod-template-hash"])).toEqual(
      pods.map(() => current?.metadata.labels?.["pod-template-hash"]),
    );
    const messages = (await events("Deployment", "web")).map((e) => e.message);
    expect(messages).toContain(`Scaled up replica set ${current?.metadata.name} from 0 to 1`);
    expect(messages.some((m) => m.startsWith(`Scaled down replica set ${old?.metadata.name} from `))).toBe(true);
    const history = await kubectl("rollout", "history", "deployment/web");
    expect(history.stdout).toMatch(/^deployment\.apps\/web \nREVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n/);
  });

  it("refuses what the API server refuses: a selector that misses the template, a changed selector, restartPolicy Never", async () => {
    const manifest = (labels: string, selector: string, restartPolicy = "Always") => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: bad
spec:
  selector:
    matchLabels: {${selector}}
  template:
    metadata:
      labels: {${labels}}
    spec:
      restartPolicy: ${restartPolicy}
      containers:
      - name: app
        image: busybox
`;
    const mismatch = await apply(manifest("app: other", "app: bad"));
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toContain(
      'The Deployment "bad" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"other"}: `selector` does not match template `labels`',
    );
    const never = await apply(manifest("app: bad", "app: bad", "Never"));
    expect(never.stderr).toContain(
      'The Deployment "bad" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    );
    expect((await apply(manifest("app: bad, tier: x", "app: bad"))).code).toBe(0);
    const changed = await apply(manifest("app: bad, tier: x", "app: bad, tier: x"));
    expect(changed.stderr).toContain(
      'The Deployment "bad" is invalid: spec.selector: Invalid value: &v1.LabelSelector{MatchLabels:map[string]string{"app":"bad", "tier":"x"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    );
  });

  it("deletes ReplicaSets and pods with their Deployment, and keeps them with --cascade=orphan", async () => {
    await apply(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: keep
spec:
  replicas: 1
  selector:
    matchLabels: {app: keep}
  template:
    metadata:
      labels: {app: keep}
    spec:
      containers:
      - name: app
        image: busybox
        command: ["sleep", "3600"]
`);
    await kubectl("rollout", "status", "deployment/keep", "--timeout=90s");
    expect((await kubectl("delete", "deployment", "keep", "--cascade=orphan")).code).toBe(0);
    const [orphan] = (await json<TList<TReplicaSet>>("replicasets", "-l", "app=keep")).items;
    expect(orphan?.metadata.ownerReferences).toBeUndefined();
    expect(await livePods("app=keep")).toHaveLength(1);

    const web = await json<TList<TReplicaSet>>("replicasets", "-l", "app=web");
    expect(web.items.length).toBeGreaterThan(0);
    const deleted = await kubectl("delete", "deployment", "web");
    expect(deleted.stdout).toBe(`deployment.apps "web" deleted from ${namespace} namespace\n`);
    const gone = await pollUntil(
      async () => [
        ...(await json<TList<TReplicaSet>>("replicasets", "-l", "app=web")).items,
        ...(await livePods("app=web")),
      ],
      (left) => left.length === 0,
      60_000,
    );
    expect(gone).toEqual([]);
  });
});

describe("a ReplicaSet whose pods admission refuses", () => {
  beforeAll(async () => {
    await runKubectl(kubeconfigPath, ["create", "namespace", guarded]);
    await runKubectl(kubeconfigPath, ["label", "namespace", guarded, "immutability=enforced"]);
    const applied = await runKubectl(
      kubeconfigPath,
      ["apply", "-f", "-"],
      `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: ${policy}
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - apiGroups: [""]
      apiVersions: ["v1"]
      operations: ["CREATE"]
      resources: ["pods"]
  validations:
  - expression: "object.spec.containers.all(c, has(c.securityContext) && has(c.securityContext.readOnlyRootFilesystem) && c.securityContext.readOnlyRootFilesystem == true)"
    message: "Every container must set securityContext.readOnlyRootFilesystem: true."
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: ${policy}
spec:
  policyName: ${policy}
  validationActions: [Deny]
  matchResources:
    namespaceSelector:
      matchLabels:
        kubernetes.io/metadata.name: ${guarded}
`,
    );
    expect(applied.code).toBe(0);
    // A real API server activates a new policy after its informers sync; wait until it bites.
    await pollUntil(
      () => runKubectl(kubeconfigPath, ["run", "probe", "-n", guarded, "--image=nginx", "--dry-run=server"]),
      (result) => result.code !== 0,
      30_000,
      500,
    );
  });
  afterAll(async () => {
    await runKubectl(kubeconfigPath, ["delete", "validatingadmissionpolicybinding,validatingadmissionpolicy", policy]);
    await runKubectl(kubeconfigPath, ["delete", "namespace", guarded, "--wait=false"]);
  });

  it("records FailedCreate with the admission message, reports ReplicaFailure, and recovers once the template complies", async () => {
    const inGuarded = (...args: string[]) => runKubectl(kubeconfigPath, ["-n", guarded, ...args]);
    expect((await inGuarded("create", "deployment", "web", "--image=nginx")).code).toBe(0);
    const denial =
      "ValidatingAdmissionPolicy '" +
      policy +
      "' with binding '" +
      policy +
      "' denied request: Every container must set securityContext.readOnlyRootFilesystem: true.";
    const failing = await pollUntil(
      async () => JSON.parse((await inGuarded("get", "events", "-o", "json")).stdout) as TList<TEvent>,
      (list) => list.items.some((e) => e.reason === "FailedCreate"),
      30_000,
    );
    const failure = failing.items.find((e) => e.reason === "FailedCreate");
    expect(failure).toMatchObject({ type: "Warning", source: { component: "replicaset-controller" } });
    expect(failure?.message).toMatch(
      new RegExp(`^Error creating: pods "web-[456789bcdf]+-[a-z0-9]{5}" is forbidden: `),
    );
    expect(failure?.message.endsWith(denial)).toBe(true);

    const deployment = await pollUntil(
      async () => JSON.parse((await inGuarded("get", "deployment", "web", "-o", "json")).stdout) as TDeployment,
      (d) => d.status.conditions?.some((c) => c.type === "ReplicaFailure") ?? false,
      30_000,
    );
    expect(deployment.status.conditions?.find((c) => c.type === "ReplicaFailure")).toMatchObject({
      status: "True",
      reason: "FailedCreate",
      message: expect.stringMatching(/^pods "web-.*" is forbidden: ValidatingAdmissionPolicy/),
    });
    expect(deployment.status.conditions?.find((c) => c.type === "Available")).toMatchObject({
      status: "False",
      reason: "MinimumReplicasUnavailable",
    });
    const stuck = await inGuarded("rollout", "status", "deployment/web", "--timeout=2s");
    expect(stuck.code).toBe(1);
    expect(stuck.stdout).toContain(
      'Waiting for deployment "web" rollout to finish: 0 out of 1 new replicas have been updated...',
    );
    expect(stuck.stderr).toBe("error: timed out waiting for the condition\n");
    // Ten different messages (a new pod name each time) are combined into one event, as client-go does.
    const combined = await pollUntil(
      async () => JSON.parse((await inGuarded("get", "events", "-o", "json")).stdout) as TList<TEvent>,
      (list) => list.items.some((e) => e.message.startsWith("(combined from similar events): Error creating: pods")),
      30_000,
    );
    expect(combined.items.filter((e) => e.reason === "FailedCreate" && !e.message.startsWith("(combined")).length).toBe(
      9,
    );

    // The fix: a read-only root in the template. The new ReplicaSet's pods are admitted.
    const patched = await inGuarded(
      "patch",
      "deployment",
      "web",
      "-p",
      JSON.stringify({
        spec: {
          template: {
            spec: {
              containers: [
                {
                  name: "nginx",
                  securityContext: { readOnlyRootFilesystem: true },
                  volumeMounts: [
                    { name: "cache", mountPath: "/var/cache/nginx" },
                    { name: "run", mountPath: "/run" },
                  ],
                },
              ],
              volumes: [
                { name: "cache", emptyDir: {} },
                { name: "run", emptyDir: {} },
              ],
            },
          },
        },
      }),
    );
    expect(patched.stdout).toBe("deployment.apps/web patched\n");
    const rollout = await inGuarded("rollout", "status", "deployment/web", "--timeout=90s");
    expect(rollout.stdout).toMatch(/deployment "web" successfully rolled out\n$/);
    const fixed = JSON.parse((await inGuarded("get", "deployment", "web", "-o", "json")).stdout) as TDeployment;
    expect(fixed.status.conditions?.map((c) => c.type)).not.toContain("ReplicaFailure");
  });
});
