import { randomBytes, randomUUID } from "node:crypto";
import type { AdmissionChain } from "../admission/chain";
import { nowIso } from "../clock";
import { isRecord } from "../is-record";
import { alreadyExists, badRequest, invalid, namespaceTerminating, notFound } from "../k8s-status";
import type { TKubeObject } from "../types";
import { apiVersionOf, refOf, type TKind, type TStrategyContext, type TUserInfo } from "./kind";
import { validateName } from "./object-name";
import type { ObjectStore } from "./object-store";
import type { Scheme } from "./scheme";

/**
 * Options of a write: server-side dry-run (validated and admitted, nothing stored), who writes, and the
 * subresource written through (e.g. `ephemeralcontainers`), which kinds and admission plugins may read.
 */
export type TWriteOptions = { dryRun: boolean; user: TUserInfo; subresource?: string };

/** What happens to an object's dependents (objects whose ownerReferences name it) when it is deleted. */
export type TPropagationPolicy = "Orphan" | "Background" | "Foreground";

/** Work that must finish before a deleted object leaves the store (stopping a pod's containers, emptying a namespace). */
export type TFinalizer = (object: TKubeObject) => Promise<void>;

function randomSuffix(): string {
  const alphabet = "bcdfghjklmnpqrstvwxz2456789";
  return Array.from(randomBytes(5), (byte) => alphabet[byte % alphabet.length]).join("");
}

function describe(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * The generic object registry: every kind's create, update, delete and reads go through here, so each
 * kind only says what differs (its TKind hooks). Routes call it for users; controllers call it for
 * themselves, and their writes are validated and admitted like anyone's.
 */
export class Registry {
  private readonly finalizers = new Map<string, TFinalizer[]>();

  constructor(
    readonly scheme: Scheme,
    readonly store: ObjectStore,
    private readonly admission: AdmissionChain,
  ) {}

  /** Runs `finalizer` on every deletion of `resource` before the object is removed (marked with deletionTimestamp meanwhile). */
  addFinalizer(resource: string, finalizer: TFinalizer): void {
    this.finalizers.set(resource, [...(this.finalizers.get(resource) ?? []), finalizer]);
  }

  /** The stored object, or undefined. */
  find(kind: TKind, namespace: string, name: string): TKubeObject | undefined {
    return this.store.get(kind.resource, kind.namespaced ? namespace : "", name);
  }

  /** The stored object, or a 404 NotFound as the API server words it. */
  get(kind: TKind, namespace: string, name: string): TKubeObject {
    const found = this.find(kind, namespace, name);
    if (!found) throw notFound(refOf(kind), name);
    return found;
  }

  /** Objects of a kind, in one namespace or (with `""`/undefined, or for cluster-scoped kinds) everywhere. */
  list(kind: TKind, namespace?: string): TKubeObject[] {
    return this.store.list(kind.resource, kind.namespaced && namespace ? namespace : undefined);
  }

  /** Validates, defaults, admits and (unless dry-run) stores a new object. */
  async create(
    kind: TKind,
    namespace: string,
    body: unknown,
    options: TWriteOptions,
  ): Promise<{ object: TKubeObject; warnings: string[] }> {
    const apiVersion = apiVersionOf(kind);
    const context: TStrategyContext = { registry: this, ...options };
    if (!isRecord(body)) throw badRequest("the request body must be a JSON object");
    if (body.kind !== undefined && body.kind !== kind.kind)
      throw badRequest(`the server could not handle ${describe(body.kind)} as a ${kind.kind}: kind mismatch`);
    if (body.apiVersion !== undefined && body.apiVersion !== apiVersion)
      throw badRequest(
        `the API version in the data (${describe(body.apiVersion)}) does not match the expected API version (${apiVersion})`,
      );
    const object = structuredClone(body) as TKubeObject;
    object.apiVersion = apiVersion;
    object.kind = kind.kind;
    object.metadata = isRecord(object.metadata) ? object.metadata : {};
    const metadata = object.metadata;
    if (kind.namespaced) {
      // An empty namespace (what protobuf bodies of `kubectl create secret` carry without -n) means "the request's".
      if (metadata.namespace !== undefined && metadata.namespace !== "" && metadata.namespace !== namespace)
        throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
      metadata.namespace = namespace;
    } else {
      delete metadata.namespace;
    }
    if (!metadata.name && typeof metadata.generateName === "string" && metadata.generateName !== "")
      metadata.name = `${metadata.generateName}${randomSuffix()}`;
    const name = metadata.name ?? "";
    const namespaceObject = kind.namespaced ? this.store.get("namespaces", "", namespace) : undefined;
    if (kind.namespaced) {
      if (!namespaceObject) throw notFound({ resource: "namespaces", group: "" }, namespace);
      if ((namespaceObject.status as { phase?: string } | undefined)?.phase === "Terminating")
        throw namespaceTerminating(refOf(kind), name, namespace);
    }
    const errors = kind.validate
      ? kind.validate(object, context)
      : validateName(metadata.name, "metadata.name", "subdomain");
    if (errors.length > 0) throw invalid(kind.kind, refOf(kind), name, errors);
    metadata.uid = randomUUID();
    metadata.creationTimestamp = nowIso();
    delete metadata.resourceVersion;
    delete metadata.deletionTimestamp;
    kind.prepareForCreate?.(object, context);
    const warnings = kind.warningsOnCreate?.(object, context) ?? [];
    warnings.push(
      ...(await this.admission.admit({
        operation: "CREATE",
        kind,
        name,
        namespace: kind.namespaced ? namespace : "",
        object,
        namespaceObject,
        user: options.user,
        dryRun: options.dryRun,
        subresource: options.subresource,
      })),
    );
    if (this.find(kind, namespace, name)) throw alreadyExists(refOf(kind), name);
    if (options.dryRun) return { object, warnings };
    return { object: this.store.put(kind.resource, kind.namespaced ? namespace : "", object), warnings };
  }

  /** Replaces a stored object with `updated` (a PUT body or a patched copy), keeping its identity. */
  async update(
    kind: TKind,
    existing: TKubeObject,
    updated: unknown,
    options: TWriteOptions,
  ): Promise<{ object: TKubeObject; warnings: string[] }> {
    if (!isRecord(updated) || !isRecord(updated.metadata)) throw badRequest("the updated object has no metadata");
    const next = structuredClone(updated) as TKubeObject;
    for (const key of ["name", "namespace", "uid", "creationTimestamp"] as const)
      next.metadata[key] = existing.metadata[key];
    next.apiVersion = apiVersionOf(kind);
    next.kind = kind.kind;
    kind.prepareForUpdate?.(next, existing, { registry: this, ...options });
    const namespace = existing.metadata.namespace ?? "";
    const warnings = await this.admission.admit({
      operation: "UPDATE",
      kind,
      name: existing.metadata.name ?? "",
      namespace,
      object: next,
      oldObject: existing,
      namespaceObject: kind.namespaced ? this.store.get("namespaces", "", namespace) : undefined,
      user: options.user,
      dryRun: options.dryRun,
      subresource: options.subresource,
    });
    if (options.dryRun) return { object: next, warnings };
    return { object: this.store.put(kind.resource, namespace, next), warnings };
  }

  /**
   * Deletes an object. When finalizers are registered for its resource it is first marked (deletionTimestamp,
   * then the kind's prepareForDelete) and removed only after they finish. Returns the removed object.
   */
  async delete(
    kind: TKind,
    namespace: string,
    name: string,
    options: { user: TUserInfo; propagationPolicy?: TPropagationPolicy },
  ): Promise<TKubeObject | undefined> {
    const context: TStrategyContext = { registry: this, user: options.user, dryRun: false };
    const scope = kind.namespaced ? namespace : "";
    const existing = this.store.get(kind.resource, scope, name);
    if (!existing) return undefined;
    kind.checkDelete?.(existing, context);
    // Background (the default) leaves dependents to the garbage collector once the owner is gone; Orphan
    // takes the owner out of their ownerReferences first; Foreground deletes them before the owner.
    if (options.propagationPolicy === "Orphan") this.orphanDependents(existing);
    if (options.propagationPolicy === "Foreground") {
      for (const dependent of this.dependents(existing)) {
        await this.delete(
          dependent.kind,
          dependent.object.metadata.namespace ?? "",
          dependent.object.metadata.name ?? "",
          {
            user: options.user,
            propagationPolicy: "Foreground",
          },
        );
      }
    }
    const finalizers = this.finalizers.get(kind.resource) ?? [];
    if (finalizers.length > 0) {
      existing.metadata.deletionTimestamp = nowIso();
      kind.prepareForDelete?.(existing, context);
      const marked = this.store.put(kind.resource, scope, existing);
      for (const finalize of finalizers) await finalize(marked);
    }
    return this.store.delete(kind.resource, scope, name);
  }

  /** Objects whose ownerReferences name `owner` (by uid), with their kinds: what garbage collection reaches. */
  dependents(owner: TKubeObject): { kind: TKind; object: TKubeObject }[] {
    const uid = owner.metadata.uid;
    const namespace = owner.metadata.namespace;
    const found: { kind: TKind; object: TKubeObject }[] = [];
    for (const kind of this.scheme.kinds) {
      if (kind.review) continue;
      // A namespaced owner only has dependents in its own namespace.
      if (namespace && !kind.namespaced) continue;
      for (const object of this.list(kind, namespace || undefined)) {
        const references = object.metadata.ownerReferences as { uid?: string }[] | undefined;
        if (references?.some((reference) => reference.uid === uid)) found.push({ kind, object });
      }
    }
    return found;
  }

  private orphanDependents(owner: TKubeObject): void {
    for (const { kind, object } of this.dependents(owner)) {
      const references = (object.metadata.ownerReferences as { uid?: string }[]).filter(
        (reference) => reference.uid !== owner.metadata.uid,
      );
      if (references.length > 0) object.metadata.ownerReferences = references;
      else delete object.metadata.ownerReferences;
      this.store.put(kind.resource, kind.namespaced ? (object.metadata.namespace ?? "") : "", object);
    }
  }
}
