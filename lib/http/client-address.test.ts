import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/errors/app-error";
import { clientAddress, isLoopbackAddress, parseTrustedProxies, stampPeer } from "./client-address";

describe("isLoopbackAddress", () => {
  it.each([
    ["127.0.0.1", true],
    ["127.255.0.9", true],
    ["::1", true],
    ["::ffff:127.0.0.1", true],
    ["0:0:0:0:0:0:0:1", true],
    ["10.0.0.1", false],
    ["::ffff:10.0.0.1", false],
    ["128.0.0.1", false],
    ["::", false],
    ["localhost", false],
    ["", false],
    [null, false],
  ])("%s: %s", (address, loopback) => {
    expect(isLoopbackAddress(address)).toBe(loopback);
  });
});

describe("clientAddress", () => {
  const none = parseTrustedProxies(undefined);
  const proxy = parseTrustedProxies("127.0.0.1, 10.0.0.0/8, fd00::/8");

  it.each([
    ["no proxies: the socket peer, whatever XFF says", "203.0.113.9", "198.51.100.1", none, "203.0.113.9"],
    ["no proxies: a forged XFF from loopback is ignored", "127.0.0.1", "198.51.100.1", none, "127.0.0.1"],
    ["an untrusted peer's XFF is ignored", "203.0.113.9", "198.51.100.1", proxy, "203.0.113.9"],
    ["a trusted proxy: the address it saw", "127.0.0.1", "198.51.100.1", proxy, "198.51.100.1"],
    [
      "a trusted proxy: the right-most untrusted entry, not what the client prepended",
      "10.1.1.1",
      "6.6.6.6, 198.51.100.1, 10.2.2.2",
      proxy,
      "198.51.100.1",
    ],
    ["a trusted proxy with no XFF: the proxy itself", "10.1.1.1", undefined, proxy, "10.1.1.1"],
    ["a trusted proxy forwarding garbage: the proxy itself", "10.1.1.1", "not-an-ip", proxy, "10.1.1.1"],
    ["only proxies in the chain: the proxy itself", "10.1.1.1", "10.3.3.3, 127.0.0.1", proxy, "10.1.1.1"],
    ["repeated headers are one chain", "127.0.0.1", ["6.6.6.6", "198.51.100.7"], proxy, "198.51.100.7"],
    ["IPv4-mapped peers are plain IPv4", "::ffff:127.0.0.1", "198.51.100.1", proxy, "198.51.100.1"],
    ["IPv6 ranges", "fd00::5", "2001:db8::1", proxy, "2001:db8::1"],
  ] as const)("%s", (_name, peer, xff, trusted, expected) => {
    expect(clientAddress(peer, xff as string | string[] | undefined, trusted)).toBe(expected);
  });

  it.each(["10.0.0.0/33", "proxy.example", "10.0.0.1/8/1", "::1/129", "10.0.0.0/x"])(
    "CKS_TRUSTED_PROXIES=%s is a configuration error naming the entry",
    (raw) => {
      let error: unknown;
      try {
        parseTrustedProxies(`127.0.0.1, ${raw}`);
      } catch (caught) {
        error = caught;
      }
      expect(isAppError(error, "CONFIG_INVALID")).toBe(true);
      expect((error as Error).message).toContain(`"${raw}"`);
    },
  );
});

describe("stampPeer", () => {
  it("replaces forged copies of the server's headers with the socket's truth", () => {
    const request = {
      headers: {
        host: "localhost:3000",
        "x-cks-remote-address": "127.0.0.1",
        "x-cks-client-ip": "127.0.0.1",
        "x-cks-anything": "forged",
        "x-forwarded-for": "127.0.0.1",
      } as Record<string, string | string[] | undefined>,
      rawHeaders: [
        "Host",
        "localhost:3000",
        "X-CKS-Remote-Address",
        "127.0.0.1",
        "x-cks-anything",
        "forged",
        "X-Forwarded-For",
        "127.0.0.1",
      ],
      socket: { remoteAddress: "::ffff:10.200.7.2" },
    };
    expect(stampPeer(request, parseTrustedProxies(""))).toBe("10.200.7.2");
    expect(request.headers).toEqual({
      host: "localhost:3000",
      "x-forwarded-for": "127.0.0.1",
      "x-cks-remote-address": "10.200.7.2",
      "x-cks-client-ip": "10.200.7.2",
    });
    expect(request.rawHeaders).toEqual([
      "Host",
      "localhost:3000",
      "X-Forwarded-For",
      "127.0.0.1",
      "x-cks-remote-address",
      "10.200.7.2",
      "x-cks-client-ip",
      "10.200.7.2",
    ]);
  });

  it("takes the client address from a trusted proxy's X-Forwarded-For", () => {
    const request = {
      headers: { "x-forwarded-for": "198.51.100.4" } as Record<string, string | string[] | undefined>,
      rawHeaders: ["X-Forwarded-For", "198.51.100.4"],
      socket: { remoteAddress: "127.0.0.1" },
    };
    expect(stampPeer(request, parseTrustedProxies("127.0.0.1"))).toBe("198.51.100.4");
    expect(request.headers["x-cks-remote-address"]).toBe("127.0.0.1");
  });
});
