import { describe, expect, it } from "vitest";
import { checkClusterHost, classifyAddress, refusalFor, type AddressClass, type Lookup } from "./check-cluster-address";

describe("classifyAddress", () => {
  const cases: Array<[string, AddressClass]> = [
    ["8.8.8.8", "public"],
    ["52.95.110.1", "public"],
    ["169.254.169.254", "metadata"],
    ["169.254.0.1", "metadata"],
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["172.32.0.1", "public"],
    ["192.168.1.10", "private"],
    ["100.64.0.1", "private"],
    ["0.0.0.0", "reserved"],
    ["224.0.0.1", "reserved"],
    ["255.255.255.255", "reserved"],
    ["2606:4700:4700::1111", "public"],
    ["::1", "loopback"],
    ["[::1]", "loopback"],
    ["::", "reserved"],
    ["fd00:ec2::254", "metadata"],
    ["FD00:EC2:0:0:0:0:0:254", "metadata"],
    ["fe80::1", "metadata"],
    ["fe80::1%eth0", "metadata"],
    ["fd12:3456::1", "private"],
    ["fc00::1", "private"],
    ["ff02::1", "reserved"],
    // IPv4 inside IPv6 reaches the IPv4 address: the same rules apply.
    ["::ffff:169.254.169.254", "metadata"],
    ["::ffff:a9fe:a9fe", "metadata"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:10.0.0.1", "private"],
    ["::ffff:8.8.8.8", "public"],
    ["64:ff9b::169.254.169.254", "metadata"],
    ["::127.0.0.1", "reserved"],
    ["not-an-ip", "reserved"],
    // Transition and deprecated prefixes: never public, and the metadata service stays never allowed.
    ["2002:808:808::1", "reserved"], // 6to4 of 8.8.8.8, through a relay we do not control
    ["2002:7f00:1::1", "reserved"], // 6to4 of 127.0.0.1
    ["2002:a9fe:a9fe::1", "metadata"], // 6to4 of 169.254.169.254
    ["2001:0:4136:e378:8000:63bf:3fff:fdd2", "reserved"], // Teredo (RFC 4380's example)
    ["2001:0:1:2:0:0:5601:5601", "metadata"], // Teredo client 169.254.169.254, bits inverted
    ["2001:db8::1", "public"], // 2001:db8::/32 is not Teredo's 2001::/32
    ["2001:4860::8888", "public"],
    ["64:ff9b:1:a00:0:100::", "private"], // local-use NAT64 of 10.0.0.1
    ["64:ff9b:1:808:8:800::", "private"], // local-use NAT64 of 8.8.8.8: a translator on the local network
    ["64:ff9b:1:a9fe:a9:fe00::", "metadata"], // local-use NAT64 of 169.254.169.254
    ["64:ff9b:2::1", "public"], // outside the /48
    ["fec0::1", "private"], // site-local
    ["feff:ffff::1", "private"],
    ["fdff:ffff::1", "private"], // the top of fc00::/7
  ];
  it.each(cases)("%s is %s", (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });
});

describe("refusalFor", () => {
  const cases: Array<[AddressClass, boolean, boolean]> = [
    ["public", false, true],
    ["public", true, true],
    ["private", false, false],
    ["private", true, true],
    ["loopback", false, false],
    ["loopback", true, true],
    ["metadata", false, false],
    ["metadata", true, false],
    ["reserved", true, false],
  ];
  it.each(cases)("%s with allowPrivate=%s allowed: %s", (kind, allowPrivate, allowed) => {
    expect(refusalFor(kind, { allowPrivate }) === null).toBe(allowed);
  });

  // The learner at this machine: loopback is their own, a private network still is not.
  const local: Array<[AddressClass, boolean]> = [
    ["loopback", true],
    ["private", false],
    ["metadata", false],
    ["reserved", false],
    ["public", true],
  ];
  it.each(local)("%s with allowLoopback only, allowed: %s", (kind, allowed) => {
    expect(refusalFor(kind, { allowPrivate: false, allowLoopback: true }) === null).toBe(allowed);
  });
});

describe("checkClusterHost", () => {
  const dns: Record<string, string[]> = {
    "cluster.example.com": ["203.0.113.10"],
    "both.example.com": ["203.0.113.10", "10.0.0.5"],
    "meta.example.com": ["169.254.169.254"],
    "v6meta.example.com": ["2001:db8::1", "fd00:ec2::254"],
    "lan.example.com": ["192.168.1.20"],
    "empty.example.com": [],
  };
  const lookup: Lookup = async (hostname) => {
    const found = dns[hostname];
    if (!found) throw Object.assign(new Error("not found"), { code: "ENOTFOUND" });
    return found;
  };
  const strict = { allowPrivate: false };
  const classroom = { allowPrivate: true };

  const cases: Array<{ server: string; policy: { allowPrivate: boolean }; ok: boolean; failure?: RegExp }> = [
    { server: "https://cluster.example.com:6443", policy: strict, ok: true },
    { server: "https://203.0.113.7:6443", policy: strict, ok: true },
    { server: "https://127.0.0.1:6443", policy: strict, ok: false, failure: /loopback.*CKS_ALLOW_PRIVATE_CLUSTERS/ },
    { server: "https://127.0.0.1:6443", policy: classroom, ok: true },
    { server: "https://[::1]:6443", policy: classroom, ok: true },
    { server: "https://[::1]:6443", policy: strict, ok: false, failure: /loopback/ },
    {
      server: "https://lan.example.com:6443",
      policy: strict,
      ok: false,
      failure: /192\.168\.1\.20 \(lan\.example\.com resolves to it\) is a private network address/,
    },
    { server: "https://lan.example.com:6443", policy: classroom, ok: true },
    // Every address counts: the client may connect to any of them.
    { server: "https://both.example.com", policy: strict, ok: false, failure: /10\.0\.0\.5/ },
    { server: "https://both.example.com", policy: classroom, ok: true },
    {
      server: "https://169.254.169.254",
      policy: classroom,
      ok: false,
      failure: /metadata address, which is never allowed/,
    },
    { server: "https://meta.example.com", policy: classroom, ok: false, failure: /169\.254\.169\.254/ },
    { server: "https://v6meta.example.com", policy: classroom, ok: false, failure: /fd00:ec2::254/ },
    { server: "https://[fd00:ec2::254]", policy: classroom, ok: false, failure: /never allowed/ },
    { server: "https://[::ffff:169.254.169.254]", policy: classroom, ok: false, failure: /never allowed/ },
    { server: "https://metadata.google.internal", policy: classroom, ok: false, failure: /cloud metadata service/ },
    { server: "https://METADATA.google.internal.", policy: classroom, ok: false, failure: /cloud metadata service/ },
    { server: "https://0.0.0.0:6443", policy: classroom, ok: false, failure: /not a routable unicast address/ },
    {
      server: "https://nowhere.example.com",
      policy: classroom,
      ok: false,
      failure: /could not be resolved \(ENOTFOUND\)/,
    },
    { server: "https://empty.example.com", policy: classroom, ok: false, failure: /resolves to no address/ },
    { server: "not a url", policy: classroom, ok: false, failure: /not a URL/ },
  ];
  it.each(cases)("$server (allowPrivate=$policy.allowPrivate): ok=$ok", async ({ server, policy, ok, failure }) => {
    const result = await checkClusterHost(server, policy, lookup);
    expect(result.ok).toBe(ok);
    if (!result.ok && failure) expect(result.failure).toMatch(failure);
  });

  it("returns the first resolved address to pin the connection to", async () => {
    expect(await checkClusterHost("https://cluster.example.com:6443", strict, lookup)).toEqual({
      ok: true,
      hostname: "cluster.example.com",
      address: "203.0.113.10",
    });
  });
});
