import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { db } from "@/lib/db/client";
import { createTestUser, useTestDatabase } from "@/lib/db/test-database";
import type { Lookup } from "@/grader";
import { connectionForGrading } from "./connection-for-grading";
import { getConnectionSummary } from "./connection-summary";
import { deleteConnection } from "./delete-connection";
import { parseConnectionKey } from "./encryption";
import { saveConnection } from "./save-connection";
import { testConnection } from "./test-connection";

const kindYaml = readFileSync(path.join(import.meta.dirname, "fixtures", "kind-kubeconfig.yaml"), "utf8");
const kind = parse(kindYaml) as {
  clusters: Array<{ cluster: Record<string, unknown> }>;
  users: Array<{ user: Record<string, unknown> }>;
};
const KEY_DATA = kind.users[0]!.user["client-key-data"] as string;
const key = parseConnectionKey(randomBytes(32).toString("base64"));
const classroom = { allowPrivate: true, allowHttpLoopback: false };
const publicOnly = { allowPrivate: false, allowHttpLoopback: false };

let dns: Record<string, string[]> = {};
const lookup: Lookup = async (hostname) =>
  dns[hostname] ?? Promise.reject(Object.assign(new Error("no"), { code: "ENOTFOUND" }));
const deps = { key, lookup, options: classroom };

function withServer(server: string, user?: Record<string, unknown>): string {
  const config = structuredClone(kind);
  config.clusters[0]!.cluster.server = server;
  if (user) config.users[0]!.user = user;
  return stringify(config);
}

beforeAll(() => useTestDatabase("connections"));
const newUser = () => createTestUser();

describe("saved cluster connections", () => {
  it("saves a kind kubeconfig sealed, shows a summary without secrets, and opens it again for the grader", async () => {
    const userId = await newUser();
    const saved = await saveConnection(userId, { label: "  my kind  ", kubeconfig: kindYaml }, deps);
    expect(saved).toEqual({
      ok: true,
      summary: {
        label: "my kind",
        server: "https://127.0.0.1:40731",
        context: "kind-cks",
        createdAt: expect.any(String),
        lastTestedAt: null,
        lastVersion: null,
      },
    });
    expect(JSON.stringify(saved)).not.toContain(KEY_DATA.slice(0, 40));

    // What is stored: no plaintext credential anywhere in the row.
    const row = await db().clusterConnection.findUniqueOrThrow({ where: { userId } });
    expect(row.encryptedKubeconfig).toMatch(/^v1:/);
    expect(JSON.stringify(row)).not.toContain(KEY_DATA.slice(0, 40));
    expect(JSON.stringify(row)).not.toContain("client-key-data");

    expect(await getConnectionSummary(userId)).toEqual((saved as { summary: unknown }).summary);
    const opened = await connectionForGrading(userId, deps);
    if (!opened.ok) throw new Error(opened.failure.message);
    expect(opened).toMatchObject({ label: "my kind", server: "https://127.0.0.1:40731", context: "kind-cks" });
    expect((parse(opened.connect.kubeconfigYaml!) as typeof kind).users[0]!.user["client-key-data"]).toBe(
      KEY_DATA.replace(/\s/g, ""),
    );
  });

  it("keeps one connection per learner: saving again replaces it", async () => {
    const userId = await newUser();
    await saveConnection(userId, { label: "first", kubeconfig: kindYaml }, deps);
    await saveConnection(userId, { label: "second", kubeconfig: withServer("https://10.0.0.9:6443") }, deps);
    expect(await db().clusterConnection.count({ where: { userId } })).toBe(1);
    expect(await getConnectionSummary(userId)).toMatchObject({ label: "second", server: "https://10.0.0.9:6443" });
  });

  it("never opens one learner's connection for another, even with the sealed value copied over", async () => {
    const owner = await newUser();
    const thief = await newUser();
    await saveConnection(owner, { label: "mine", kubeconfig: kindYaml }, deps);
    expect(await connectionForGrading(thief, deps)).toMatchObject({ ok: false, failure: { kind: "none" } });
    expect(await getConnectionSummary(thief)).toBeNull();
    const { encryptedKubeconfig } = await db().clusterConnection.findUniqueOrThrow({ where: { userId: owner } });
    await db().clusterConnection.create({
      data: {
        userId: thief,
        label: "stolen",
        server: "https://127.0.0.1:40731",
        context: "kind-cks",
        encryptedKubeconfig,
      },
    });
    expect(await connectionForGrading(thief, deps)).toMatchObject({
      ok: false,
      failure: { kind: "unusable", message: expect.stringMatching(/failed authentication/) },
    });
  });

  const refusals: Array<{ name: string; kubeconfig: string; options?: typeof classroom; error: RegExp }> = [
    {
      name: "an exec credential plugin",
      kubeconfig: withServer("https://127.0.0.1:6443", {
        exec: { apiVersion: "client.authentication.k8s.io/v1", command: "sh", args: ["-c", "id"] },
      }),
      error: /exec credential plugin: it would run a command on our server/,
    },
    {
      name: "a token file",
      kubeconfig: withServer("https://127.0.0.1:6443", { tokenFile: "/etc/passwd" }),
      error: /tokenFile is a file path/,
    },
    { name: "the metadata address", kubeconfig: withServer("https://169.254.169.254"), error: /never allowed/ },
    {
      name: "a metadata hostname",
      kubeconfig: withServer("https://metadata.google.internal"),
      error: /cloud metadata service/,
    },
    {
      name: "loopback on a public-only instance",
      kubeconfig: kindYaml,
      options: publicOnly,
      error: /loopback address.*CKS_ALLOW_PRIVATE_CLUSTERS/,
    },
    {
      name: "a name resolving to a private address on a public-only instance",
      kubeconfig: withServer("https://lan.example.com"),
      options: publicOnly,
      error: /192\.168\.0\.7/,
    },
    {
      name: "plain http to loopback unless allowed",
      kubeconfig: withServer("http://127.0.0.1:8080"),
      error: /does not accept plain http/,
    },
    { name: "an empty paste", kubeconfig: "", error: /Paste the output of `kind get kubeconfig/ },
  ];
  it.each(refusals)("refuses $name and stores nothing", async ({ kubeconfig, options, error }) => {
    dns = { "lan.example.com": ["192.168.0.7"] };
    const userId = await newUser();
    const result = await saveConnection(userId, { label: "x", kubeconfig }, { ...deps, options: options ?? classroom });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.failure).toMatch(error);
    expect(await getConnectionSummary(userId)).toBeNull();
  });

  it("accepts http to loopback when the instance allows it", async () => {
    const userId = await newUser();
    const result = await saveConnection(
      userId,
      { label: "test", kubeconfig: withServer("http://127.0.0.1:8080") },
      { ...deps, options: { allowPrivate: true, allowHttpLoopback: true } },
    );
    expect(result).toMatchObject({ ok: true, summary: { server: "http://127.0.0.1:8080" } });
  });

  it("accepts a loopback cluster from a learner at this machine, and refuses to use it for a request from elsewhere", async () => {
    const userId = await newUser();
    const atThisMachine = { ...publicOnly, allowLoopback: true };
    const saved = await saveConnection(
      userId,
      { label: "kind", kubeconfig: kindYaml },
      { ...deps, options: atThisMachine },
    );
    expect(saved).toMatchObject({ ok: true, summary: { label: "kind" } });
    expect(await connectionForGrading(userId, { ...deps, options: atThisMachine })).toMatchObject({
      ok: true,
      connect: { addressPolicy: { allowPrivate: false, allowLoopback: true } },
    });
    // From another machine, 127.0.0.1 is the server itself: the same saved connection is refused.
    expect(await connectionForGrading(userId, { ...deps, options: publicOnly })).toMatchObject({
      ok: false,
      failure: { message: expect.stringMatching(/loopback address/) },
    });
  });

  it("checks the address again at use, and pins the connection to the address it checked", async () => {
    const userId = await newUser();
    dns = { "cluster.example.com": ["203.0.113.10"] };
    const pub = { ...deps, options: publicOnly };
    expect(
      await saveConnection(userId, { label: "cloud", kubeconfig: withServer("https://cluster.example.com:6443") }, pub),
    ).toMatchObject({ ok: true });

    const opened = await connectionForGrading(userId, pub);
    if (!opened.ok) throw new Error(opened.failure.message);
    // The kubeconfig keeps the name (TLS is verified against it); every socket dials the checked address,
    // under the learner's own connection budget and the instance's address policy.
    const cluster = (parse(opened.connect.kubeconfigYaml!) as typeof kind).clusters[0]!.cluster;
    expect(cluster.server).toBe("https://cluster.example.com:6443");
    expect(opened.connect).toMatchObject({
      pinnedAddress: "203.0.113.10",
      addressPolicy: { allowPrivate: false },
      owner: userId,
    });
    expect(opened.server).toBe("https://cluster.example.com:6443");

    // DNS rebinding: the same name now answers with the metadata address.
    dns = { "cluster.example.com": ["169.254.169.254"] };
    expect(await connectionForGrading(userId, pub)).toMatchObject({
      ok: false,
      failure: { kind: "unusable", message: expect.stringMatching(/169\.254\.169\.254.*never allowed/) },
    });
  });

  it("stores the version a cluster reports bounded and without control characters", async () => {
    const hostileVersion = `v1.35.0\u001b[2J\r<img src=x onerror=alert(1)>${"9".repeat(100_000)}`;
    const api = http.createServer((req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      if (req.url === "/version") res.end(JSON.stringify({ gitVersion: hostileVersion }));
      else res.end(JSON.stringify({ kind: "SelfSubjectAccessReview", status: { allowed: true } }));
    });
    await new Promise<void>((resolve) => api.listen(0, "127.0.0.1", resolve));
    try {
      const userId = await newUser();
      const loopback = { ...deps, options: { allowPrivate: true, allowHttpLoopback: true } };
      const server = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
      expect(
        await saveConnection(userId, { label: "odd", kubeconfig: withServer(server, { token: "t0k3n" }) }, loopback),
      ).toMatchObject({ ok: true });
      const tested = await testConnection(userId, loopback);
      expect(tested).toMatchObject({ ok: true, version: expect.stringMatching(/^v1\.35\.0\ufffd\[2J\ufffd<img/) });
      const row = await db().clusterConnection.findUniqueOrThrow({ where: { userId } });
      expect(row.lastVersion?.length).toBeLessThanOrEqual(64);
      // eslint-disable-next-line no-control-regex -- looking for control characters is the point
      expect(row.lastVersion).not.toMatch(/[\u0000-\u001f]/);
    } finally {
      await new Promise<void>((resolve) => api.close(() => resolve()));
    }
  });

  it("deletes the connection", async () => {
    const userId = await newUser();
    await saveConnection(userId, { label: "gone soon", kubeconfig: kindYaml }, deps);
    expect(await deleteConnection(userId)).toBe(true);
    expect(await getConnectionSummary(userId)).toBeNull();
    expect(await deleteConnection(userId)).toBe(false);
  });

  it("cannot open a connection after the key changed, and says to paste again", async () => {
    const userId = await newUser();
    await saveConnection(userId, { label: "old key", kubeconfig: kindYaml }, deps);
    const other = parseConnectionKey(randomBytes(32).toString("base64"));
    expect(await connectionForGrading(userId, { ...deps, key: other })).toMatchObject({
      ok: false,
      failure: { kind: "unusable", message: expect.stringMatching(/Paste your kubeconfig again/) },
    });
  });
});
