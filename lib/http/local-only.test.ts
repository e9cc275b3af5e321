import { describe, expect, it } from "vitest";
import { isLocalRequest, refuseCrossSite, refuseServerKubeconfig, requestFacts, type RequestFacts } from "./local-only";

const facts = (f: Partial<RequestFacts>): RequestFacts => ({
  remoteAddress: null,
  host: null,
  origin: null,
  fetchSite: null,
  ...f,
});
const student = { role: "student" as const };
const instructor = { role: "instructor" as const };

describe("whether a request comes from this machine", () => {
  it.each([
    [{ remoteAddress: "127.0.0.1", host: "localhost:3000" }],
    [{ remoteAddress: "::ffff:127.0.0.1", host: "127.0.0.1:3100", origin: "http://127.0.0.1:3100" }],
    [{ remoteAddress: "::1", host: "[::1]:3000", origin: "http://[::1]:3000" }],
    [{ remoteAddress: "127.8.9.10", host: "localhost:3000", fetchSite: "same-origin" }],
    [{ remoteAddress: "127.0.0.1", host: "LOCALHOST:3000", fetchSite: "none" }],
  ])("accepts a loopback peer naming a loopback host %o", (f) => {
    expect(isLocalRequest(facts(f))).toBe(true);
    expect(refuseServerKubeconfig(facts(f), student, false)).toBeNull();
  });

  it.each([
    // The remote visitor of issue 9: a real address with a forged Host and no Origin.
    [{ remoteAddress: "10.200.1.2", host: "localhost:3000" }, /only available at http:\/\/localhost/],
    [{ remoteAddress: "192.168.1.20", host: "127.0.0.1:3000" }, /only available/],
    // Not through CKS Lab's server: no peer address at all, so never local.
    [{ host: "localhost:3000" }, /only available/],
    [{ remoteAddress: "::ffff:10.0.0.7", host: "[::1]:3000" }, /only available/],
    // DNS rebinding: loopback peer, foreign name.
    [{ remoteAddress: "127.0.0.1", host: "evil.example:3000" }, /only available/],
    [{ remoteAddress: "127.0.0.1", host: "localhost.evil.example" }, /only available/],
    [{ remoteAddress: "127.0.0.1" }, /only available/],
    [{ remoteAddress: "127.0.0.1", host: "localhost:3000", origin: "http://evil.example" }, /Cross-site/],
    [{ remoteAddress: "127.0.0.1", host: "localhost:3000", origin: "http://localhost:4000" }, /Cross-site/],
    [{ remoteAddress: "127.0.0.1", host: "localhost:3000", origin: "null" }, /not a URL/],
    [{ remoteAddress: "127.0.0.1", host: "localhost:3000", fetchSite: "cross-site" }, /Cross-site/],
    [{ remoteAddress: "127.0.0.1", host: "localhost:3000", fetchSite: "same-site" }, /Cross-site/],
  ])("refuses %o", (f, message) => {
    expect(refuseServerKubeconfig(facts(f), instructor, false)).toMatch(message);
  });

  it("from another machine, needs CKS_ALLOW_REMOTE_GRADING=1 and the instructor role, and is never cross-site", () => {
    const remote = facts({ remoteAddress: "10.0.0.5", host: "cks.school.example:3000" });
    expect(refuseServerKubeconfig(remote, instructor, false)).toMatch(/only available/);
    expect(refuseServerKubeconfig(remote, student, true)).toMatch(/instructors only/);
    expect(refuseServerKubeconfig(remote, { role: "grader" }, true)).toMatch(/instructors only/);
    expect(refuseServerKubeconfig(remote, null, true)).toMatch(/instructors only/);
    expect(refuseServerKubeconfig(remote, instructor, true)).toBeNull();
    expect(refuseServerKubeconfig({ ...remote, origin: "http://evil.example" }, instructor, true)).toMatch(
      /Cross-site/,
    );
  });

  it("reads the peer only from the server's own header", () => {
    const read = requestFacts(
      new Headers({ host: "localhost:3000", "x-cks-remote-address": "10.1.2.3", "x-forwarded-for": "127.0.0.1" }),
    );
    expect(read).toEqual({ remoteAddress: "10.1.2.3", host: "localhost:3000", origin: null, fetchSite: null });
    expect(isLocalRequest(read)).toBe(false);
  });

  it("refuses cross-site pages even for a saved connection", () => {
    expect(refuseCrossSite(facts({ host: "cks.school.example", origin: "https://cks.school.example" }))).toBeNull();
    expect(refuseCrossSite(facts({ host: "cks.school.example", origin: "https://evil.example" }))).toMatch(
      /Cross-site/,
    );
  });
});
