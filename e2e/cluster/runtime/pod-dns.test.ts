import { describe, expect, it } from "vitest";
import type { TPod } from "../types";
import { podResolvConf, validatePodDns } from "./pod-dns";

const pod = (spec: Record<string, unknown>): TPod => ({
  metadata: { name: "p", namespace: "netpol-lab" },
  spec: { containers: [], ...spec },
});

describe("podResolvConf", () => {
  it.each([
    [
      "ClusterFirst: cluster DNS, the namespace's search path, ndots:5",
      {},
      "search netpol-lab.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n",
    ],
    [
      "Default: the node's resolver",
      { dnsPolicy: "Default" },
      "nameserver 172.18.0.1\noptions edns0 trust-ad ndots:0\n",
    ],
    [
      "ClusterFirst with hostNetwork falls back to the node's resolver",
      { hostNetwork: true },
      "nameserver 172.18.0.1\noptions edns0 trust-ad ndots:0\n",
    ],
    [
      "ClusterFirstWithHostNet keeps cluster DNS",
      { hostNetwork: true, dnsPolicy: "ClusterFirstWithHostNet" },
      "search netpol-lab.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n",
    ],
    [
      "None with dnsConfig only",
      {
        dnsPolicy: "None",
        dnsConfig: { nameservers: ["1.2.3.4"], searches: ["example.test"], options: [{ name: "ndots", value: "2" }] },
      },
      "search example.test\nnameserver 1.2.3.4\noptions ndots:2\n",
    ],
    [
      "dnsConfig options replace the same option and add new ones",
      { dnsConfig: { options: [{ name: "ndots", value: "1" }, { name: "edns0" }] } },
      "search netpol-lab.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:1 edns0\n",
    ],
  ])("%s", (_name, spec, expected) => {
    expect(podResolvConf(pod(spec))).toBe(expected);
  });
});

describe("validatePodDns", () => {
  it("refuses an unknown policy and None without nameservers, with the API server's fields", () => {
    expect(validatePodDns({ dnsPolicy: "Cluster" })[0]).toMatchObject({
      field: "spec.dnsPolicy",
      type: "FieldValueNotSupported",
    });
    expect(validatePodDns({ dnsPolicy: "None" })[0]).toMatchObject({
      field: "spec.dnsConfig",
      type: "FieldValueRequired",
    });
    expect(validatePodDns({ dnsPolicy: "None", dnsConfig: {} })[0]).toMatchObject({
      field: "spec.dnsConfig.nameservers",
    });
    expect(validatePodDns({ dnsConfig: { nameservers: ["not-an-ip"] } })[0]).toMatchObject({
      field: "spec.dnsConfig.nameservers[0]",
      type: "FieldValueInvalid",
    });
    expect(validatePodDns({ dnsPolicy: "ClusterFirst" })).toEqual([]);
  });
});
