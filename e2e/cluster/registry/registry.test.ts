import { describe, expect, it } from "vitest";
import { AdmissionChain, type TAdmissionPlugin } from "../admission/chain";
import { NamespaceFinalizer } from "../controllers/namespace-finalizer";
import { SystemNamespaces } from "../controllers/system-namespaces";
import { EventRecorder } from "../controllers/event-recorder";
import { ApiError, forbidden } from "../k8s-status";
import { namespaceKind } from "../kinds/namespace";
import type { TKubeObject } from "../types";
import { clusterAdmin, crudVerbs, type TKind } from "./kind";
import { ObjectStore, type TWatchEvent } from "./object-store";
import { Registry } from "./registry";
import { Scheme } from "./scheme";

// A kind the way a new one is added: one object, only the hooks that differ from the defaults.
const widgetKind: TKind = {
  group: "example.test",
  version: "v1",
  kind: "Widget",
  resource: "widgets",
  singular: "widget",
  namespaced: true,
  verbs: crudVerbs,
  prepareForCreate(object) {
    object.spec = { size: 1, ...(object.spec as object) };
  },
  prepareForUpdate(next, existing) {
    next.status = existing.status;
  },
  prepareForDelete(existing) {
    existing.status = { phase: "Going" };
  },
};

const write = { dryRun: false, user: clusterAdmin };

async function setUp(plugins: TAdmissionPlugin[] = []) {
  const store = new ObjectStore();
  const registry = new Registry(new Scheme([namespaceKind, widgetKind]), store, new AdmissionChain(plugins));
  const context = { registry, store, events: new EventRecorder(store, registry.scheme) };
  await new SystemNamespaces().start(context);
  await new NamespaceFinalizer().start(context);
  return { registry, store };
}

function statusOf(error: unknown): { code: number; message: string } {
  if (!(error instanceof ApiError)) throw error;
  return { code: error.status.code, message: error.status.message };
}

describe("Registry.create", () => {
  it("stamps identity, applies the kind's defaults and stores under the namespace", async () => {
    const { registry } = await setUp();
    const { object } = await registry.create(widgetKind, "default", { metadata: { name: "w" } }, write);
    expect(object).toMatchObject({
      apiVersion: "example.test/v1",
      kind: "Widget",
      metadata: { name: "w", namespace: "default", resourceVersion: expect.any(String), uid: expect.any(String) },
      spec: { size: 1 },
    });
    expect(registry.get(widgetKind, "default", "w").metadata.uid).toBe(object.metadata.uid);
  });

  it("names an object from generateName", async () => {
    const { registry } = await setUp();
    const { object } = await registry.create(widgetKind, "default", { metadata: { generateName: "w-" } }, write);
    expect(object.metadata.name).toMatch(/^w-[a-z0-9]{5}$/);
  });

  it.each([
    ["a missing namespace", "nowhere", { metadata: { name: "w" } }, 404, 'namespaces "nowhere" not found'],
    [
      "an invalid name",
      "default",
      { metadata: { name: "Not_Valid" } },
      422,
      'Widget.example.test "Not_Valid" is invalid',
    ],
    ["another kind", "default", { kind: "Gadget", metadata: { name: "w" } }, 400, "kind mismatch"],
  ])("refuses %s", async (_case, namespace, body, code, message) => {
    const { registry } = await setUp();
    const refused = await registry.create(widgetKind, namespace, body, write).then(() => undefined, statusOf);
    expect(refused?.code).toBe(code);
    expect(refused?.message).toContain(message);
  });

  it("runs every plugin's mutation before any validation, and returns the validations' warnings", async () => {
    const calls: string[] = [];
    const plugin = (name: string): TAdmissionPlugin => ({
      name,
      mutate: ({ object }) => {
        calls.push(`mutate ${name}`);
        object.metadata.labels = { ...object.metadata.labels, [name]: "seen" };
      },
      validate: ({ object }) => {
        calls.push(`validate ${name}`);
        return [`${name} saw ${Object.keys(object.metadata.labels ?? {}).join(",")}`];
      },
    });
    const { registry } = await setUp([plugin("a"), plugin("b")]);
    calls.length = 0; // the system namespaces went through the chain too
    const { warnings } = await registry.create(widgetKind, "default", { metadata: { name: "w" } }, write);
    expect(calls).toEqual(["mutate a", "mutate b", "validate a", "validate b"]);
    expect(warnings).toEqual(["a saw a,b", "b saw a,b"]);
  });

  it("stores nothing when a plugin denies, nor on a dry run", async () => {
    const deny: TAdmissionPlugin = {
      name: "deny",
      validate: ({ name, kind }) => {
        if (name === "bad") throw forbidden({ resource: kind.resource, group: kind.group }, name, "no");
        return [];
      },
    };
    const { registry } = await setUp([deny]);
    const denied = await registry
      .create(widgetKind, "default", { metadata: { name: "bad" } }, write)
      .then(() => undefined, statusOf);
    expect(denied).toEqual({ code: 403, message: 'widgets.example.test "bad" is forbidden: no' });
    const { object } = await registry.create(
      widgetKind,
      "default",
      { metadata: { name: "dry" } },
      { ...write, dryRun: true },
    );
    expect(object.metadata.name).toBe("dry");
    expect(registry.list(widgetKind, "default")).toEqual([]);
  });
});

describe("Registry.update", () => {
  it("keeps the stored identity and lets the kind carry status over", async () => {
    const { registry } = await setUp();
    const { object: created } = await registry.create(widgetKind, "default", { metadata: { name: "w" } }, write);
    const { object } = await registry.update(
      widgetKind,
      { ...created, status: { phase: "Ready" } },
      { metadata: { name: "renamed", uid: "forged", labels: { a: "b" } }, spec: { size: 3 } },
      write,
    );
    expect(object.metadata).toMatchObject({ name: "w", uid: created.metadata.uid, labels: { a: "b" } });
    expect(object).toMatchObject({ spec: { size: 3 }, status: { phase: "Ready" } });
  });
});

describe("Registry.delete", () => {
  it("removes an object at once when nothing finalizes its resource", async () => {
    const { registry, store } = await setUp();
    await registry.create(widgetKind, "default", { metadata: { name: "w" } }, write);
    const seen: TWatchEvent["type"][] = [];
    store.events.on("event", (event: TWatchEvent) => seen.push(event.type));
    await registry.delete(widgetKind, "default", "w", write);
    expect(seen).toEqual(["DELETED"]);
  });

  it("marks the object and waits for every finalizer before removing it", async () => {
    const { registry } = await setUp();
    await registry.create(widgetKind, "default", { metadata: { name: "w" } }, write);
    const during: TKubeObject[] = [];
    registry.addFinalizer("widgets", async (object) => {
      during.push(registry.get(widgetKind, "default", "w"));
      expect(object.metadata.deletionTimestamp).toBeDefined();
    });
    const gone = await registry.delete(widgetKind, "default", "w", write);
    expect(during[0]).toMatchObject({
      metadata: { deletionTimestamp: expect.any(String) },
      status: { phase: "Going" },
    });
    expect(gone?.metadata.name).toBe("w");
    expect(registry.find(widgetKind, "default", "w")).toBeUndefined();
  });

  it("empties a namespace of every namespaced kind before the namespace goes, and keeps the system ones", async () => {
    const { registry } = await setUp();
    await registry.create(namespaceKind, "", { metadata: { name: "lab" } }, write);
    await registry.create(widgetKind, "lab", { metadata: { name: "w" } }, write);
    await registry.create(widgetKind, "default", { metadata: { name: "keep" } }, write);
    await registry.delete(namespaceKind, "", "lab", write);
    expect(registry.list(widgetKind).map((object) => object.metadata.name)).toEqual(["keep"]);
    expect(registry.find(namespaceKind, "", "lab")).toBeUndefined();
    const refused = await registry.delete(namespaceKind, "", "default", write).then(() => undefined, statusOf);
    expect(refused).toEqual({
      code: 403,
      message: 'namespaces "default" is forbidden: this namespace may not be deleted',
    });
  });
});
