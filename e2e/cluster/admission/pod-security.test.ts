import { describe, expect, it } from "vitest";
import { podSecurityLevel, podSecurityViolations } from "./pod-security";
import type { TContainer, TPod } from "../types";

function pod(container: Partial<TContainer> = {}, spec: Partial<TPod["spec"]> = {}): TPod {
  return { metadata: { name: "p" }, spec: { containers: [{ name: "web", image: "nginx", ...container }], ...spec } };
}

const hardened: Partial<TContainer> = {
  securityContext: {
    allowPrivilegeEscalation: false,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  } as TContainer["securityContext"],
};

describe("podSecurityViolations", () => {
  it("a plain pod violates restricted exactly as the API server words it", () => {
    expect(podSecurityViolations("restricted", pod())).toEqual([
      'allowPrivilegeEscalation != false (container "web" must set securityContext.allowPrivilegeEscalation=false)',
      'unrestricted capabilities (container "web" must set securityContext.capabilities.drop=["ALL"])',
      'runAsNonRoot != true (pod or container "web" must set securityContext.runAsNonRoot=true)',
      'seccompProfile (pod or container "web" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    ]);
  });

  it.each([
    ["plain pod, baseline", "baseline", pod(), []],
    ["hardened, restricted", "restricted", pod(hardened), []],
    [
      "pod-level runAsNonRoot and seccomp count",
      "restricted",
      pod(
        {
          securityContext: {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] },
          },
        },
        {
          securityContext: {
            runAsNonRoot: true,
            seccompProfile: { type: "RuntimeDefault" },
          } as TPod["spec"]["securityContext"],
        },
      ),
      [],
    ],
    [
      "privileged, baseline",
      "baseline",
      pod({ securityContext: { privileged: true } }),
      ['privileged (container "web" must not set securityContext.privileged=true)'],
    ],
    [
      "host namespaces",
      "baseline",
      pod({}, { hostPID: true, hostNetwork: true }),
      ["host namespaces (hostNetwork=true, hostPID=true)"],
    ],
    [
      "hostPath, baseline",
      "baseline",
      pod({}, { volumes: [{ name: "root", hostPath: { path: "/" } }] }),
      ['hostPath volumes (volume "root")'],
    ],
    [
      "extra capability, baseline",
      "baseline",
      pod({ securityContext: { capabilities: { add: ["SYS_ADMIN"] } } }),
      ['non-default capabilities (container "web" must not include "SYS_ADMIN" in securityContext.capabilities.add)'],
    ],
    [
      "runAsUser 0, restricted",
      "restricted",
      pod({ securityContext: { ...hardened.securityContext, runAsUser: 0 } }),
      ['runAsUser=0 (container "web" must not set runAsUser=0)'],
    ],
    [
      "hostPath, restricted",
      "restricted",
      pod(hardened, { volumes: [{ name: "root", hostPath: { path: "/" } }] }),
      ['restricted volume types (volume "root" uses restricted volume type "hostPath")'],
    ],
    [
      "privileged comes first under restricted",
      "restricted",
      pod({ securityContext: { ...hardened.securityContext, privileged: true } }),
      ['privileged (container "web" must not set securityContext.privileged=true)'],
    ],
    [
      "privileged level allows anything",
      "privileged",
      pod({ securityContext: { privileged: true } }, { hostPID: true }),
      [],
    ],
  ] as const)("%s", (_name, level, input, expected) => {
    expect(podSecurityViolations(level, input)).toEqual(expected);
  });
});

describe("podSecurityLevel", () => {
  it.each([
    [{ "pod-security.kubernetes.io/enforce": "restricted" }, "enforce", "restricted"],
    [{ "pod-security.kubernetes.io/warn": "baseline" }, "warn", "baseline"],
    [{ "pod-security.kubernetes.io/enforce": "strict" }, "enforce", undefined],
    [undefined, "enforce", undefined],
  ] as const)("%j %s -> %s", (labels, mode, expected) => {
    expect(podSecurityLevel(labels, mode)).toBe(expected);
  });
});

describe("the AppArmor check (baseline)", () => {
  it("refuses Unconfined on the pod or a container, and annotations other than runtime/default or localhost/", () => {
    expect(
      podSecurityViolations(
        "baseline",
        pod({ securityContext: { appArmorProfile: { type: "Unconfined" } } } as Partial<TContainer>),
      ),
    ).toEqual(['forbidden AppArmor profile (container "web" must not set AppArmor profile type to "Unconfined")']);
    const both = pod({}, { securityContext: { appArmorProfile: { type: "Unconfined" } } } as Partial<TPod["spec"]>);
    both.metadata.annotations = { "container.apparmor.security.beta.kubernetes.io/web": "unconfined" };
    expect(podSecurityViolations("baseline", both)).toEqual([
      'forbidden AppArmor profiles (container.apparmor.security.beta.kubernetes.io/web="unconfined", pod must not set AppArmor profile type to "Unconfined")',
    ]);
    expect(
      podSecurityViolations(
        "baseline",
        pod({
          securityContext: { appArmorProfile: { type: "Localhost", localhostProfile: "x" } },
        } as Partial<TContainer>),
      ),
    ).toEqual([]);
  });
});
