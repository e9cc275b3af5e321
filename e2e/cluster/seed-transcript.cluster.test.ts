import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runKubectl } from "./kubectl";
import { podRow, pollUntil, randomNamespace } from "./test-support";

// The transcript a learner produced on a real cluster, replayed with the real kubectl.
const kubeconfig = inject("kubeconfigPath");
const namespace = randomNamespace("seed");
const kubectl = (...args: string[]) => runKubectl(kubeconfig, ["-n", namespace, ...args]);
const apply = (manifest: string) => runKubectl(kubeconfig, ["apply", "-n", namespace, "-f", "-"], manifest);

const readOnlyNginx = `apiVersion: v1
kind: Pod
metadata:
  name: nginx
spec:
  containers:
  - name: nginx
    image: nginx
    securityContext:
      readOnlyRootFilesystem: true
`;

const withWritableDirs = (privileged: boolean) => `apiVersion: v1
kind: Pod
metadata:
  name: nginx
spec:
  containers:
  - name: nginx
    image: nginx
    securityContext:
      readOnlyRootFilesystem: true
      privileged: ${privileged}
    volumeMounts:
    - name: cache
      mountPath: /var/cache/nginx
    - name: run
      mountPath: /var/run
  volumes:
  - name: cache
    emptyDir: {}
  - name: run
    emptyDir: {}
`;

describe("seed transcript: nginx with a read-only root filesystem", () => {
  beforeAll(async () => {
    const created = await runKubectl(kubeconfig, ["create", "namespace", namespace]);
    expect(created.stdout).toContain(`namespace/${namespace} created`);
  });
  afterAll(async () => {
    await runKubectl(kubeconfig, ["delete", "namespace", namespace, "--wait=true"]);
  });

  it("crashes with Error then CrashLoopBackOff, 0/1 ready, and logs the read-only mkdir failure", async () => {
    const applied = await apply(readOnlyNginx);
    expect(applied.stdout).toContain("pod/nginx created");
    const seen = new Set<string>();
    const row = await pollUntil(
      async () => {
        const current = await podRow(kubeconfig, namespace, "nginx");
        seen.add(current.status);
        return current;
      },
      (current) => current.status === "CrashLoopBackOff",
      90_000,
      150,
    );
    expect(row.status).toBe("CrashLoopBackOff");
    expect(row.ready).toBe("0/1");
    expect([...seen].some((status) => status === "Error" || status === "CrashLoopBackOff")).toBe(true);
    const logs = await kubectl("logs", "nginx");
    // Twice, as the upstream image prints it: through the error log, then on the console.
    expect(logs.stdout).toMatch(
      /\[emerg\] 1#1: mkdir\(\) "\/var\/cache\/nginx\/client_temp" failed \(30: Read-only file system\)\nnginx: \[emerg\] mkdir\(\)/,
    );
    const previous = await kubectl("logs", "nginx", "--previous");
    expect(previous.stdout).toContain('mkdir() "/var/cache/nginx/client_temp" failed (30: Read-only file system)');
    const described = await kubectl("describe", "pod", "nginx");
    expect(described.stdout).toMatch(/Reason:\s+CrashLoopBackOff/);
    expect(described.stdout).toMatch(/Last State:\s+Terminated\s+Reason:\s+Error\s+Exit Code:\s+1/);
    const deleted = await kubectl("delete", "pod", "nginx");
    expect(deleted.stdout).toBe(`pod "nginx" deleted from ${namespace} namespace\n`);
  });

  it("runs 1/1 with emptyDirs at /var/cache/nginx and /var/run, and the root stays read-only", async () => {
    await apply(withWritableDirs(false));
    const row = await pollUntil(
      () => podRow(kubeconfig, namespace, "nginx"),
      (current) => current.status === "Running" && current.ready === "1/1",
    );
    expect(row).toMatchObject({ ready: "1/1", status: "Running", restarts: "0" });

    // nginx writes /run/nginx.pid; the emptyDir mounted at /var/run is that directory, through Debian's link.
    expect((await kubectl("exec", "nginx", "--", "cat", "/run/nginx.pid")).stdout).toBe("1\n");
    expect((await kubectl("exec", "nginx", "--", "readlink", "/var/run")).stdout).toBe("/run\n");

    const touch = await kubectl("exec", "nginx", "--", "touch", "/x");
    expect(touch.code).toBe(1);
    expect(touch.stderr).toContain("touch: cannot touch '/x': Read-only file system");
    expect(touch.stderr).toContain("command terminated with exit code 1");

    const write = await kubectl(
      "exec",
      "nginx",
      "--",
      "sh",
      "-c",
      "echo ok > /var/cache/nginx/probe && cat /var/cache/nginx/probe",
    );
    expect(write.code).toBe(0);
    expect(write.stdout.trim()).toBe("ok");

    // kubectl cp is tar over exec: blocked on the image filesystem, fine on the emptyDir.
    const folder = mkdtempSync(path.join(tmpdir(), "cks-cp-"));
    const local = path.join(folder, "patch.conf");
    writeFileSync(local, "# patch\n");
    const blocked = await kubectl("cp", local, "nginx:/etc/nginx/patch.conf");
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr).toContain("Read-only file system");
    const copied = await kubectl("cp", local, "nginx:/var/cache/nginx/patch.conf");
    expect(copied.code).toBe(0);
    expect((await kubectl("exec", "nginx", "--", "cat", "/var/cache/nginx/patch.conf")).stdout).toBe("# patch\n");
    rmSync(folder, { recursive: true, force: true });
    await kubectl("delete", "pod", "nginx");
  });

  it("privileged: the root starts read-only (apt 3.0 fails with exit 100), and a bind remount makes it writable", async () => {
    await apply(withWritableDirs(true));
    const row = await pollUntil(
      () => podRow(kubeconfig, namespace, "nginx"),
      (current) => current.status === "Running",
    );
    expect(row).toMatchObject({ ready: "1/1", status: "Running" });
    const apt = await kubectl("exec", "nginx", "--", "apt", "update");
    expect(apt.code).toBe(100);
    expect(apt.stderr).toContain(
      "Error: List directory /var/lib/apt/lists/partial is missing. - Acquire (30: Read-only file system)",
    );
    expect(apt.stderr).toContain("command terminated with exit code 100");

    const remount = await kubectl("exec", "nginx", "--", "mount", "-o", "remount,bind,rw", "/");
    expect(remount).toMatchObject({ code: 0, stderr: "" });
    const touch = await kubectl("exec", "nginx", "--", "touch", "/after-remount");
    expect(touch).toMatchObject({ code: 0, stderr: "" });
    await kubectl("delete", "pod", "nginx");
  });

  it("unprivileged: the same remount is refused for lack of CAP_SYS_ADMIN", async () => {
    await apply(withWritableDirs(false));
    await pollUntil(
      () => podRow(kubeconfig, namespace, "nginx"),
      (current) => current.status === "Running",
    );
    const remount = await kubectl("exec", "nginx", "--", "mount", "-o", "remount,bind,rw", "/");
    expect(remount.code).toBe(32);
    expect(remount.stderr).toContain("mount: /: permission denied.");
    const touch = await kubectl("exec", "nginx", "--", "touch", "/after-remount");
    expect(touch.stderr).toContain("touch: cannot touch '/after-remount': Read-only file system");
    await kubectl("delete", "pod", "nginx");
  });
});
