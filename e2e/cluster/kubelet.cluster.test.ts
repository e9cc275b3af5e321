import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runKubectl } from "./kubectl";
import { podRow, pollUntil, randomNamespace } from "./test-support";

const kubeconfigPath = inject("kubeconfigPath");
const namespace = randomNamespace("kubelet");
const kubectl = (...args: string[]) => runKubectl(kubeconfigPath, ["-n", namespace, ...args]);
const apply = (manifest: string) => runKubectl(kubeconfigPath, ["-n", namespace, "apply", "-f", "-"], manifest);
const untilStatus = (name: string, status: string) =>
  pollUntil(
    () => podRow(kubeconfigPath, namespace, name),
    (row) => row.status === status,
    90_000,
    150,
  );
const jsonpath = async (name: string, path: string) =>
  (await kubectl("get", "pod", name, "-o", `jsonpath=${path}`)).stdout;

describe("kubelet semantics on real containers", () => {
  beforeAll(async () => {
    await runKubectl(kubeconfigPath, ["create", "namespace", namespace]);
  });
  afterAll(async () => {
    await runKubectl(kubeconfigPath, ["delete", "namespace", namespace]);
  });

  it("runs init containers first and shares emptyDirs between containers", async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata:
  name: two
spec:
  initContainers:
  - name: seed
    image: busybox
    command: ["sh", "-c", "echo from-init > /shared/greeting"]
    volumeMounts: [{name: shared, mountPath: /shared}]
  containers:
  - name: reader
    image: busybox
    command: ["sh", "-c", "cat /shared/greeting; sleep 3600"]
    volumeMounts: [{name: shared, mountPath: /shared, readOnly: true}]
  - name: sidecar
    image: busybox
    command: ["sleep", "3600"]
    volumeMounts: [{name: shared, mountPath: /shared}]
  volumes:
  - name: shared
    emptyDir: {}
`);
    const row = await untilStatus("two", "Running");
    expect(row.ready).toBe("2/2");
    const log = await pollUntil(
      () => kubectl("logs", "two", "-c", "reader"),
      (result) => result.stdout !== "",
    );
    expect(log.stdout).toBe("from-init\n");
    expect(await jsonpath("two", "{.status.initContainerStatuses[0].state.terminated.reason}")).toBe("Completed");
    const readOnly = await kubectl("exec", "two", "-c", "reader", "--", "touch", "/shared/x");
    expect(readOnly.stderr).toContain("Read-only file system");
    const writable = await kubectl("exec", "two", "-c", "sidecar", "--", "touch", "/shared/x");
    expect(writable.code).toBe(0);
  });

  it("restartPolicy Never: a failing container ends Error with its exit code and the pod Failed", async () => {
    await kubectl("run", "fails", "--image=busybox", "--restart=Never", "--", "sh", "-c", "echo bye; exit 3");
    const row = await untilStatus("fails", "Error");
    expect(row).toMatchObject({ ready: "0/1", restarts: "0" });
    expect(await jsonpath("fails", "{.status.phase}")).toBe("Failed");
    expect(await jsonpath("fails", "{.status.containerStatuses[0].state.terminated.exitCode}")).toBe("3");
  });

  it("restartPolicy OnFailure: exit 0 completes without restarting", async () => {
    await kubectl("run", "once", "--image=busybox", "--restart=OnFailure", "--", "true");
    const row = await untilStatus("once", "Completed");
    expect(row).toMatchObject({ ready: "0/1", restarts: "0" });
    expect(await jsonpath("once", "{.status.phase}")).toBe("Succeeded");
  });

  it("restartPolicy Always: a crashing container restarts, then backs off with CrashLoopBackOff", async () => {
    await kubectl("run", "loop", "--image=busybox", "--", "sh", "-c", "echo attempt; exit 2");
    const row = await untilStatus("loop", "CrashLoopBackOff");
    expect(row.ready).toBe("0/1");
    expect(row.restarts).toMatch(/^[1-9]\d* \(\d+s ago\)$/);
    expect(await jsonpath("loop", "{.status.containerStatuses[0].lastState.terminated.exitCode}")).toBe("2");
    expect(await jsonpath("loop", "{.status.containerStatuses[0].state.waiting.message}")).toMatch(
      /^back-off \d+s restarting failed container=loop pod=loop_/,
    );
    expect(await jsonpath("loop", "{.status.phase}")).toBe("Running");
  });

  it("runAsNonRoot refuses an image that runs as root, and runAsUser satisfies it", async () => {
    const base = (name: string, runAsUser: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  securityContext:
    runAsNonRoot: true
${runAsUser}  containers:
  - name: app
    image: busybox
    command: ["sleep", "3600"]
`;
    await apply(base("rootful", ""));
    await untilStatus("rootful", "CreateContainerConfigError");
    expect(await jsonpath("rootful", "{.status.containerStatuses[0].state.waiting.message}")).toContain(
      "container has runAsNonRoot and image will run as root",
    );
    await apply(base("nonroot", "    runAsUser: 1000\n"));
    await untilStatus("nonroot", "Running");
    const id = await kubectl("exec", "nonroot", "--", "id", "-u");
    expect(id.stdout.trim()).toBe("1000");
  });

  it("capabilities drop ALL and allowPrivilegeEscalation false reach the process", async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata:
  name: locked
spec:
  containers:
  - name: app
    image: busybox
    command: ["sleep", "3600"]
    securityContext:
      allowPrivilegeEscalation: false
      capabilities:
        drop: ["ALL"]
        add: ["NET_BIND_SERVICE"]
`);
    await untilStatus("locked", "Running");
    const status = await kubectl("exec", "locked", "--", "cat", "/proc/1/status");
    expect(status.stdout).toMatch(/CapEff:\s+0000000000000400/);
    expect(status.stdout).toMatch(/NoNewPrivs:\s+1/);
  });

  it("emptyDir medium Memory is a tmpfs, and an emptyDir is fresh for every pod", async () => {
    const manifest = `apiVersion: v1
kind: Pod
metadata:
  name: scratch
spec:
  containers:
  - name: app
    image: busybox
    command: ["sleep", "3600"]
    volumeMounts: [{name: mem, mountPath: /mem}, {name: disk, mountPath: /disk}]
  volumes:
  - {name: mem, emptyDir: {medium: Memory}}
  - {name: disk, emptyDir: {}}
`;
    await apply(manifest);
    await untilStatus("scratch", "Running");
    const mounts = await kubectl("exec", "scratch", "--", "cat", "/proc/mounts");
    expect(mounts.stdout).toMatch(/^tmpfs \/mem tmpfs /m);
    expect((await kubectl("exec", "scratch", "--", "sh", "-c", "echo x > /disk/kept && ls /disk")).stdout).toBe(
      "kept\n",
    );
    await kubectl("delete", "pod", "scratch");
    await apply(manifest);
    await untilStatus("scratch", "Running");
    expect((await kubectl("exec", "scratch", "--", "ls", "/disk")).stdout).toBe("");
  });

  it("kubectl run --rm -i attaches, returns the container's exit code and deletes the pod", async () => {
    const quick = await kubectl(
      "run",
      "once-quick",
      "--rm",
      "-i",
      "--restart=Never",
      "--image=busybox",
      "--",
      "sh",
      "-c",
      "echo hello",
    );
    expect(quick.code).toBe(0);
    expect(quick.stdout).toContain("hello\n");
    expect(quick.stdout).toContain('pod "once-quick" deleted');
    const slow = await kubectl(
      "run",
      "once-slow",
      "--rm",
      "-i",
      "--restart=Never",
      "--image=busybox",
      "--",
      "sh",
      "-c",
      "sleep 1; echo late; exit 3",
    );
    expect(slow.code).toBe(3);
    expect(slow.stdout).toMatch(/^late\npod "once-slow" deleted/);
    expect(slow.stderr).toContain(`pod ${namespace}/once-slow terminated (Error)`);
  });

  it("kubectl wait, logs -f and exec with stdin behave as on a real cluster", async () => {
    await kubectl(
      "run",
      "chatty",
      "--image=busybox",
      "--",
      "sh",
      "-c",
      "for i in 1 2 3; do echo line $i; sleep 0.2; done; sleep 3600",
    );
    const waited = await kubectl("wait", "--for=condition=Ready", "pod/chatty", "--timeout=30s");
    expect(waited.stdout).toContain("pod/chatty condition met");
    const followed = await pollUntil(
      () => kubectl("logs", "chatty", "--tail=2"),
      (result) => result.stdout.includes("line 3"),
    );
    expect(followed.stdout).toBe("line 2\nline 3\n");
    const echoed = await runKubectl(
      kubeconfigPath,
      ["-n", namespace, "exec", "-i", "chatty", "--", "sh", "-c", "tr a-z A-Z"],
      "hello\n",
    );
    expect(echoed.stdout).toBe("HELLO\n");
  });
});
