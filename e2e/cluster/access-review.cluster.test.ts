import { describe, expect, inject, it } from "vitest";
import { runKubectl } from "./kubectl";

const kubeconfigPath = inject("kubeconfigPath");
const clusterKind = inject("clusterKind");

describe("SelfSubjectAccessReview", () => {
  it("answers kubectl auth can-i (a protobuf body) with yes", async () => {
    const result = await runKubectl(kubeconfigPath, [
      "auth",
      "can-i",
      "create",
      "pods",
      "--subresource=exec",
      "-n",
      "immutable-lab",
    ]);
    expect(result).toMatchObject({ code: 0, stdout: "yes\n" });
  });

  it.skipIf(clusterKind !== "podman")(
    "explains the answer as RBAC does for kind's cluster-admin (test cluster only)",
    async () => {
      const review = {
        apiVersion: "authorization.k8s.io/v1",
        kind: "SelfSubjectAccessReview",
        spec: { resourceAttributes: { verb: "get", resource: "pods", namespace: "immutable-lab" } },
      };
      const result = await runKubectl(kubeconfigPath, ["create", "-o", "json", "-f", "-"], JSON.stringify(review));
      expect(result).toMatchObject({ code: 0, stderr: "" });
      expect(JSON.parse(result.stdout)).toMatchObject({
        spec: review.spec,
        status: {
          allowed: true,
          reason:
            'RBAC: allowed by ClusterRoleBinding "kubeadm:cluster-admins" of ClusterRole "cluster-admin" to Group "kubeadm:cluster-admins"',
        },
      });
    },
  );

  it("refuses a review that asks nothing, as a real API server does", async () => {
    const result = await runKubectl(
      kubeconfigPath,
      ["create", "-f", "-"],
      JSON.stringify({ apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectAccessReview", spec: {} }),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("exactly one of nonResourceAttributes or resourceAttributes must be specified");
  });
});
