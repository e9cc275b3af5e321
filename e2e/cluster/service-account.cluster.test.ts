import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runKubectl } from "./kubectl";
import { pollUntil, randomNamespace } from "./test-support";

const kubeconfigPath = inject("kubeconfigPath");
const namespace = randomNamespace("sa");
const kubectl = (...args: string[]) => runKubectl(kubeconfigPath, ["-n", namespace, ...args]);

describe("ServiceAccounts", () => {
  beforeAll(async () => {
    expect(await runKubectl(kubeconfigPath, ["create", "namespace", namespace])).toMatchObject({ code: 0 });
  });
  afterAll(async () => {
    await runKubectl(kubeconfigPath, ["delete", "namespace", namespace, "--wait=false"]);
  });

  it("every new namespace gets a default ServiceAccount from the controller", async () => {
    const result = await pollUntil(
      () => kubectl("get", "serviceaccount", "default", "-o", "jsonpath={.metadata.name}"),
      (r) => r.code === 0,
      10_000,
    );
    expect(result).toMatchObject({ code: 0, stdout: "default" });
  });

  it("kubectl create serviceaccount (a protobuf body) creates one, and get prints NAME SECRETS AGE", async () => {
    expect(await kubectl("create", "serviceaccount", "auditor")).toMatchObject({
      code: 0,
      stdout: "serviceaccount/auditor created\n",
    });
    const table = await kubectl("get", "sa");
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^NAME\s+SECRETS\s+AGE$/);
    expect(lines.slice(1).map((line) => line.split(/\s+/).slice(0, 2))).toEqual([
      ["auditor", "0"],
      ["default", "0"],
    ]);
    const again = await kubectl("create", "serviceaccount", "auditor");
    expect(again).toMatchObject({ code: 1 });
    expect(again.stderr).toContain('serviceaccounts "auditor" already exists');
  });

  it("keeps automountServiceAccountToken and refuses unknown fields like the API server", async () => {
    const manifest = (extra: string) => `apiVersion: v1
kind: ServiceAccount
metadata:
  name: web
automountServiceAccountToken: false
${extra}`;
    const typo = await runKubectl(
      kubeconfigPath,
      ["-n", namespace, "apply", "-f", "-"],
      manifest("automount: false\n"),
    );
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('strict decoding error: unknown field "automount"');
    expect(await runKubectl(kubeconfigPath, ["-n", namespace, "apply", "-f", "-"], manifest(""))).toMatchObject({
      code: 0,
      stdout: "serviceaccount/web created\n",
    });
    const read = await kubectl("get", "sa", "web", "-o", "jsonpath={.automountServiceAccountToken}");
    expect(read.stdout).toBe("false");
  });

  it("a deleted default ServiceAccount comes back", async () => {
    const uid = (await kubectl("get", "sa", "default", "-o", "jsonpath={.metadata.uid}")).stdout;
    expect(await kubectl("delete", "sa", "default")).toMatchObject({ code: 0 });
    const recreated = await pollUntil(
      () => kubectl("get", "sa", "default", "-o", "jsonpath={.metadata.uid}"),
      (r) => r.code === 0 && r.stdout !== "" && r.stdout !== uid,
      10_000,
    );
    expect(recreated.code).toBe(0);
    expect(recreated.stdout).not.toBe(uid);
  });

  it("the system namespaces have their default ServiceAccount too", async () => {
    for (const system of ["default", "kube-system", "kube-public", "kube-node-lease"]) {
      const result = await runKubectl(kubeconfigPath, ["-n", system, "get", "sa", "default", "-o", "name"]);
      expect({ system, ...result }).toMatchObject({ system, code: 0, stdout: "serviceaccount/default\n" });
    }
  });
});
