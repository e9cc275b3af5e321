import { describe, expect, it } from "vitest";
import { busyboxImageTag, nginxImageTag, resolveImage } from "./images";

const nginx = `localhost/cks-test/nginx:${nginxImageTag()}`;
const busybox = `localhost/cks-test/busybox:${busyboxImageTag()}`;

describe("resolveImage maps Docker Hub names to the locally built images", () => {
  it.each([
    ["nginx", nginx],
    ["nginx:latest", nginx],
    ["nginx:1.27-alpine", nginx],
    ["docker.io/library/nginx", nginx],
    ["docker.io/nginx:1.25", nginx],
    ["index.docker.io/library/nginx@sha256:abc", nginx],
    ["library/busybox:1.36", busybox],
    ["busybox", busybox],
    ["registry.k8s.io/nginx", undefined],
    ["registry.k8s.io/e2e-test-images/busybox:1.36.1-1", busybox],
    [
      "registry.k8s.io/e2e-test-images/busybox:1.36.1-1@sha256:a9155b13325b2abef48e71de77bb8ac015412a566829f621d06bfae5c699b1b9",
      busybox,
    ],
    [
      "registry.k8s.io/e2e-test-images/busybox@sha256:a9155b13325b2abef48e71de77bb8ac015412a566829f621d06bfae5c699b1b9",
      busybox,
    ],
    [
      "registry.k8s.io/e2e-test-images/busybox:1.36.1-1@sha256:0000000000000000000000000000000000000000000000000000000000000000",
      undefined,
    ],
    ["registry.k8s.io/e2e-test-images/busybox:latest", undefined],
    ["bitnami/nginx", undefined],
    ["redis", undefined],
  ])("%s -> %s", (image, expected) => {
    expect(resolveImage(image)?.ref).toBe(expected);
  });
});

describe("image tags", () => {
  it("name busybox's Debian suite too, so bookworm's build (no wget -T) and trixie's live side by side", () => {
    expect(busyboxImageTag()).toMatch(/^trixie-[0-9a-f]{12}$/);
    expect(busyboxImageTag(["trixie", "busybox-static"])).not.toBe(busyboxImageTag(["bookworm", "busybox-static"]));
  });
});

describe("nginxImageTag", () => {
  it("names the Debian suite and changes with the recipe, so old and new images live side by side", () => {
    expect(nginxImageTag()).toMatch(/^trixie-[0-9a-f]{12}$/);
    expect(nginxImageTag(["trixie", "pid /run/nginx.pid;"])).not.toBe(
      nginxImageTag(["trixie", "pid /var/run/nginx.pid;"]),
    );
  });
});
