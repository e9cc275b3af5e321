import { ipv4ToNumber, nodePodCidr, numberToIpv4, parseIpv4Cidr, podGateway } from "./addresses";

/**
 * Pod addresses from the node's podCIDR as CNI's host-local IPAM hands them out: the first free address
 * after the last one given (so a freed address is not reused at once), wrapping round at the end, never
 * the network, gateway or broadcast address.
 */
export class PodIpPool {
  private readonly first: number;
  private readonly last: number;
  private readonly used = new Map<number, string>();
  private lastGiven: number;

  constructor(cidr = nodePodCidr, gateway = podGateway) {
    const range = parseIpv4Cidr(cidr);
    const gatewayNumber = ipv4ToNumber(gateway);
    if (!range || gatewayNumber === null) throw new Error(`not an IPv4 CIDR and gateway: ${cidr}, ${gateway}`);
    this.first = range.start + 1;
    this.last = range.start + range.size - 2;
    this.used.set(gatewayNumber, "gateway");
    this.lastGiven = gatewayNumber;
  }

  /** Reserves an address for `owner` (a pod uid); the same owner asking twice gets the same address. */
  allocate(owner: string): string {
    for (const [address, holder] of this.used) if (holder === owner) return numberToIpv4(address);
    const count = this.last - this.first + 1;
    for (let step = 1; step <= count; step += 1) {
      const candidate = this.first + ((this.lastGiven - this.first + step) % count);
      if (this.used.has(candidate)) continue;
      this.used.set(candidate, owner);
      this.lastGiven = candidate;
      return numberToIpv4(candidate);
    }
    throw new Error(`no free pod address left in ${nodePodCidr}`);
  }

  /** Frees the address `owner` holds, if any. */
  release(owner: string): void {
    for (const [address, holder] of this.used) if (holder === owner) this.used.delete(address);
  }
}
