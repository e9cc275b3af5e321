import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveConnection } from "@/lib/connections/save-connection";
import { createTestUser, useTestDatabase } from "@/lib/db/test-database";
import { connectTarget, targetLabel } from "./connect-target";

const kindYaml = readFileSync(
  path.join(import.meta.dirname, "..", "connections", "fixtures", "kind-kubeconfig.yaml"),
  "utf8",
);
const saved = { ...process.env };

beforeAll(async () => {
  await useTestDatabase("connect-target");
  // The server's own kubeconfig (local mode) and the classroom settings the saved path reads.
  const dir = mkdtempSync(path.join(os.tmpdir(), "cks-target-"));
  writeFileSync(path.join(dir, "config"), kindYaml);
  process.env.KUBECONFIG = path.join(dir, "config");
  process.env.CKS_CONNECTION_KEY = randomBytes(32).toString("base64");
  process.env.CKS_ALLOW_PRIVATE_CLUSTERS = "1";
});
afterAll(() => {
  process.env = saved;
});

describe("connectTarget: the one resolver for grading and self-tests", () => {
  it("connects to a named context of the server's kubeconfig, and to its current context when none is named", async () => {
    for (const request of [{ context: "kind-cks" }, {}]) {
      expect(await connectTarget(request, "nobody")).toMatchObject({
        ok: true,
        context: "kind-cks",
        server: "https://127.0.0.1:40731",
      });
    }
  });

  it("names an unknown context in its error", async () => {
    const result = await connectTarget({ context: "kind-missing" }, "nobody");
    expect(result).toEqual({ ok: false, failure: expect.stringContaining("kind-missing") });
  });

  it("connects to the user's saved connection, shown by its label and the server they pasted", async () => {
    const userId = await createTestUser();
    expect(await connectTarget({ connection: "saved" }, userId)).toEqual({
      ok: false,
      failure: "You have no saved connection: add one on the Cluster page (/connections).",
    });
    const stored = await saveConnection(userId, { label: "my kind", kubeconfig: kindYaml });
    expect(stored.ok).toBe(true);
    expect(await connectTarget({ connection: "saved" }, userId)).toMatchObject({
      ok: true,
      context: "saved connection my kind (kind-cks)",
      server: "https://127.0.0.1:40731",
    });
  });

  it("labels a run before it connects", () => {
    expect(targetLabel({ connection: "saved" })).toBe("saved connection");
    expect(targetLabel({ context: "kind-cks" })).toBe("kind-cks");
    expect(targetLabel({})).toBeNull();
  });
});
