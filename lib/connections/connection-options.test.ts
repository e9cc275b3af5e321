import { describe, expect, it } from "vitest";
import { REMOTE_ADDRESS_HEADER } from "@/lib/http/client-address";
import { requestFacts } from "@/lib/http/local-only";
import { connectionOptionsFor } from "./connection-options";

const facts = (peer: string, host: string) => requestFacts(new Headers({ [REMOTE_ADDRESS_HEADER]: peer, host }));

describe("connectionOptionsFor", () => {
  it.each([
    ["a browser on this machine", "127.0.0.1", "localhost:3000", true],
    ["a browser on this machine over IPv6", "::1", "[::1]:3000", true],
    ["another machine", "203.0.113.7", "cks.example.edu", false],
    // DNS rebinding: a loopback peer that names another host is not "this machine".
    ["a page whose name resolves to loopback", "127.0.0.1", "evil.example:3000", false],
  ])("%s: loopback clusters accepted = %s", (_who, peer, host, allowed) => {
    expect(connectionOptionsFor(facts(peer, host), {})).toEqual({
      allowHttpLoopback: false,
      allowPrivate: false,
      allowLoopback: allowed,
    });
  });

  it("keeps the instance's own switches", () => {
    expect(
      connectionOptionsFor(facts("203.0.113.7", "cks.example.edu"), { CKS_ALLOW_PRIVATE_CLUSTERS: "1" }),
    ).toMatchObject({ allowPrivate: true, allowLoopback: false });
  });
});
