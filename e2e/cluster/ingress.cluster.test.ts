import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runKubectl } from "./kubectl";
import { randomNamespace } from "./test-support";

// Ingress and IngressClass as the pinned kubectl 1.35 sees them: stored, validated with the API
// server's wording, printed with its columns, created from protobuf by `kubectl create ingress`.
const kubeconfigPath = inject("kubeconfigPath");
const namespace = randomNamespace("ing");
const className = `${namespace}-class`;
const defaultClass = `${namespace}-default`;
const kubectl = (...args: string[]) => runKubectl(kubeconfigPath, args);
const apply = (manifest: string) => runKubectl(kubeconfigPath, ["apply", "-n", namespace, "-f", "-"], manifest);
const columns = (line: string | undefined) => (line ?? "").trim().split(/\s{2,}/);

const ingress = (name: string, extra = "") => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${name}
spec:
  ingressClassName: ${className}
  tls:
  - hosts: [secure.cks.test]
    secretName: web-tls
  rules:
  - host: secure.cks.test
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: web
            port:
              number: 80
${extra}`;

describe("Ingress and IngressClass", () => {
  beforeAll(async () => {
    expect((await kubectl("create", "namespace", namespace)).code).toBe(0);
  });
  afterAll(async () => {
    await kubectl("delete", "namespace", namespace, "--wait=false");
    await kubectl("delete", "ingressclass", className, defaultClass, "--ignore-not-found");
  });

  it("creates an IngressClass and prints it with CONTROLLER and PARAMETERS", async () => {
    const created = await runKubectl(
      kubeconfigPath,
      ["apply", "-f", "-"],
      `apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: ${className}\nspec:\n  controller: k8s.io/ingress-nginx\n`,
    );
    expect(created).toMatchObject({ code: 0, stdout: `ingressclass.networking.k8s.io/${className} created\n` });
    const table = await kubectl("get", "ingressclass", className);
    const [head, row] = table.stdout.split("\n");
    expect(columns(head)).toEqual(["NAME", "CONTROLLER", "PARAMETERS", "AGE"]);
    expect(columns(row).slice(0, 3)).toEqual([className, "k8s.io/ingress-nginx", "<none>"]);
  });

  it("refuses an IngressClass whose controller is not a domain-prefixed path, and a changed controller", async () => {
    const bad = await runKubectl(
      kubeconfigPath,
      ["create", "-f", "-"],
      `apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: ${namespace}-bad\nspec:\n  controller: nginx\n`,
    );
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain(
      `The IngressClass "${namespace}-bad" is invalid: spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")`,
    );
    const changed = await kubectl(
      "patch",
      "ingressclass",
      className,
      "--type=merge",
      "-p",
      '{"spec":{"controller":"example.com/other"}}',
    );
    expect(changed.code).not.toBe(0);
    expect(changed.stderr).toContain('spec.controller: Invalid value: "example.com/other": field is immutable');
  });

  it("stores an Ingress and prints CLASS, HOSTS, ADDRESS and PORTS as kubectl does", async () => {
    expect(await apply(ingress("web"))).toMatchObject({
      code: 0,
      stdout: "ingress.networking.k8s.io/web created\n",
    });
    const table = await kubectl("get", "ingress", "web", "-n", namespace);
    const [head, row] = table.stdout.split("\n");
    expect(columns(head)).toEqual(["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"]);
    // No controller fills in the address, so the column is empty between HOSTS and PORTS.
    expect(row).toMatch(new RegExp(`^web\\s+${className}\\s+secure\\.cks\\.test\\s+80, 443\\s+\\d+s$`));
    const stored = JSON.parse((await kubectl("get", "ingress", "web", "-n", namespace, "-o", "json")).stdout) as {
      spec: unknown;
      status: unknown;
    };
    expect(stored.status).toEqual({ loadBalancer: {} });
    expect(stored.spec).toMatchObject({ tls: [{ hosts: ["secure.cks.test"], secretName: "web-tls" }] });
  });

  it("decodes the protobuf kubectl create ingress sends", async () => {
    const created = await kubectl(
      "create",
      "ingress",
      "made",
      "-n",
      namespace,
      `--class=${className}`,
      "--rule=secure.cks.test/*=web:80,tls=web-tls",
      "--rule=secure.cks.test/admin=admin:http",
    );
    expect(created.stderr).toBe("");
    expect(created).toMatchObject({ code: 0, stdout: "ingress.networking.k8s.io/made created\n" });
    const stored = JSON.parse((await kubectl("get", "ingress", "made", "-n", namespace, "-o", "json")).stdout) as {
      spec: unknown;
    };
    expect(stored.spec).toEqual({
      ingressClassName: className,
      tls: [{ hosts: ["secure.cks.test"], secretName: "web-tls" }],
      rules: [
        {
          host: "secure.cks.test",
          http: {
            paths: [
              { path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { number: 80 } } } },
              { path: "/admin", pathType: "Exact", backend: { service: { name: "admin", port: { name: "http" } } } },
            ],
          },
        },
      ],
    });
  });

  it.each([
    [
      "a missing pathType",
      "pathType: Prefix",
      "",
      "spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified",
    ],
    [
      "a relative path",
      "path: /",
      "path: web",
      'spec.rules[0].http.paths[0].path: Invalid value: "web": must be an absolute path',
    ],
    [
      "an IP as host",
      "- host: secure.cks.test",
      "- host: 10.0.0.1",
      'spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address',
    ],
    [
      "a Service name that is not a DNS-1035 label",
      "name: web",
      "name: 1web",
      "spec.rules[0].http.paths[0].backend.service.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
    ],
  ])("refuses %s with the API server's message", async (_name, from, to, message) => {
    const manifest = ingress("broken").replace(from, to);
    const result = await runKubectl(kubeconfigPath, ["create", "-n", namespace, "-f", "-"], manifest);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`The Ingress "broken" is invalid:`);
    expect(result.stderr).toContain(message);
  });

  it("gives an Ingress without a class the default IngressClass, and leaves one with the old annotation alone", async () => {
    const made = await runKubectl(
      kubeconfigPath,
      ["apply", "-f", "-"],
      `apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: ${defaultClass}\n  annotations:\n    ingressclass.kubernetes.io/is-default-class: "true"\nspec:\n  controller: example.com/default\n`,
    );
    expect(made.code).toBe(0);
    const classless = ingress("classless").replace(`  ingressClassName: ${className}\n`, "");
    expect((await apply(classless)).code).toBe(0);
    const read = await kubectl(
      "get",
      "ingress",
      "classless",
      "-n",
      namespace,
      "-o",
      "jsonpath={.spec.ingressClassName}",
    );
    expect(read.stdout).toBe(defaultClass);
    const annotated = classless
      .replace("name: classless", "name: annotated")
      .replace("metadata:\n", "metadata:\n  annotations:\n    kubernetes.io/ingress.class: nginx\n");
    expect((await apply(annotated)).code).toBe(0);
    const untouched = await kubectl(
      "get",
      "ingress",
      "annotated",
      "-n",
      namespace,
      "-o",
      "jsonpath={.spec.ingressClassName}",
    );
    expect(untouched.stdout).toBe("");
  });
});
