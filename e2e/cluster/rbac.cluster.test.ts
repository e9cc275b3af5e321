import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runKubectl } from "./kubectl";
import { randomNamespace } from "./test-support";

const kubeconfigPath = inject("kubeconfigPath");
const clusterKind = inject("clusterKind");
const namespace = randomNamespace("rbac");
const other = randomNamespace("rbac-other");
const auditor = `system:serviceaccount:${namespace}:auditor`;
const kubectl = (...args: string[]) => runKubectl(kubeconfigPath, ["-n", namespace, ...args]);
const canI = async (...args: string[]) => (await kubectl("auth", "can-i", ...args, `--as=${auditor}`)).stdout.trim();

describe("RBAC with kubectl", () => {
  beforeAll(async () => {
    for (const name of [namespace, other])
      expect(await runKubectl(kubeconfigPath, ["create", "namespace", name])).toMatchObject({ code: 0 });
    expect(await kubectl("create", "serviceaccount", "auditor")).toMatchObject({ code: 0 });
  });
  afterAll(async () => {
    for (const name of [namespace, other])
      await runKubectl(kubeconfigPath, ["delete", "namespace", name, "--wait=false"]);
    await runKubectl(kubeconfigPath, [
      "delete",
      "clusterrole,clusterrolebinding",
      `${namespace}-reader`,
      "--ignore-not-found",
    ]);
  });

  it("kubectl create role and rolebinding (protobuf bodies) grant exactly what they say, checked with auth can-i --as", async () => {
    expect(
      await kubectl("create", "role", "pod-reader", "--verb=get,list,watch", "--resource=pods,pods/log"),
    ).toMatchObject({
      code: 0,
      stdout: "role.rbac.authorization.k8s.io/pod-reader created\n",
    });
    expect(
      await kubectl(
        "create",
        "rolebinding",
        "auditor-pods",
        "--role=pod-reader",
        `--serviceaccount=${namespace}:auditor`,
      ),
    ).toMatchObject({ code: 0, stdout: "rolebinding.rbac.authorization.k8s.io/auditor-pods created\n" });
    const role = JSON.parse((await kubectl("get", "role", "pod-reader", "-o", "json")).stdout) as { rules: unknown };
    expect(role.rules).toEqual([{ apiGroups: [""], resources: ["pods", "pods/log"], verbs: ["get", "list", "watch"] }]);
    expect(await canI("get", "pods")).toBe("yes");
    expect(await canI("watch", "pods")).toBe("yes");
    expect(await canI("get", "pods", "--subresource=log")).toBe("yes");
    expect(await canI("create", "pods")).toBe("no");
    expect(await canI("create", "pods", "--subresource=exec")).toBe("no");
    expect(await canI("get", "secrets")).toBe("no");
    expect(
      (await runKubectl(kubeconfigPath, ["auth", "can-i", "list", "pods", "-n", other, `--as=${auditor}`])).stdout,
    ).toBe("no\n");
  });

  it("prints roles and bindings as kubectl get does, USERS/GROUPS/SERVICEACCOUNTS with -o wide", async () => {
    const roles = (await kubectl("get", "roles")).stdout.split("\n");
    expect(roles[0]).toMatch(/^NAME\s+CREATED AT$/);
    expect(roles[1]).toMatch(/^pod-reader\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const bindings = (await kubectl("get", "rolebindings", "-o", "wide")).stdout.split("\n");
    expect(bindings[0]).toMatch(/^NAME\s+ROLE\s+AGE\s+USERS\s+GROUPS\s+SERVICEACCOUNTS$/);
    expect(bindings[1]).toMatch(new RegExp(`^auditor-pods\\s+Role/pod-reader\\s+\\d+s\\s+${namespace}/auditor$`));
  });

  it("refuses what RBAC does not allow with the API server's words", async () => {
    const listed = await runKubectl(kubeconfigPath, ["get", "pods", "-n", other, `--as=${auditor}`]);
    expect(listed.code).toBe(1);
    expect(listed.stderr).toBe(
      `Error from server (Forbidden): pods is forbidden: User "${auditor}" cannot list resource "pods" in API group "" in the namespace "${other}"\n`,
    );
    const secret = await kubectl("get", "secret", "anything", `--as=${auditor}`);
    expect(secret.stderr).toContain(
      `secrets "anything" is forbidden: User "${auditor}" cannot get resource "secrets" in API group "" in the namespace "${namespace}"`,
    );
  });

  it("kubectl auth can-i --list and auth whoami show the impersonated account", async () => {
    const list = await kubectl("auth", "can-i", "--list", `--as=${auditor}`);
    expect(list.code).toBe(0);
    const rows = list.stdout.split("\n").map((line) => line.trim().split(/\s{2,}/));
    expect(rows[0]).toEqual(["Resources", "Non-Resource URLs", "Resource Names", "Verbs"]);
    expect(rows).toContainEqual(["pods", "[]", "[]", "[get list watch]"]);
    expect(rows).toContainEqual(["pods/log", "[]", "[]", "[get list watch]"]);
    expect(rows).toContainEqual(["selfsubjectaccessreviews.authorization.k8s.io", "[]", "[]", "[create]"]);
    expect(rows.filter((row) => row[0] === "secrets")).toEqual([]);
    const whoami = await kubectl("auth", "whoami", `--as=${auditor}`);
    expect(whoami.stdout).toMatch(new RegExp(`Username\\s+${auditor}\\n`));
    expect(whoami.stdout).toMatch(
      new RegExp(`Groups\\s+\\[system:serviceaccounts system:serviceaccounts:${namespace} system:authenticated\\]`),
    );
  });

  it("a ClusterRole bound by a RoleBinding reaches one namespace; by a ClusterRoleBinding, all", async () => {
    expect(
      await runKubectl(kubeconfigPath, [
        "create",
        "clusterrole",
        `${namespace}-reader`,
        "--verb=get",
        "--resource=services",
      ]),
    ).toMatchObject({ code: 0, stdout: `clusterrole.rbac.authorization.k8s.io/${namespace}-reader created\n` });
    await kubectl(
      "create",
      "rolebinding",
      "cm",
      `--clusterrole=${namespace}-reader`,
      `--serviceaccount=${namespace}:auditor`,
    );
    expect(await canI("get", "services")).toBe("yes");
    expect(
      (await runKubectl(kubeconfigPath, ["auth", "can-i", "get", "services", "-n", other, `--as=${auditor}`])).stdout,
    ).toBe("no\n");
    expect(
      await runKubectl(kubeconfigPath, [
        "create",
        "clusterrolebinding",
        `${namespace}-reader`,
        `--clusterrole=${namespace}-reader`,
        `--serviceaccount=${namespace}:auditor`,
      ]),
    ).toMatchObject({ code: 0, stdout: `clusterrolebinding.rbac.authorization.k8s.io/${namespace}-reader created\n` });
    expect(
      (await runKubectl(kubeconfigPath, ["auth", "can-i", "get", "services", "-n", other, `--as=${auditor}`])).stdout,
    ).toBe("yes\n");
  });

  it.skipIf(clusterKind !== "podman")(
    "an impersonated user cannot grant what it does not hold (escalation prevention)",
    async () => {
      await kubectl("create", "rolebinding", "jane-admin", "--clusterrole=admin", "--user=jane");
      const escalate = await kubectl(
        "create",
        "rolebinding",
        "bob-root",
        "--clusterrole=cluster-admin",
        "--user=bob",
        "--as=jane",
      );
      expect(escalate.code).toBe(1);
      expect(escalate.stderr).toContain(
        'rolebindings.rbac.authorization.k8s.io "bob-root" is forbidden: user "jane" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:["*"], Resources:["*"], Verbs:["*"]}\n{NonResourceURLs:["*"], Verbs:["*"]}',
      );
      expect(
        await kubectl("create", "rolebinding", "bob-view", "--clusterrole=view", "--user=bob", "--as=jane"),
      ).toMatchObject({
        code: 0,
      });
    },
  );

  it("a role whose rules name get on pods/exec still cannot exec: the WebSocket upgrade also needs create", async () => {
    expect(await kubectl("run", "app", "--image=busybox", "--restart=Never", "--", "sleep", "600")).toMatchObject({
      code: 0,
    });
    await kubectl("create", "role", "exec-get", "--verb=get", "--resource=pods/exec");
    await kubectl("create", "rolebinding", "exec-get", "--role=exec-get", `--serviceaccount=${namespace}:auditor`);
    await kubectl("wait", "--for=condition=Ready", "pod/app", "--timeout=60s");
    const exec = await kubectl("exec", "app", `--as=${auditor}`, "--", "true");
    expect(exec.code).toBe(1);
    expect(exec.stderr).toContain(
      `pods "app" is forbidden: User "${auditor}" cannot create resource "pods/exec" in API group "" in the namespace "${namespace}"`,
    );
  });
});
