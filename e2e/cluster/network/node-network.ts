import { randomBytes } from "node:crypto";
import http from "node:http";
import { metadataIp, nodeGatewayIp, nodeIp, nodeNetworkPrefix, nodePodCidr, podGateway } from "./addresses";
import { renderFirewall, type TFirewallPart } from "./firewall";
import { serveMetadata } from "./metadata-host";
import { createNetns, deleteNetns, inNetns, ip, netnsName, netnsPath, removeDeadNetns, removeOwnNetns } from "./netns";
import { closeNetnsSocket, openSocketsInNetns, type TNetnsSocket } from "./netns-socket";
import { PodIpPool } from "./pod-ip-pool";

/** A pod's network: the namespace its containers join and its address (the node's for hostNetwork pods). */
export type TPodSandbox = { netnsPath: string; ip: string; hostNetwork: boolean };

/** What the kubelet needs from the node's network to run pods. */
export type TPodNetwork = {
  createSandbox(uid: string, hostNetwork: boolean): Promise<TPodSandbox>;
  removeSandbox(uid: string): Promise<void>;
};

/**
 * The node's network, a kind node in miniature, all inside network namespaces this cluster creates:
 * - `cks-<pid>-node`, the node: `eth0` on kind's docker network (172.18.0.2/16), a default route to the
 *   docker host, one veth per pod with the pod gateway 10.244.0.1 on the node's end and a /32 route to
 *   the pod (kindnet's ptp plugin), and the node's iptables: kube-proxy's Services and the NetworkPolicy
 *   enforcer's chains, rendered by their controllers and replaced whole on each change;
 * - `cks-<pid>-ext`, the docker host at 172.18.0.1 and nothing behind it, except a fake cloud metadata
 *   service on 169.254.169.254:80 (so an egress policy that blocks it has something to block);
 * - `cks-<pid>-<pod uid>`, one per pod: `eth0` with the pod's address from 10.244.0.0/24.
 * Nothing is routed to the machine's own network, and each cluster on the machine has its own set.
 */
export class NodeNetwork implements TPodNetwork {
  readonly nodeNetns = netnsName("node");
  readonly outsideNetns = netnsName("ext");
  private readonly pool = new PodIpPool();
  private readonly sandboxes = new Map<string, string>();
  private readonly parts = new Map<string, TFirewallPart>();
  private readonly sockets: TNetnsSocket[] = [];
  private syncing?: Promise<void>;
  private dirty = false;
  private started = false;

  /** Creates the node and the docker host, the base firewall and the metadata service. */
  async start(): Promise<void> {
    await removeDeadNetns();
    await removeOwnNetns();
    await createNetns(this.nodeNetns);
    await createNetns(this.outsideNetns);
    this.started = true;
    await ip([
      "link",
      "add",
      "eth0",
      "netns",
      this.nodeNetns,
      "type",
      "veth",
      "peer",
      "name",
      "eth0",
      "netns",
      this.outsideNetns,
    ]);
    await ip(
      ["-n", this.nodeNetns],
      [
        `addr add ${nodeIp}/${nodeNetworkPrefix} dev eth0`,
        "link set eth0 up",
        `route add default via ${nodeGatewayIp} dev eth0`,
      ],
    );
    await ip(
      ["-n", this.outsideNetns],
      [
        `addr add ${nodeGatewayIp}/${nodeNetworkPrefix} dev eth0`,
        "link set eth0 up",
        `addr add ${metadataIp}/32 dev lo`,
      ],
    );
    await inNetns(this.nodeNetns, "sysctl", ["-q", "-w", "net.ipv4.ip_forward=1"]);
    await this.syncNow();
    const [metadata] = await openSocketsInNetns(netnsPath(this.outsideNetns), [
      { protocol: "tcp", host: metadataIp, port: 80 },
    ]);
    if (metadata?.protocol === "tcp") {
      this.sockets.push(metadata);
      const server = http.createServer(serveMetadata);
      metadata.server.on("connection", (socket) => server.emit("connection", socket));
    }
  }

  /** Closes the node's services and deletes every namespace: the node, the docker host and any pod left. */
  async stop(): Promise<void> {
    for (const socket of this.sockets.splice(0)) closeNetnsSocket(socket);
    await this.syncing?.catch(() => undefined);
    if (!this.started) return;
    this.started = false;
    for (const name of this.sandboxes.values()) await deleteNetns(name);
    this.sandboxes.clear();
    await deleteNetns(this.nodeNetns);
    await deleteNetns(this.outsideNetns);
  }

  /** The pod's network namespace with a veth to the node and an address; hostNetwork pods share the node's. */
  async createSandbox(uid: string, hostNetwork: boolean): Promise<TPodSandbox> {
    if (hostNetwork) return { netnsPath: netnsPath(this.nodeNetns), ip: nodeIp, hostNetwork: true };
    const name = netnsName(uid);
    const address = this.pool.allocate(uid);
    this.sandboxes.set(uid, name);
    try {
      await createNetns(name);
      // The node's end is named like CNI's veths; only the node's namespace has to keep names unique.
      const hostEnd = `veth${randomBytes(4).toString("hex")}`;
      await ip([
        "link",
        "add",
        hostEnd,
        "netns",
        this.nodeNetns,
        "type",
        "veth",
        "peer",
        "name",
        "eth0",
        "netns",
        name,
      ]);
      await ip(
        ["-n", this.nodeNetns],
        [
          `addr add ${podGateway}/32 dev ${hostEnd}`,
          `link set ${hostEnd} up`,
          `route add ${address}/32 dev ${hostEnd} scope link`,
        ],
      );
      await ip(
        ["-n", name],
        [
          `addr add ${address}/${nodePodCidr.split("/")[1]} dev eth0 noprefixroute`,
          "link set eth0 up",
          `route add ${podGateway}/32 dev eth0 scope link src ${address}`,
          `route add ${nodePodCidr} via ${podGateway} dev eth0 src ${address}`,
          `route add default via ${podGateway} dev eth0`,
        ],
      );
    } catch (error) {
      await this.removeSandbox(uid);
      throw error;
    }
    return { netnsPath: netnsPath(name), ip: address, hostNetwork: false };
  }

  /** Deletes a pod's network namespace (its veth goes with it) and frees its address. */
  async removeSandbox(uid: string): Promise<void> {
    const name = this.sandboxes.get(uid);
    this.sandboxes.delete(uid);
    this.pool.release(uid);
    if (name) await deleteNetns(name);
  }

  /** Replaces one component's rules (e.g. "kube-proxy"); the node's tables are rewritten soon after. */
  setFirewall(owner: string, part: TFirewallPart): void {
    this.parts.set(owner, part);
    this.dirty = true;
    if (!this.syncing) this.syncing = this.drain();
  }

  /** Resolves once every rule change made so far is in the node's tables. */
  async settled(): Promise<void> {
    while (this.syncing) await this.syncing.catch(() => undefined);
  }

  private async drain(): Promise<void> {
    try {
      while (this.dirty && this.started) {
        this.dirty = false;
        await this.syncNow();
      }
    } catch (error) {
      process.stderr.write(`[cks-cluster] node firewall: ${String(error)}\n`);
    } finally {
      this.syncing = undefined;
    }
  }

  private async syncNow(): Promise<void> {
    await inNetns(this.nodeNetns, "iptables-restore", [], renderFirewall([...this.parts.values()]));
  }
}
