import { describe, expect, it } from "vitest";
import { resolveImage } from "./images";

describe("resolveImage maps Docker Hub names to the locally built images", () => {
  it.each([
    ["nginx", "localhost/cks-test/nginx:latest"],
    ["nginx:latest", "localhost/cks-test/nginx:latest"],
    ["nginx:1.27-alpine", "localhost/cks-test/nginx:latest"],
    ["docker.io/library/nginx", "localhost/cks-test/nginx:latest"],
    ["docker.io/nginx:1.25", "localhost/cks-test/nginx:latest"],
    ["index.docker.io/library/nginx@sha256:abc", "localhost/cks-test/nginx:latest"],
    ["library/busybox:1.36", "localhost/cks-test/busybox:latest"],
    ["busybox", "localhost/cks-test/busybox:latest"],
    ["registry.k8s.io/nginx", undefined],
    ["bitnami/nginx", undefined],
    ["redis", undefined],
  ])("%s -> %s", (image, expected) => {
    expect(resolveImage(image)?.ref).toBe(expected);
  });
});
