import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runKubectl } from "./kubectl";
import { podRow, pollUntil, randomNamespace } from "./test-support";

// Secret, configMap and projected volumes, env from Secrets and ConfigMaps, and the ServiceAccount admission's
// token volume, seen from inside real containers with the pinned kubectl, as the secrets and service account
// labs look at them.
const kubeconfigPath = inject("kubeconfigPath");
const namespace = randomNamespace("vol");
const kubectl = (...args: string[]) => runKubectl(kubeconfigPath, ["-n", namespace, ...args]);
const apply = (manifest: string) => runKubectl(kubeconfigPath, ["-n", namespace, "apply", "-f", "-"], manifest);
const untilStatus = (name: string, status: string) =>
  pollUntil(
    () => podRow(kubeconfigPath, namespace, name),
    (row) => row.status === status,
    90_000,
    150,
  );
const exec = (pod: string, ...command: string[]) => kubectl("exec", pod, "--", ...command);
const tokenPath = "/var/run/secrets/kubernetes.io/serviceaccount";

describe("secret, configMap and projected volumes; env from Secrets; the service account token volume", () => {
  beforeAll(async () => {
    expect((await runKubectl(kubeconfigPath, ["create", "namespace", namespace])).code).toBe(0);
    expect(
      (await kubectl("create", "secret", "generic", "db-credentials", "--from-literal=password=S3cure-Passw0rd")).code,
    ).toBe(0);
    expect((await kubectl("create", "configmap", "settings", "--from-literal=mode=strict")).code).toBe(0);
  });
  afterAll(async () => {
    await runKubectl(kubeconfigPath, ["delete", "namespace", namespace, "--wait=false"]);
  });

  it("mounts a Secret item read-only with its mode, in the kubelet's ..data symlink layout", async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: files}
spec:
  automountServiceAccountToken: false
  containers:
  - name: app
    image: busybox
    command: ["sleep", "3600"]
    volumeMounts:
    - {name: creds, mountPath: /etc/db}
    - {name: settings, mountPath: /etc/settings}
  volumes:
  - name: creds
    secret:
      secretName: db-credentials
      items: [{key: password, path: password, mode: 0400}]
  - name: settings
    configMap: {name: settings, defaultMode: 0440}
`);
    await untilStatus("files", "Running");
    expect((await exec("files", "cat", "/etc/db/password")).stdout).toBe("S3cure-Passw0rd");
    expect((await exec("files", "stat", "-L", "-c", "%a %u", "/etc/db/password")).stdout).toBe("400 0\n");
    expect((await exec("files", "stat", "-L", "-c", "%a", "/etc/settings/mode")).stdout).toBe("440\n");
    const listing = (await exec("files", "ls", "-la", "/etc/db")).stdout;
    expect(listing).toMatch(/\.\.data -> \.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\.\d+\n/);
    expect(listing).toMatch(/password -> \.\.data\/password\n/);
    const write = await exec("files", "touch", "/etc/db/other");
    expect(write.code).not.toBe(0);
    expect(write.stderr).toContain("Read-only file system");
    // The Secret's value is in no environment variable of the container.
    expect((await exec("files", "env")).stdout).not.toContain("S3cure-Passw0rd");
    const spec = JSON.parse((await kubectl("get", "pod", "files", "-o", "json")).stdout) as {
      spec: { volumes: Array<{ secret?: { defaultMode: number } }> };
    };
    expect(spec.spec.volumes[0]?.secret?.defaultMode).toBe(420);
  });

  it("fills env from secretKeyRef, configMapKeyRef, fieldRef and envFrom with a prefix", async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: env}
spec:
  containers:
  - name: app
    image: busybox
    command: ["sleep", "3600"]
    envFrom:
    - {prefix: CFG_, configMapRef: {name: settings}}
    env:
    - {name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: db-credentials, key: password}}}
    - {name: MODE, valueFrom: {configMapKeyRef: {name: settings, key: mode}}}
    - {name: POD_NAMESPACE, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}
    - {name: MISSING, valueFrom: {secretKeyRef: {name: nowhere, key: x, optional: true}}}
`);
    await untilStatus("env", "Running");
    const lines = (await exec("env", "env")).stdout.split("\n");
    expect(lines).toEqual(
      expect.arrayContaining([
        "DB_PASSWORD=S3cure-Passw0rd",
        "MODE=strict",
        "CFG_mode=strict",
        `POD_NAMESPACE=${namespace}`,
      ]),
    );
    expect(lines.some((line) => line.startsWith("MISSING="))).toBe(false);
  });

  it("reports a missing Secret or key with the kubelet's CreateContainerConfigError, and starts once it exists", async () => {
    await kubectl(
      "run",
      "nokey",
      "--image=busybox",
      "--overrides",
      JSON.stringify({
        spec: {
          containers: [
            {
              name: "nokey",
              image: "busybox",
              command: ["sleep", "3600"],
              env: [{ name: "X", valueFrom: { secretKeyRef: { name: "db-credentials", key: "user" } } }],
            },
          ],
        },
      }),
    );
    await kubectl(
      "run",
      "later",
      "--image=busybox",
      "--overrides",
      JSON.stringify({
        spec: {
          containers: [
            {
              name: "later",
              image: "busybox",
              command: ["sleep", "3600"],
              env: [{ name: "X", valueFrom: { secretKeyRef: { name: "later", key: "x" } } }],
            },
          ],
        },
      }),
    );
    await untilStatus("nokey", "CreateContainerConfigError");
    const message = await kubectl(
      "get",
      "pod",
      "nokey",
      "-o",
      "jsonpath={.status.containerStatuses[0].state.waiting.message}",
    );
    expect(message.stdout).toBe(`couldn't find key user in Secret ${namespace}/db-credentials`);
    await untilStatus("later", "CreateContainerConfigError");
    const missing = await kubectl(
      "get",
      "pod",
      "later",
      "-o",
      "jsonpath={.status.containerStatuses[0].state.waiting.message}",
    );
    expect(missing.stdout).toBe('secret "later" not found');
    await kubectl("create", "secret", "generic", "later", "--from-literal=x=1");
    await untilStatus("later", "Running");
  });

  it("keeps a pod whose secret volume is missing in ContainerCreating with a FailedMount event", async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: nomount}
spec:
  containers:
  - {name: app, image: busybox, command: ["sleep", "3600"], volumeMounts: [{name: s, mountPath: /s}]}
  volumes:
  - {name: s, secret: {secretName: absent}}
`);
    const events = await pollUntil(
      () =>
        kubectl(
          "get",
          "events",
          "--field-selector",
          "involvedObject.name=nomount",
          "-o",
          "jsonpath={.items[*].message}",
        ),
      (result) => result.stdout.includes("FailedMount") || result.stdout.includes("MountVolume"),
      30_000,
    );
    expect(events.stdout).toContain('MountVolume.SetUp failed for volume "s" : secret "absent" not found');
    expect((await podRow(kubeconfigPath, namespace, "nomount")).status).toBe("ContainerCreating");
  });

  it("gives a pod the default account's token volume: a bound token, the cluster CA and the namespace", async () => {
    await kubectl("run", "tokened", "--image=busybox", "--", "sleep", "3600");
    await untilStatus("tokened", "Running");
    const pod = JSON.parse((await kubectl("get", "pod", "tokened", "-o", "json")).stdout) as {
      metadata: { uid: string };
      spec: {
        serviceAccountName: string;
        volumes: Array<{ name: string; projected?: { defaultMode: number; sources: unknown[] } }>;
        containers: Array<{ volumeMounts: Array<{ name: string; mountPath: string; readOnly: boolean }> }>;
      };
    };
    expect(pod.spec.serviceAccountName).toBe("default");
    const volume = pod.spec.volumes.find((candidate) => candidate.name.startsWith("kube-api-access-"));
    expect(volume?.name).toMatch(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(volume?.projected?.defaultMode).toBe(420);
    expect(pod.spec.containers[0]?.volumeMounts).toEqual([
      { name: volume?.name, mountPath: tokenPath, readOnly: true },
    ]);
    expect((await exec("tokened", "ls", tokenPath)).stdout).toBe("ca.crt\nnamespace\ntoken\n");
    expect((await exec("tokened", "cat", `${tokenPath}/namespace`)).stdout).toBe(namespace);
    expect((await exec("tokened", "cat", `${tokenPath}/ca.crt`)).stdout).toContain("-----BEGIN CERTIFICATE-----");
    const token = (await exec("tokened", "cat", `${tokenPath}/token`)).stdout;
    const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as {
      sub: string;
      exp: number;
      iat: number;
      "kubernetes.io": { pod: { name: string; uid: string }; warnafter: number };
    };
    expect(claims.sub).toBe(`system:serviceaccount:${namespace}:default`);
    expect(claims["kubernetes.io"].pod).toEqual({ name: "tokened", uid: pod.metadata.uid });
    expect(claims["kubernetes.io"].warnafter - claims.iat).toBe(3607);
  });

  it("honours automountServiceAccountToken on the account and the pod, and refuses a missing account", async () => {
    await apply(`apiVersion: v1
kind: ServiceAccount
metadata: {name: quiet}
automountServiceAccountToken: false
`);
    await kubectl(
      "run",
      "quiet",
      "--image=busybox",
      "--overrides",
      '{"spec":{"serviceAccountName":"quiet"}}',
      "--",
      "sleep",
      "3600",
    );
    await kubectl(
      "run",
      "loud",
      "--image=busybox",
      "--overrides",
      '{"spec":{"serviceAccountName":"quiet","automountServiceAccountToken":true}}',
      "--",
      "sleep",
      "3600",
    );
    await untilStatus("quiet", "Running");
    await untilStatus("loud", "Running");
    const absent = await exec("quiet", "ls", `${tokenPath}/token`);
    expect(absent.code).not.toBe(0);
    expect(absent.stderr).toContain("No such file or directory");
    expect((await exec("loud", "ls", `${tokenPath}/token`)).code).toBe(0);
    const refused = await kubectl(
      "run",
      "stranger",
      "--image=busybox",
      "--overrides",
      '{"spec":{"serviceAccountName":"nobody"}}',
    );
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toBe(
      `Error from server (Forbidden): pods "stranger" is forbidden: error looking up service account ${namespace}/nobody: serviceaccount "nobody" not found\n`,
    );
  });
});
