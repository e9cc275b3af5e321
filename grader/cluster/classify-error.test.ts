import { describe, expect, it } from "vitest";
import { classifyError, type CallIntent } from "./classify-error";

class FakeApiException extends Error {
  constructor(
    readonly code: number,
    readonly body: unknown,
  ) {
    super(`HTTP-Code: ${code}\nMessage: Unknown API Status Code!\nBody: ${JSON.stringify(body)}`);
  }
}
const status = (code: number, reason: string, message: string) =>
  new FakeApiException(
    code,
    JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", message, reason, code }),
  );
const readPod: CallIntent = { verb: "get", resource: "pods", namespace: "lab" };
const createPod: CallIntent = { verb: "create", resource: "pods", namespace: "lab", create: true };
const exec: CallIntent = { verb: "create", resource: "pods/exec", namespace: "lab" };

describe("classifyError", () => {
  it("never repeats a response body that is not a Kubernetes Status", () => {
    const html = new FakeApiException(502, "<html><body>internal admin console: secret-token-123</body></html>");
    const result = classifyError(html, readPod);
    expect(JSON.stringify(result)).not.toContain("secret-token-123");
    const json = new FakeApiException(500, JSON.stringify({ message: "internal service says hi" }));
    expect(JSON.stringify(classifyError(json, readPod))).not.toContain("internal service says hi");
  });

  it.each([
    ["401", status(401, "Unauthorized", "Unauthorized"), readPod, { kind: "unauthorized" }],
    [
      "403 RBAC with the verb and resource from the message",
      status(
        403,
        "Forbidden",
        'pods "nginx" is forbidden: User "system:serviceaccount:lab:learner" cannot create resource "pods/exec" in API group "" in the namespace "lab"',
      ),
      exec,
      { kind: "forbidden", verb: "create", resource: "pods/exec", namespace: "lab" },
    ],
    [
      "403 RBAC cluster-scoped",
      status(
        403,
        "Forbidden",
        'validatingadmissionpolicies.admissionregistration.k8s.io "p" is forbidden: User "u" cannot get resource "validatingadmissionpolicies" in API group "admissionregistration.k8s.io" at the cluster scope',
      ),
      { verb: "get", resource: "validatingadmissionpolicies" },
      { kind: "forbidden", verb: "get", resource: "validatingadmissionpolicies" },
    ],
    [
      "403 from admission on create",
      status(
        403,
        "Forbidden",
        'pods "web" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false',
      ),
      createPod,
      { kind: "rejected", code: 403, reason: "Forbidden" },
    ],
    [
      "422 from a ValidatingAdmissionPolicy on create",
      status(
        422,
        "Invalid",
        "pods \"web\" is invalid: : ValidatingAdmissionPolicy 'require-readonly-rootfs' with binding 'b' denied request: x",
      ),
      createPod,
      { kind: "rejected", code: 422, reason: "Invalid" },
    ],
    [
      "404",
      status(404, "NotFound", 'pods "nginx" not found'),
      readPod,
      { kind: "not-found", message: 'pods "nginx" not found' },
    ],
    [
      "409 on create is a conflict, not a rejection",
      status(409, "AlreadyExists", "exists"),
      createPod,
      { kind: "conflict" },
    ],
    [
      "403 on the exec WebSocket upgrade",
      new Error("Unexpected server response: 403"),
      exec,
      { kind: "forbidden", verb: "create", resource: "pods/exec", namespace: "lab" },
    ],
    [
      "a ws ErrorEvent (not an Error) from the exec upgrade",
      { type: "error", message: "Unexpected server response: 400", error: new Error("x") },
      exec,
      { kind: "unexpected", code: 400, message: "Unexpected server response: 400" },
    ],
    [
      "connection refused",
      Object.assign(new TypeError("fetch failed"), {
        cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }),
      }),
      readPod,
      { kind: "unreachable" },
    ],
    [
      "unknown host",
      Object.assign(new Error("getaddrinfo ENOTFOUND nope"), { code: "ENOTFOUND" }),
      readPod,
      { kind: "unreachable" },
    ],
    ["anything else", new Error("boom"), readPod, { kind: "unexpected", message: "boom" }],
  ])("%s", (_name, error, intent, expected) => {
    expect(classifyError(error, intent)).toMatchObject(expected);
  });
});
