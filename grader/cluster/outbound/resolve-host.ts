// Name resolution for cluster servers. dns.lookup (getaddrinfo) runs on libuv's thread pool, four threads
// that fs, crypto (scrypt for passwords) and zlib share: a learner whose DNS never answers could hold
// them all. c-ares (dns.Resolver) queries the network from the event loop with its own timeout, so a
// slow name costs one pending query, never a thread. c-ares does not read the hosts file, so the few
// names a machine defines there (localhost, a classroom's own entries) are read from it first.
import { Resolver } from "node:dns/promises";
import { readFile } from "node:fs/promises";
import { isIP } from "node:net";

/** Resolves a hostname to every address (A and AAAA); replaceable in tests. */
export type Lookup = (hostname: string) => Promise<string[]>;

export type ResolverOptions = {
  /** Whole resolution, both families and every try. */
  timeoutMs: number;
  /** Nameservers ("127.0.0.1:5353"); default: the system's (/etc/resolv.conf). */
  servers?: string[];
  /** Hosts file; default /etc/hosts. */
  hostsFile?: string;
};

/** An error from a lookup, with the code messages show (ENOTFOUND, ETIMEOUT, ...). */
export class LookupError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A lookup that never uses libuv's thread pool and gives up after `timeoutMs`. */
export function boundedLookup(options: ResolverOptions): Lookup {
  return async (name) => {
    const hostname = name.toLowerCase().replace(/\.$/, "");
    if (isIP(hostname)) return [hostname];
    // RFC 6761: localhost names are loopback, whatever a nameserver says.
    if (hostname === "localhost" || hostname.endsWith(".localhost")) return ["127.0.0.1", "::1"];
    const fromHosts = (await readHosts(options.hostsFile ?? "/etc/hosts")).get(hostname);
    if (fromHosts?.length) return fromHosts;

    const resolver = new Resolver({ timeout: Math.max(100, Math.floor(options.timeoutMs / 2)), tries: 1 });
    if (options.servers) resolver.setServers(options.servers);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), options.timeoutMs);
    });
    try {
      const answers = await Promise.race([
        Promise.allSettled([resolver.resolve4(hostname), resolver.resolve6(hostname)]),
        deadline,
      ]);
      if (answers === "timeout") throw new LookupError("ETIMEOUT", `no DNS answer within ${options.timeoutMs} ms`);
      const addresses = answers.flatMap((answer) => (answer.status === "fulfilled" ? answer.value : []));
      if (addresses.length > 0) return addresses;
      const reasons = answers.map((answer) =>
        answer.status === "rejected" ? ((answer.reason as { code?: string }).code ?? "EFAIL") : "ENODATA",
      );
      // NXDOMAIN for either family means the name does not exist; otherwise report the first reason.
      const code = reasons.includes("ENOTFOUND") ? "ENOTFOUND" : (reasons[0] ?? "ENOTFOUND");
      throw new LookupError(code, `${hostname} did not resolve (${code})`);
    } finally {
      clearTimeout(timer);
      resolver.cancel();
    }
  };
}

// The hosts file is read at most once a second: it is tiny, but a run resolves once per connection.
const hostsCache = new Map<string, { at: number; entries: Promise<Map<string, string[]>> }>();

async function readHosts(file: string): Promise<Map<string, string[]>> {
  const cached = hostsCache.get(file);
  if (cached && Date.now() - cached.at < 1000) return cached.entries;
  const entries = readFile(file, "utf8").then(parseHosts, () => new Map<string, string[]>());
  hostsCache.set(file, { at: Date.now(), entries });
  return entries;
}

/** Parses hosts-file text into name -> addresses (in file order). */
export function parseHosts(text: string): Map<string, string[]> {
  const names = new Map<string, string[]>();
  for (const line of text.split("\n")) {
    const [address, ...aliases] = line.replace(/#.*/, "").trim().split(/\s+/);
    if (!address || isIP(address) === 0) continue;
    for (const alias of aliases) {
      const key = alias.toLowerCase();
      const list = names.get(key) ?? [];
      if (!list.includes(address)) list.push(address);
      names.set(key, list);
    }
  }
  return names;
}
