import { describe, expect, it } from "vitest";
import { ApiError } from "../k8s-status";
import type { TPod } from "../types";
import { prepareEphemeralContainersUpdate } from "./pod-ephemeral-containers";

const existing = (ephemeralContainers?: unknown[]): TPod => ({
  metadata: { name: "app", namespace: "supply-lab", resourceVersion: "7", labels: { run: "app" } },
  spec: {
    containers: [{ name: "app", image: "busybox" }],
    ...(ephemeralContainers ? { ephemeralContainers } : {}),
  },
  status: { phase: "Running", conditions: [], containerStatuses: [] },
});

function errorOf(next: TPod, before: TPod): string {
  try {
    prepareEphemeralContainersUpdate(next, before);
  } catch (error) {
    if (error instanceof ApiError) return error.status.message;
    throw error;
  }
  return "";
}

describe("prepareEphemeralContainersUpdate", () => {
  it("keeps everything but the ephemeral containers, and defaults the new one", () => {
    const before = existing();
    const next = structuredClone(before);
    next.metadata.labels = { changed: "yes" };
    next.spec.containers[0]!.image = "nginx";
    next.spec.ephemeralContainers = [{ name: "debugger", image: "busybox:1.37", targetContainerName: "app" }];
    prepareEphemeralContainersUpdate(next, before);
    expect(next.metadata.labels).toEqual({ run: "app" });
    expect(next.spec.containers[0]?.image).toBe("busybox");
    expect(next.spec.ephemeralContainers).toEqual([
      {
        name: "debugger",
        image: "busybox:1.37",
        targetContainerName: "app",
        imagePullPolicy: "IfNotPresent",
        terminationMessagePath: "/dev/termination-log",
        terminationMessagePolicy: "File",
      },
    ]);
  });

  it.each([
    [
      "a name taken by a container",
      [{ name: "app", image: "busybox" }],
      'Pod "app" is invalid: spec.ephemeralContainers[0].name: Duplicate value: "app"',
    ],
    [
      "ports, which a debugging container may not open",
      [{ name: "debugger", image: "busybox", ports: [{ containerPort: 80 }] }],
      'Pod "app" is invalid: spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container',
    ],
    [
      "a target that is no container of the pod",
      [{ name: "debugger", image: "busybox", targetContainerName: "web" }],
      'Pod "app" is invalid: spec.ephemeralContainers[0].targetContainerName: Not found: "web"',
    ],
    ["no image", [{ name: "debugger" }], 'Pod "app" is invalid: spec.ephemeralContainers[0].image: Required value'],
  ])("refuses %s", (_name, ephemeralContainers, message) => {
    const before = existing();
    const next = structuredClone(before);
    next.spec.ephemeralContainers = ephemeralContainers;
    expect(errorOf(next, before)).toBe(message);
  });

  it("never lets an existing ephemeral container change or go", () => {
    const debuggerContainer = {
      name: "debugger",
      image: "busybox",
      imagePullPolicy: "Always",
      terminationMessagePath: "/dev/termination-log",
      terminationMessagePolicy: "File",
    };
    const before = existing([debuggerContainer]);
    const removed = structuredClone(before);
    removed.spec.ephemeralContainers = [];
    expect(errorOf(removed, before)).toBe(
      'Pod "app" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral containers "debugger" may not be removed\n',
    );
    const changed = structuredClone(before);
    changed.spec.ephemeralContainers = [{ ...debuggerContainer, image: "nginx" }];
    expect(errorOf(changed, before)).toContain('existing ephemeral containers "debugger" may not be changed');
  });
});
