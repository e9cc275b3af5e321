import { describe, expect, it } from "vitest";
import { formatFieldError } from "../k8s-status";
import { syncAppArmorAnnotations, validateAppArmorAnnotations } from "./pod-security-profiles";
import { validatePod } from "./pod-validation";

function pod(securityContext: Record<string, unknown>, podContext: Record<string, unknown> = {}, annotations = {}) {
  return {
    metadata: { name: "hardened", annotations },
    spec: { securityContext: podContext, containers: [{ name: "app", image: "busybox", securityContext }] },
  };
}
const messages = (input: unknown) => validatePod(input).map(formatFieldError);

describe("seccompProfile validation", () => {
  it.each([
    [{ seccompProfile: { type: "RuntimeDefault" } }, []],
    [{ seccompProfile: { type: "Localhost", localhostProfile: "profiles/audit.json" } }, []],
    [
      { seccompProfile: { type: "Localhost" } },
      [
        "spec.containers[0].securityContext.seccompProfile.localhostProfile: Required value: must be set when seccomp type is Localhost",
      ],
    ],
    [
      { seccompProfile: { type: "Localhost", localhostProfile: "/etc/audit.json" } },
      [
        'spec.containers[0].securityContext.seccompProfile.localhostProfile: Invalid value: "/etc/audit.json": must be a relative path',
      ],
    ],
    [
      { seccompProfile: { type: "Localhost", localhostProfile: "../audit.json" } },
      [
        "spec.containers[0].securityContext.seccompProfile.localhostProfile: Invalid value: \"../audit.json\": must not contain '..'",
      ],
    ],
    [
      { seccompProfile: { type: "Default" } },
      [
        'spec.containers[0].securityContext.seccompProfile.type: Unsupported value: "Default": supported values: "Localhost", "RuntimeDefault", "Unconfined"',
      ],
    ],
    [
      { seccompProfile: {} },
      [
        "spec.containers[0].securityContext.seccompProfile.type: Required value: type is required when seccompProfile is set",
      ],
    ],
  ])("%j", (context, expected) => {
    expect(messages(pod(context))).toEqual(expected);
  });

  it("names the pod-level path too, and a stray localhostProfile with another type", () => {
    expect(messages(pod({}, { seccompProfile: { type: "RuntimeDefault", localhostProfile: "x.json" } }))).toEqual([
      expect.stringMatching(
        /^spec\.securityContext\.seccompProfile\.localhostProfile: Invalid value: core\.SeccompProfile\{Type:"RuntimeDefault", LocalhostProfile:\(\*string\)\(0x[0-9a-f]+\)\}: can only be set when seccomp type is Localhost$/,
      ),
    ]);
  });
});

describe("appArmorProfile validation", () => {
  it.each([
    [{ appArmorProfile: { type: "Localhost", localhostProfile: "cks-deny-write" } }, []],
    [{ appArmorProfile: { type: "RuntimeDefault" } }, []],
    [
      { appArmorProfile: { type: "Localhost" } },
      [
        "spec.containers[0].securityContext.appArmorProfile.localhostProfile: Required value: must be set when AppArmor type is Localhost",
      ],
    ],
    [
      { appArmorProfile: { type: "Localhost", localhostProfile: " cks-deny-write" } },
      [
        'spec.containers[0].securityContext.appArmorProfile.localhostProfile: Invalid value: " cks-deny-write": must not be padded with whitespace',
      ],
    ],
    [
      { appArmorProfile: { type: "Localhost", localhostProfile: "x".repeat(4096) } },
      [
        "spec.containers[0].securityContext.appArmorProfile.localhostProfile: Too long: may not be more than 4095 bytes",
      ],
    ],
    [
      { appArmorProfile: { type: "Unconfined", localhostProfile: "cks-deny-write" } },
      [
        'spec.containers[0].securityContext.appArmorProfile.localhostProfile: Invalid value: "cks-deny-write": can only be set when AppArmor type is Localhost',
      ],
    ],
    [
      { appArmorProfile: { type: "Enforce" } },
      [
        'spec.containers[0].securityContext.appArmorProfile.type: Unsupported value: "Enforce": supported values: "Localhost", "RuntimeDefault", "Unconfined"',
      ],
    ],
  ])("%j", (context, expected) => {
    expect(messages(pod(context))).toEqual(expected);
  });
});

describe("deprecated AppArmor annotations (Kubernetes 1.34 and later)", () => {
  const key = "container.apparmor.security.beta.kubernetes.io/app";

  it("copies an annotation into the container's field with a deprecation warning", () => {
    const input = pod({}, {}, { [key]: "localhost/cks-deny-write" });
    expect(syncAppArmorAnnotations(input)).toEqual([
      `metadata.annotations[${key}]: deprecated since v1.30; use the "appArmorProfile" field instead`,
    ]);
    expect(input.spec.containers[0]?.securityContext).toEqual({
      appArmorProfile: { type: "Localhost", localhostProfile: "cks-deny-write" },
    });
  });

  it("no longer writes annotations for fields, and leaves a container's own field alone", () => {
    const fieldOnly = pod({ appArmorProfile: { type: "RuntimeDefault" } });
    expect(syncAppArmorAnnotations(fieldOnly)).toEqual([]);
    expect(fieldOnly.metadata.annotations).toEqual({});
  });

  it("refuses an annotation that contradicts the field, or names no container", () => {
    expect(
      validateAppArmorAnnotations(
        pod({ appArmorProfile: { type: "RuntimeDefault" } }, {}, { [key]: "unconfined" }),
      ).map(formatFieldError),
    ).toEqual([
      "spec.containers[0].securityContext.appArmorProfile.type: Forbidden: apparmor type in annotation and field must match",
    ]);
    expect(
      validateAppArmorAnnotations(pod({}, {}, { "container.apparmor.security.beta.kubernetes.io/web": "enforce" })).map(
        formatFieldError,
      ),
    ).toEqual([
      'metadata.annotations[container.apparmor.security.beta.kubernetes.io/web]: Invalid value: "web": container not found',
      'metadata.annotations[container.apparmor.security.beta.kubernetes.io/web]: Invalid value: "enforce": invalid AppArmor profile name: "enforce"',
    ]);
  });
});
