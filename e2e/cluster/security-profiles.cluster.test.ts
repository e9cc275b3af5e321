import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runKubectl } from "./kubectl";
import { podRow, pollUntil, randomNamespace } from "./test-support";

const kubeconfigPath = inject("kubeconfigPath");
const onPodman = inject("clusterKind") === "podman";
const seccompDir = inject("seccompDir");
const namespace = randomNamespace("secprof");
const kubectl = (...args: string[]) => runKubectl(kubeconfigPath, ["-n", namespace, ...args]);
const apply = (manifest: string) => runKubectl(kubeconfigPath, ["-n", namespace, "apply", "-f", "-"], manifest);
const untilStatus = (name: string, status: string) =>
  pollUntil(
    () => podRow(kubeconfigPath, namespace, name),
    (row) => row.status === status,
    90_000,
    150,
  );
const procStatus = async (pod: string, field: string) =>
  (await kubectl("exec", pod, "--", "grep", `^${field}:`, "/proc/1/status")).stdout.trim().replace(/\s+/g, " ");

function busybox(name: string, podContext: string, containerContext: string): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  securityContext: ${podContext}
  containers:
  - name: app
    image: busybox
    command: ["sleep", "3600"]
    securityContext: ${containerContext}
`;
}

describe("seccomp, capabilities and AppArmor as the kubelet and containerd apply them", () => {
  beforeAll(async () => {
    await runKubectl(kubeconfigPath, ["create", "namespace", namespace]);
  });
  afterAll(async () => {
    await runKubectl(kubeconfigPath, ["delete", "namespace", namespace, "--wait=false"]);
  });

  it("runs a pod without a profile Unconfined, and RuntimeDefault (pod or container level) filtered", async () => {
    await apply(busybox("plain", "{}", "{}"));
    await apply(busybox("pod-level", "{seccompProfile: {type: RuntimeDefault}}", "{}"));
    await apply(busybox("container-level", "{}", "{seccompProfile: {type: RuntimeDefault}}"));
    await apply(
      busybox("overridden", "{seccompProfile: {type: RuntimeDefault}}", "{seccompProfile: {type: Unconfined}}"),
    );
    for (const name of ["plain", "pod-level", "container-level", "overridden"]) await untilStatus(name, "Running");
    expect(await procStatus("plain", "Seccomp")).toBe("Seccomp: 0");
    expect(await procStatus("pod-level", "Seccomp")).toBe("Seccomp: 2");
    expect(await procStatus("container-level", "Seccomp")).toBe("Seccomp: 2");
    expect(await procStatus("overridden", "Seccomp")).toBe("Seccomp: 0");
  });

  it("gives containerd's 14 default capabilities; drop ALL empties the bounding set; a non-root process has none effective anyway", async () => {
    await apply(busybox("root", "{}", "{}"));
    await apply(busybox("nonroot", "{runAsUser: 1000}", "{}"));
    await apply(
      busybox(
        "hardened",
        "{runAsUser: 1000, runAsNonRoot: true}",
        "{allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, seccompProfile: {type: RuntimeDefault}}",
      ),
    );
    for (const name of ["root", "nonroot", "hardened"]) await untilStatus(name, "Running");
    // CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP NET_BIND_SERVICE NET_RAW SYS_CHROOT MKNOD AUDIT_WRITE SETFCAP
    expect(await procStatus("root", "CapEff")).toBe("CapEff: 00000000a80425fb");
    expect(await procStatus("root", "CapBnd")).toBe("CapBnd: 00000000a80425fb");
    expect(await procStatus("nonroot", "CapEff")).toBe("CapEff: 0000000000000000");
    expect(await procStatus("nonroot", "CapBnd")).toBe("CapBnd: 00000000a80425fb");
    expect(await procStatus("hardened", "CapBnd")).toBe("CapBnd: 0000000000000000");
    expect(await procStatus("hardened", "NoNewPrivs")).toBe("NoNewPrivs: 1");
    expect(await procStatus("root", "NoNewPrivs")).toBe("NoNewPrivs: 0");
  });

  it.skipIf(!onPodman)(
    "loads a Localhost profile from the node's /var/lib/kubelet/seccomp, and fails like containerd when the file is missing",
    async () => {
      mkdirSync(path.join(seccompDir, "profiles"), { recursive: true });
      writeFileSync(
        path.join(seccompDir, "profiles", "no-mkdir.json"),
        JSON.stringify({
          defaultAction: "SCMP_ACT_ALLOW",
          syscalls: [{ names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO" }],
        }),
      );
      await apply(
        busybox("localhost", "{seccompProfile: {type: Localhost, localhostProfile: profiles/no-mkdir.json}}", "{}"),
      );
      await apply(
        busybox("missing", "{seccompProfile: {type: Localhost, localhostProfile: profiles/absent.json}}", "{}"),
      );
      await untilStatus("localhost", "Running");
      expect(await procStatus("localhost", "Seccomp")).toBe("Seccomp: 2");
      const denied = await kubectl("exec", "localhost", "--", "mkdir", "/tmp/probe");
      expect(denied.stderr).toContain("mkdir: can't create directory '/tmp/probe': Operation not permitted");
      expect((await kubectl("exec", "localhost", "--", "touch", "/tmp/probe")).code).toBe(0);

      const row = await untilStatus("missing", "CreateContainerError");
      expect(row.ready).toBe("0/1");
      const message = (
        await kubectl("get", "pod", "missing", "-o", "jsonpath={.status.containerStatuses[0].state.waiting.message}")
      ).stdout;
      expect(message).toMatch(
        /failed to apply OCI options: cannot load seccomp profile "\/var\/lib\/kubelet\/seccomp\/profiles\/absent.json": open \/var\/lib\/kubelet\/seccomp\/profiles\/absent.json: no such file or directory$/,
      );
    },
  );

  it.skipIf(!onPodman)(
    "refuses AppArmor pods on a node without AppArmor, as the kubelet does, and keeps the field as written",
    async () => {
      await apply(busybox("confined", "{}", "{appArmorProfile: {type: Localhost, localhostProfile: cks-deny-write}}"));
      const row = await untilStatus("confined", "AppArmor");
      expect(row).toMatchObject({ ready: "0/1", restarts: "0" });
      const status = JSON.parse((await kubectl("get", "pod", "confined", "-o", "jsonpath={.status}")).stdout) as Record<
        string,
        unknown
      >;
      expect(status).toMatchObject({
        phase: "Failed",
        reason: "AppArmor",
        message: "Pod was rejected: Cannot enforce AppArmor: AppArmor is not enabled on the host",
      });
      expect(
        (
          await kubectl(
            "get",
            "pod",
            "confined",
            "-o",
            "jsonpath={.spec.containers[0].securityContext.appArmorProfile}",
          )
        ).stdout,
      ).toBe('{"localhostProfile":"cks-deny-write","type":"Localhost"}');
      // 1.34 and later no longer copy fields into the deprecated annotations.
      expect((await kubectl("get", "pod", "confined", "-o", "jsonpath={.metadata.annotations}")).stdout).not.toContain(
        "container.apparmor.security.beta.kubernetes.io",
      );
      const events = await kubectl("get", "events", "--field-selector", "involvedObject.name=confined");
      expect(events.stdout).toMatch(
        /Warning\s+AppArmor\s+pod\/confined\s+Cannot enforce AppArmor: AppArmor is not enabled on the host/,
      );
      const exec = await kubectl("exec", "confined", "--", "true");
      expect(exec.code).not.toBe(0);
    },
  );

  it("validates profiles with the API server's words, and turns a deprecated annotation into the field with a warning", async () => {
    const missing = await apply(busybox("bad", "{}", "{appArmorProfile: {type: Localhost}}"));
    expect(missing.stderr).toContain(
      'The Pod "bad" is invalid: spec.containers[0].securityContext.appArmorProfile.localhostProfile: Required value: must be set when AppArmor type is Localhost',
    );
    const absolute = await apply(
      busybox("bad", "{seccompProfile: {type: Localhost, localhostProfile: /etc/x.json}}", "{}"),
    );
    expect(absolute.stderr).toContain(
      'spec.securityContext.seccompProfile.localhostProfile: Invalid value: "/etc/x.json": must be a relative path',
    );
    const annotated = await apply(`apiVersion: v1
kind: Pod
metadata:
  name: annotated
  annotations:
    container.apparmor.security.beta.kubernetes.io/app: runtime/default
spec:
  containers:
  - name: app
    image: busybox
    command: ["sleep", "3600"]
`);
    expect(annotated.stderr).toContain(
      'Warning: metadata.annotations[container.apparmor.security.beta.kubernetes.io/app]: deprecated since v1.30; use the "appArmorProfile" field instead',
    );
    expect(
      (
        await kubectl(
          "get",
          "pod",
          "annotated",
          "-o",
          "jsonpath={.spec.containers[0].securityContext.appArmorProfile.type}",
        )
      ).stdout,
    ).toBe("RuntimeDefault");
  });
});
