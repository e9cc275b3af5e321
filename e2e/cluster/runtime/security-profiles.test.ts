import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { TPod } from "../types";
import {
  appArmorProblem,
  appArmorRequired,
  nodeRejection,
  seccompProblem,
  securityOptArgs,
  type TNodeSecurity,
} from "./security-profiles";

function pod(container: Record<string, unknown> = {}, spec: Record<string, unknown> = {}, annotations = {}): TPod {
  return {
    metadata: { name: "hardened", namespace: "syscall-lab", uid: "0f1e2d3c", annotations },
    spec: { containers: [{ name: "app", image: "busybox", ...container }], ...spec },
  };
}
const first = (p: TPod) => p.spec.containers[0]!;
const seccompDir = mkdtempSync(path.join(tmpdir(), "cks-seccomp-"));
writeFileSync(path.join(seccompDir, "audit.json"), '{"defaultAction":"SCMP_ACT_LOG"}');
const noAppArmor: TNodeSecurity = { appArmor: false, seccompDir };
const withAppArmor: TNodeSecurity = { appArmor: true, seccompDir };
const sc = (securityContext: Record<string, unknown>) => ({ securityContext });

describe("securityOptArgs: seccomp as the kubelet and containerd apply it", () => {
  it.each([
    [
      "no profile anywhere: Unconfined (kubelet seccompDefault is off, as on kind)",
      pod(),
      ["--security-opt", "seccomp=unconfined"],
    ],
    ["RuntimeDefault: the runtime's own filter", pod(sc({ seccompProfile: { type: "RuntimeDefault" } })), []],
    [
      "pod-level RuntimeDefault applies to the container",
      pod({}, sc({ seccompProfile: { type: "RuntimeDefault" } })),
      [],
    ],
    [
      "the container's Unconfined wins over the pod's RuntimeDefault",
      pod(sc({ seccompProfile: { type: "Unconfined" } }), sc({ seccompProfile: { type: "RuntimeDefault" } })),
      ["--security-opt", "seccomp=unconfined"],
    ],
    [
      "Localhost reads the node's file",
      pod(sc({ seccompProfile: { type: "Localhost", localhostProfile: "audit.json" } })),
      ["--security-opt", `seccomp=${path.join(seccompDir, "audit.json")}`],
    ],
    ["privileged: no filter (podman's --privileged turns it off)", pod(sc({ privileged: true })), []],
  ])("%s", (_name, input, expected) => {
    expect(securityOptArgs(input, first(input), noAppArmor)).toEqual(expected);
  });

  it("maps AppArmor only where the node has it", () => {
    const localhost = pod(sc({ appArmorProfile: { type: "Localhost", localhostProfile: "cks-deny-write" } }));
    expect(securityOptArgs(localhost, first(localhost), withAppArmor)).toContain("apparmor=cks-deny-write");
    expect(securityOptArgs(localhost, first(localhost), noAppArmor)).not.toContain("apparmor=cks-deny-write");
    const unconfined = pod({}, sc({ appArmorProfile: { type: "Unconfined" } }));
    expect(securityOptArgs(unconfined, first(unconfined), withAppArmor)).toContain("apparmor=unconfined");
  });
});

describe("nodeRejection: the kubelet's AppArmor admission", () => {
  it.each([
    ["RuntimeDefault on the pod", pod({}, sc({ appArmorProfile: { type: "RuntimeDefault" } })), true],
    ["Localhost on a container", pod(sc({ appArmorProfile: { type: "Localhost", localhostProfile: "x" } })), true],
    [
      "a deprecated annotation",
      pod({}, {}, { "container.apparmor.security.beta.kubernetes.io/app": "runtime/default" }),
      true,
    ],
    ["Unconfined only", pod(sc({ appArmorProfile: { type: "Unconfined" } })), false],
    [
      "an unconfined annotation",
      pod({}, {}, { "container.apparmor.security.beta.kubernetes.io/app": "unconfined" }),
      false,
    ],
    ["no profile", pod(), false],
  ])("%s: required=%s", (_name, input, required) => {
    expect(appArmorRequired(input)).toBe(required);
    expect(nodeRejection(input, { appArmor: false })).toEqual(
      required ? { reason: "AppArmor", message: "Cannot enforce AppArmor: AppArmor is not enabled on the host" } : null,
    );
    expect(nodeRejection(input, { appArmor: true })).toBeNull();
  });
});

describe("container creation problems", () => {
  it("a Localhost seccomp profile missing on the node is containerd's CreateContainerError", () => {
    const missing = pod(sc({ seccompProfile: { type: "Localhost", localhostProfile: "profiles/deny.json" } }));
    const problem = seccompProblem(missing, first(missing), noAppArmor);
    expect(problem?.reason).toBe("CreateContainerError");
    expect(problem?.message).toMatch(
      /^failed to generate container "[0-9a-f]{64}" spec: failed to apply OCI options: cannot load seccomp profile "\/var\/lib\/kubelet\/seccomp\/profiles\/deny.json": open \/var\/lib\/kubelet\/seccomp\/profiles\/deny.json: no such file or directory$/,
    );
    const present = pod(sc({ seccompProfile: { type: "Localhost", localhostProfile: "audit.json" } }));
    expect(seccompProblem(present, first(present), noAppArmor)).toBeUndefined();
  });

  it("an AppArmor profile the kernel has not loaded is refused where AppArmor exists", () => {
    const input = pod(sc({ appArmorProfile: { type: "Localhost", localhostProfile: "cks-deny-write" } }));
    const loaded = () => "docker-default (enforce)\ncri-containerd.apparmor.d (enforce)\n";
    expect(appArmorProblem(input, first(input), withAppArmor, loaded)).toEqual({
      reason: "CreateContainerError",
      message: "failed to generate apparmor spec opts: apparmor profile not found cks-deny-write",
    });
    expect(appArmorProblem(input, first(input), withAppArmor, () => "cks-deny-write (enforce)\n")).toBeUndefined();
    expect(appArmorProblem(input, first(input), noAppArmor, loaded)).toBeUndefined();
  });
});
