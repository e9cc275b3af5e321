import { describe, expect, it } from "vitest";
import type { TKubeObject } from "../types";
import { buildDnsResponse, dnsRcode, dnsType, encodeDnsQuery, parseDnsQuery } from "./dns-message";
import { dnsAnswer, renderServiceRules, serviceEndpoints, type TNetworkPod } from "./service-view";

const service = (name: string, spec: Record<string, unknown>): TKubeObject => ({
  metadata: { name, namespace: "lab" },
  spec,
});
const pod = (name: string, ip: string, extra: Partial<TNetworkPod> = {}): TNetworkPod => ({
  namespace: "lab",
  name,
  labels: { app: "web" },
  ip,
  ready: true,
  hostNetwork: false,
  ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
  ...extra,
});

describe("serviceEndpoints", () => {
  it("keeps ready pods of the Service's namespace that its selector matches, at the resolved target port", () => {
    const pods = [
      pod("a", "10.244.0.2"),
      pod("not-ready", "10.244.0.3", { ready: false }),
      pod("elsewhere", "10.244.0.4", { namespace: "other" }),
      pod("other-app", "10.244.0.5", { labels: { app: "db" } }),
      pod("no-named-port", "10.244.0.6", { ports: [] }),
    ];
    const [byName] = serviceEndpoints(
      [
        service("web", {
          clusterIP: "10.96.0.20",
          selector: { app: "web" },
          ports: [{ port: 80, targetPort: "http" }],
        }),
      ],
      pods,
    );
    expect(byName?.endpoints).toEqual([{ ip: "10.244.0.2", port: 8080 }]);
    const [byNumber] = serviceEndpoints(
      [service("web", { clusterIP: "10.96.0.20", selector: { app: "web" }, ports: [{ port: 80, targetPort: 9000 }] })],
      pods,
    );
    expect(byNumber?.endpoints.map((e) => e.ip)).toEqual(["10.244.0.2", "10.244.0.6"]);
  });

  it("gives Services without a selector, headless ones and ExternalName ones no forwarding", () => {
    const pods = [pod("a", "10.244.0.2")];
    expect(
      serviceEndpoints([service("manual", { clusterIP: "10.96.0.21", ports: [{ port: 80 }] })], pods)[0]?.endpoints,
    ).toEqual([]);
    expect(
      serviceEndpoints(
        [service("headless", { clusterIP: "None", selector: { app: "web" }, ports: [{ port: 80 }] })],
        pods,
      ),
    ).toEqual([]);
  });
});

describe("renderServiceRules", () => {
  it("DNATs a ClusterIP port to its endpoints with kube-proxy's probabilities and rejects one without endpoints", () => {
    const part = renderServiceRules([
      {
        namespace: "lab",
        service: "web",
        portName: "",
        protocol: "TCP",
        clusterIP: "10.96.0.20",
        port: 80,
        endpoints: [
          { ip: "10.244.0.2", port: 8080 },
          { ip: "10.244.0.3", port: 8080 },
        ],
      },
      {
        namespace: "lab",
        service: "empty",
        portName: "dns",
        protocol: "UDP",
        clusterIP: "10.96.0.21",
        port: 53,
        endpoints: [],
      },
    ]);
    const nat = part.nat?.rules.join("\n") ?? "";
    expect(nat).toMatch(/-A KUBE-SERVICES -d 10\.96\.0\.20\/32 -p tcp -m tcp --dport 80 .* -j KUBE-SVC-/);
    expect(nat).toContain("--probability 0.50000000000 -j KUBE-SEP-");
    expect(nat).toContain("-j DNAT --to-destination 10.244.0.2:8080");
    expect(nat).toContain("-j DNAT --to-destination 10.244.0.3:8080");
    expect(part.filter?.rules.join("\n")).toContain(
      '-A KUBE-SERVICES -d 10.96.0.21/32 -p udp -m udp --dport 53 -m comment --comment "lab/empty:dns has no endpoints" -j REJECT',
    );
  });
});

describe("cluster DNS", () => {
  const services = [
    service("backend", { clusterIP: "10.96.0.20", selector: { app: "web" }, ports: [{ port: 80 }] }),
    service("stateful", { clusterIP: "None", selector: { app: "web" }, ports: [{ port: 80 }] }),
  ];
  const pods = [pod("a", "10.244.0.2"), pod("b", "10.244.0.3", { ready: false })];

  it.each([
    ["backend.lab.svc.cluster.local", dnsRcode.NOERROR, ["10.96.0.20"]],
    ["stateful.lab.svc.cluster.local", dnsRcode.NOERROR, ["10.244.0.2"]],
    ["10-244-0-9.lab.pod.cluster.local", dnsRcode.NOERROR, ["10.244.0.9"]],
    ["backend.lab.lab.svc.cluster.local", dnsRcode.NXDOMAIN, []],
    ["backend.cluster.local", dnsRcode.NXDOMAIN, []],
    ["missing.lab.svc.cluster.local", dnsRcode.NXDOMAIN, []],
    ["lab.svc.cluster.local", dnsRcode.NOERROR, []],
    ["example.com", dnsRcode.SERVFAIL, []],
  ])("%s", (name, rcode, addresses) => {
    expect(dnsAnswer(name, services, pods)).toMatchObject({ rcode, addresses });
  });

  it("answers a wire-format A query with the records, and an AAAA query for the same name with none", () => {
    const query = encodeDnsQuery(0x1234, "Backend.lab.svc.cluster.local", dnsType.A);
    const parsed = parseDnsQuery(query);
    expect(parsed).toMatchObject({ id: 0x1234, name: "backend.lab.svc.cluster.local", type: dnsType.A });
    if (!parsed) return;
    const response = buildDnsResponse(parsed, query, { rcode: dnsRcode.NOERROR, addresses: ["10.96.0.20"], ttl: 30 });
    expect(response.readUInt16BE(0)).toBe(0x1234);
    expect(response.readUInt16BE(2) & 0x800f).toBe(0x8000);
    expect(response.readUInt16BE(6)).toBe(1);
    expect([...response.subarray(response.length - 4)]).toEqual([10, 96, 0, 20]);
    const aaaa = encodeDnsQuery(7, "backend.lab.svc.cluster.local", dnsType.AAAA);
    const parsedAaaa = parseDnsQuery(aaaa);
    if (!parsedAaaa) throw new Error("AAAA query not parsed");
    expect(buildDnsResponse(parsedAaaa, aaaa, { rcode: 0, addresses: ["10.96.0.20"], ttl: 30 }).readUInt16BE(6)).toBe(
      0,
    );
    expect(parseDnsQuery(Buffer.from([1, 2, 3]))).toBeNull();
  });
});
