import { describe, expect, it } from "vitest";
import { podmanRunArgs, runAsNonRootProblem, unsupportedVolume } from "./podman-args";
import type { TContainer, TPod } from "../types";

function pod(container: Partial<TContainer>, spec: Partial<TPod["spec"]> = {}): TPod {
  return {
    metadata: { name: "web", namespace: "lab", uid: "u-1" },
    spec: { containers: [{ name: "app", image: "nginx", ...container }], ...spec },
  };
}

function args(input: TPod): string[] {
  const container = input.spec.containers[0];
  if (!container) throw new Error("no container");
  return podmanRunArgs({
    pod: input,
    container,
    containerName: "k8s_app",
    labels: { owner: "1" },
    volumes: { cache: "/host/cache" },
    imageRef: "localhost/nginx",
  });
}

describe("podmanRunArgs", () => {
  it("mounts the kubelet-managed hosts file read-write, even on a read-only root, unless the pod mounts its own", () => {
    const base = { containerName: "k8s_app", labels: {}, volumes: { hosts: "/host/h" }, imageRef: "localhost/nginx" };
    const readOnly = pod({ securityContext: { readOnlyRootFilesystem: true } });
    expect(
      podmanRunArgs({
        ...base,
        pod: readOnly,
        container: readOnly.spec.containers[0]!,
        hostsFile: "/pods/u-1/etc-hosts",
      }),
    ).toContain("/pods/u-1/etc-hosts:/etc/hosts:rw");
    const own = pod({ volumeMounts: [{ name: "hosts", mountPath: "/etc/hosts" }] });
    const ownArgs = podmanRunArgs({
      ...base,
      pod: own,
      container: own.spec.containers[0]!,
      hostsFile: "/pods/u-1/etc-hosts",
    });
    expect(ownArgs.filter((arg) => arg.endsWith(":/etc/hosts:rw"))).toEqual(["/host/h:/etc/hosts:rw"]);
  });

  it("a read-only root gets no tmpfs podman would otherwise add", () => {
    const result = args(pod({ securityContext: { readOnlyRootFilesystem: true } }));
    expect(result).toContain("--read-only");
    expect(result).toContain("--read-only-tmpfs=false");
  });

  it("a writable root gets neither flag", () => {
    expect(args(pod({}))).not.toContain("--read-only");
  });

  it.each([
    [
      "command only replaces the entrypoint and drops CMD",
      { command: ["sleep", "1"] },
      ["--entrypoint", '["sleep","1"]', "localhost/nginx"],
      [],
    ],
    [
      "args only replace CMD",
      { args: ["-g", "daemon off;"] },
      ["localhost/nginx", "-g", "daemon off;"],
      ["--entrypoint"],
    ],
    [
      "both",
      { command: ["sh", "-c"], args: ["echo hi"] },
      ["--entrypoint", '["sh","-c"]', "localhost/nginx", "echo hi"],
      [],
    ],
  ])("%s", (_name, container, sequence, absent) => {
    const result = args(pod(container));
    const start = result.indexOf(sequence[0] ?? "");
    expect(result.slice(start, start + sequence.length)).toEqual(sequence);
    for (const flag of absent) expect(result).not.toContain(flag);
  });

  it.each([
    ["privileged", { securityContext: { privileged: true } }, {}, ["--privileged"]],
    ["runAsUser", { securityContext: { runAsUser: 1000 } }, {}, ["--user", "1000"]],
    ["runAsUser and group", { securityContext: { runAsUser: 1000, runAsGroup: 3000 } }, {}, ["--user", "1000:3000"]],
    ["pod-level runAsUser", {}, { securityContext: { runAsUser: 2000 } }, ["--user", "2000"]],
    [
      "no privilege escalation",
      { securityContext: { allowPrivilegeEscalation: false } },
      {},
      ["--security-opt", "no-new-privileges"],
    ],
    [
      "capabilities",
      { securityContext: { capabilities: { drop: ["ALL"], add: ["NET_ADMIN"] } } },
      {},
      ["--cap-drop", "ALL", "--cap-add", "NET_ADMIN"],
    ],
    ["env", { env: [{ name: "A", value: "1" }] }, {}, ["--env", "A=1"]],
    [
      "read-only mount",
      { volumeMounts: [{ name: "cache", mountPath: "/var/cache/nginx", readOnly: true }] },
      {},
      ["--volume", "/host/cache:/var/cache/nginx:ro"],
    ],
    ["no sandbox, no network", {}, {}, ["--network", "none"]],
    ["stdin for kubectl run -i", { stdin: true }, {}, ["--interactive"]],
    ["hostPID", {}, { hostPID: true }, ["--pid", "host"]],
    ["hostIPC", {}, { hostIPC: true }, ["--ipc", "host"]],
  ])("%s", (_name, container, spec, sequence) => {
    const result = args(pod(container, spec));
    const start = result.indexOf(sequence[0] ?? "");
    expect(start).toBeGreaterThanOrEqual(0);
    expect(result.slice(start, start + sequence.length)).toEqual(sequence);
  });
});

describe("runAsNonRootProblem", () => {
  it.each([
    ["not requested", {}, {}, "", undefined],
    [
      "image runs as root",
      { securityContext: { runAsNonRoot: true } },
      {},
      "",
      'container has runAsNonRoot and image will run as root (pod: "web_lab(u-1)", container: app)',
    ],
    [
      "image user is root by name",
      { securityContext: { runAsNonRoot: true } },
      {},
      "root",
      'container has runAsNonRoot and image will run as root (pod: "web_lab(u-1)", container: app)',
    ],
    [
      "non-numeric image user",
      { securityContext: { runAsNonRoot: true } },
      {},
      "nginx",
      'container has runAsNonRoot and image has non-numeric user (nginx), cannot verify user is non-root (pod: "web_lab(u-1)", container: app)',
    ],
    ["numeric non-root image user", { securityContext: { runAsNonRoot: true } }, {}, "101", undefined],
    ["runAsUser satisfies it", { securityContext: { runAsNonRoot: true, runAsUser: 1000 } }, {}, "", undefined],
    [
      "runAsUser 0 breaks it",
      { securityContext: { runAsNonRoot: true, runAsUser: 0 } },
      {},
      "",
      'container\'s runAsUser breaks non-root policy (pod: "web_lab(u-1)", container: app)',
    ],
    [
      "pod-level setting applies",
      {},
      { securityContext: { runAsNonRoot: true } },
      "",
      'container has runAsNonRoot and image will run as root (pod: "web_lab(u-1)", container: app)',
    ],
  ])("%s", (_name, container, spec, imageUser, expected) => {
    const input = pod(container, spec);
    const first = input.spec.containers[0];
    if (!first) throw new Error("no container");
    expect(runAsNonRootProblem(input, first, imageUser)?.message).toBe(expected);
  });
});

describe("unsupportedVolume", () => {
  it("names volume kinds the test cluster cannot mount", () => {
    const input = pod(
      { volumeMounts: [{ name: "h", mountPath: "/h" }] },
      { volumes: [{ name: "h", hostPath: { path: "/etc" } }] },
    );
    const first = input.spec.containers[0];
    if (!first) throw new Error("no container");
    expect(unsupportedVolume(input, first)?.message).toBe(
      'volume "h" of type hostPath is not implemented by the podman test cluster (emptyDir, secret, configMap, downwardAPI and projected are)',
    );
  });
});
