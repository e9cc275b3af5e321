import { podSubnet } from "./addresses";

/** User chains to declare and `-A CHAIN ...` rule lines, as `iptables-save` prints them. */
export type TRuleTable = { chains: string[]; rules: string[] };

/** One component's share of the node's firewall (kube-proxy's Services, the NetworkPolicy enforcer). */
export type TFirewallPart = { nat?: TRuleTable; filter?: TRuleTable };

/**
 * The node's own rules: traffic from pods to addresses outside the pod network leaves masqueraded as the
 * node, as kindnet's masquerade agent does (KIND-MASQ-AGENT), so the docker-host side needs no pod routes.
 */
const basePart: TFirewallPart = {
  nat: {
    chains: ["KIND-MASQ-AGENT"],
    rules: [
      "-A POSTROUTING -o eth0 -j KIND-MASQ-AGENT",
      `-A KIND-MASQ-AGENT -d ${podSubnet} -j RETURN`,
      "-A KIND-MASQ-AGENT -j MASQUERADE",
    ],
  },
};

const builtIn = {
  filter: ["INPUT", "FORWARD", "OUTPUT"],
  nat: ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"],
} as const;

/**
 * The node's whole filter and nat tables as `iptables-restore` input. The node's network namespace belongs
 * to the test cluster alone, so each sync replaces both tables at once (atomically, per table) instead of
 * editing rules one by one, and a chain nobody renders any more simply disappears.
 */
export function renderFirewall(parts: TFirewallPart[]): string {
  const all = [basePart, ...parts];
  const lines: string[] = [];
  for (const table of ["filter", "nat"] as const) {
    lines.push(`*${table}`);
    for (const chain of builtIn[table]) lines.push(`:${chain} ACCEPT [0:0]`);
    const chains = new Set(all.flatMap((part) => part[table]?.chains ?? []));
    for (const chain of chains) lines.push(`:${chain} - [0:0]`);
    for (const part of all) lines.push(...(part[table]?.rules ?? []));
    lines.push("COMMIT");
  }
  return `${lines.join("\n")}\n`;
}
