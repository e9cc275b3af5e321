import { describe, expect, it } from "vitest";
import type { TPod } from "../types";
import { apiTokenMountPath, mountApiAccess, shouldAutomount } from "./service-account";

const pod = (spec: Partial<TPod["spec"]> & Record<string, unknown> = {}): TPod => ({
  metadata: { name: "web", namespace: "lab" },
  spec: { containers: [{ name: "web", image: "nginx" }], ...spec },
});

describe("shouldAutomount", () => {
  it.each([
    ["nothing set", undefined, undefined, true],
    ["off on the account", undefined, false, false],
    ["off on the pod", false, undefined, false],
    ["the pod switches it back on", true, false, true],
    ["the pod switches it off on an account that allows it", false, true, false],
  ])("%s", (_name, onPod, onAccount, expected) => {
    const subject = pod(onPod === undefined ? {} : { automountServiceAccountToken: onPod });
    expect(shouldAutomount(subject, onAccount === undefined ? {} : { automountServiceAccountToken: onAccount })).toBe(
      expected,
    );
  });
});

describe("mountApiAccess", () => {
  it("adds one kube-api-access volume and a read-only mount in every container", () => {
    const subject = pod({
      initContainers: [{ name: "init", image: "busybox" }],
      containers: [
        { name: "a", image: "nginx", volumeMounts: [{ name: "cache", mountPath: "/cache" }] },
        { name: "b", image: "busybox" },
      ],
      volumes: [{ name: "cache", emptyDir: {} }],
    });
    mountApiAccess(subject, "x7k2p");
    expect(subject.spec.volumes?.map((volume) => volume.name)).toEqual(["cache", "kube-api-access-x7k2p"]);
    expect(subject.spec.volumes?.[1]).toMatchObject({
      projected: {
        defaultMode: 420,
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: "token" } },
          { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
          { downwardAPI: { items: [{ path: "namespace", fieldRef: { fieldPath: "metadata.namespace" } }] } },
        ],
      },
    });
    for (const container of [...(subject.spec.initContainers ?? []), ...subject.spec.containers])
      expect(container.volumeMounts).toContainEqual({
        name: "kube-api-access-x7k2p",
        readOnly: true,
        mountPath: apiTokenMountPath,
      });
  });

  it("leaves a container that mounts something at the token path alone, and adds no volume if none needs it", () => {
    const subject = pod({
      containers: [{ name: "a", image: "nginx", volumeMounts: [{ name: "own", mountPath: apiTokenMountPath }] }],
      volumes: [{ name: "own", emptyDir: {} }],
    });
    mountApiAccess(subject, "x7k2p");
    expect(subject.spec.volumes).toEqual([{ name: "own", emptyDir: {} }]);
    expect(subject.spec.containers[0]?.volumeMounts).toEqual([{ name: "own", mountPath: apiTokenMountPath }]);
  });
});
