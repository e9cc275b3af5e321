import { pbkdf2 } from "node:crypto";
import dgram from "node:dgram";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { boundedLookup, parseHosts } from "./resolve-host";

// Two nameservers on loopback: one answers A queries for cluster.test (and nothing for AAAA, NXDOMAIN for
// anything else), the other swallows every query, like a resolver that never answers.
let answering: dgram.Socket;
let blackHole: dgram.Socket;
let answeringAt = "";
let blackHoleAt = "";
let swallowed = 0;

function answer(query: Buffer): Buffer {
  // Header (12 bytes), then the question: labels, type (2), class (2).
  let offset = 12;
  const labels: string[] = [];
  while (query[offset]! > 0) {
    const length = query[offset]!;
    labels.push(query.subarray(offset + 1, offset + 1 + length).toString("latin1"));
    offset += length + 1;
  }
  const questionEnd = offset + 5;
  const type = query.readUInt16BE(offset + 1);
  const name = labels.join(".");
  const header = Buffer.from(query.subarray(0, 12));
  header.writeUInt16BE(0x8180 | (name === "cluster.test" ? 0 : 3), 2); // response, recursion; NXDOMAIN otherwise
  const withAnswer = name === "cluster.test" && type === 1;
  header.writeUInt16BE(withAnswer ? 1 : 0, 6); // answer count
  header.writeUInt16BE(0, 8);
  header.writeUInt16BE(0, 10);
  const question = query.subarray(12, questionEnd);
  if (!withAnswer) return Buffer.concat([header, question]);
  const record = Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 7]);
  return Buffer.concat([header, question, record]);
}

beforeAll(async () => {
  answering = dgram.createSocket("udp4");
  answering.on("message", (query, peer) => answering.send(answer(query), peer.port, peer.address));
  blackHole = dgram.createSocket("udp4");
  blackHole.on("message", () => (swallowed += 1));
  await new Promise<void>((resolve) => answering.bind(0, "127.0.0.1", resolve));
  await new Promise<void>((resolve) => blackHole.bind(0, "127.0.0.1", resolve));
  answeringAt = `127.0.0.1:${answering.address().port}`;
  blackHoleAt = `127.0.0.1:${blackHole.address().port}`;
});

afterAll(() => {
  answering.close();
  blackHole.close();
});

const hostsFile = path.join(mkdtempSync(path.join(tmpdir(), "cks-hosts-")), "hosts");
writeFileSync(hostsFile, "127.0.0.1 localhost\n# a comment\n10.1.2.3  classroom-cluster  Classroom.Lan # trailing\n");

describe("boundedLookup", () => {
  const lookup = (servers: string[], timeoutMs = 2000) => boundedLookup({ timeoutMs, servers, hostsFile });

  it("asks the nameserver for both families and keeps what exists", async () => {
    expect(await lookup([answeringAt])("cluster.test")).toEqual(["127.0.0.7"]);
    expect(await lookup([answeringAt])("Cluster.Test.")).toEqual(["127.0.0.7"]);
  });

  it("reports a name that does not exist as ENOTFOUND", async () => {
    await expect(lookup([answeringAt])("nowhere.test")).rejects.toMatchObject({ code: "ENOTFOUND" });
  });

  it("answers IP literals, localhost names and hosts-file entries without a nameserver", async () => {
    const offline = lookup([blackHoleAt], 300);
    expect(await offline("203.0.113.9")).toEqual(["203.0.113.9"]);
    expect(await offline("localhost")).toEqual(["127.0.0.1", "::1"]);
    expect(await offline("api.localhost")).toEqual(["127.0.0.1", "::1"]);
    expect(await offline("classroom.lan")).toEqual(["10.1.2.3"]);
  });

  it("gives up on a nameserver that never answers, and never blocks libuv's thread pool while waiting", async () => {
    const before = swallowed;
    const events: string[] = [];
    // Eight lookups hang: twice the pool's four threads. A pool job started after them still runs at once.
    const hanging = Array.from({ length: 8 }, (_v, i) =>
      lookup(
        [blackHoleAt],
        1500,
      )(`slow${i}.test`).then(
        () => events.push("resolved"),
        (error: { code?: string }) => events.push(`lookup ${error.code}`),
      ),
    );
    await new Promise<void>((resolve) =>
      pbkdf2("password", "salt", 1000, 32, "sha256", () => {
        events.push("thread pool job done");
        resolve();
      }),
    );
    await Promise.all(hanging);
    expect(events[0]).toBe("thread pool job done");
    expect(events.slice(1)).toEqual(Array(8).fill("lookup ETIMEOUT"));
    expect(swallowed).toBeGreaterThan(before);
  });
});

describe("parseHosts", () => {
  it("maps every alias, lower case, to its addresses in file order, skipping comments and junk", () => {
    const hosts = parseHosts("127.0.0.1 localhost\n::1 localhost ip6-localhost\nnot-an-ip name\n# 10.0.0.1 hidden\n");
    expect(Object.fromEntries(hosts)).toEqual({ localhost: ["127.0.0.1", "::1"], "ip6-localhost": ["::1"] });
  });
});
