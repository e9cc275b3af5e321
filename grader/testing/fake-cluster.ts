import { readFileSync } from "node:fs";
import path from "node:path";
import type {
  AccessDecision,
  AccessRequest,
  CallOptions,
  CallResult,
  ClusterFailure,
  ClusterPort,
  ExecOutput,
  KubeObject,
  ListRequest,
  ObjectList,
  ObjectRef,
  SubjectAccessRequest,
} from "../port";

type ExecArgs = Parameters<ClusterPort["exec"]>[0];
type Method =
  | "version"
  | "readNamespace"
  | "readPod"
  | "readObject"
  | "listObjects"
  | "readLogs"
  | "exec"
  | "create"
  | "patch"
  | "addEphemeralContainer"
  | "delete"
  | "reviewAccess"
  | "reviewSubjectAccess";

/** Loads a pod fixture (realistic `kubectl get pod -o json` output) from grader/testing/fixtures. */
export function podFixture(name: string): KubeObject {
  return JSON.parse(readFileSync(path.join(import.meta.dirname, "fixtures", `${name}.json`), "utf8")) as KubeObject;
}

/**
 * An in-memory cluster behind the port. Pods exec like a read-only-root nginx container: writes succeed only
 * under emptyDir mounts, `apt update` fails as it does on the real image.
 */
export class FakeCluster implements ClusterPort {
  /** Containers whose root a privileged `mount -o remount,bind,rw /` made writable. */
  private readonly remountedWritable = new Set<string>();
  readonly server = "https://127.0.0.1:6443";
  readonly context: string | null = "kind-cks";
  readonly calls: { method: Method; args: unknown }[] = [];
  /** Hanging calls that ended because their signal aborted (a check or run timed out). */
  readonly aborted: Method[] = [];
  namespaces = new Set<string>();
  private readonly pods = new Map<string, KubeObject>();
  private readonly objects = new Map<string, KubeObject>();
  private readonly logs = new Map<string, { current?: string; previous?: string }>();
  /** Forces a method to fail (or hang, with "hang") regardless of state. */
  failures: Partial<Record<Method, ClusterFailure | "hang">> = {};
  /** Overrides exec entirely. */
  execHandler: ((args: ExecArgs) => CallResult<ExecOutput> | Promise<CallResult<ExecOutput>>) | null = null;
  /** Admission for creates and ephemeral containers (the pod as it would become): return a failure to reject. */
  admission: (manifest: KubeObject) => ClusterFailure | null = () => null;
  /** RBAC for reviewAccess: answers allowed for every request unless this says otherwise (default: cluster-admin). */
  authorizer: (request: AccessRequest) => AccessDecision = () => ({
    allowed: true,
    reason: "fake cluster: everything allowed",
  });

  /** RBAC for reviewSubjectAccess (another user's access): denies everything unless this says otherwise. */
  subjectAuthorizer: (request: SubjectAccessRequest) => AccessDecision = () => ({ allowed: false, reason: null });

  constructor(namespace?: string) {
    // Every cluster has a default namespace, as a real API server creates it.
    this.namespaces.add("default");
    if (namespace) this.namespaces.add(namespace);
  }

  addPod(namespace: string, pod: KubeObject, logs?: { current?: string; previous?: string }): this {
    this.namespaces.add(namespace);
    const name = pod.metadata?.name ?? "";
    this.pods.set(`${namespace}/${name}`, { ...pod, metadata: { ...pod.metadata, namespace } });
    const container = ((pod.spec as { containers?: { name: string }[] } | undefined)?.containers ?? [])[0]?.name ?? "";
    if (logs) this.logs.set(`${namespace}/${name}/${container}`, logs);
    return this;
  }

  addObject(object: KubeObject, namespace?: string): this {
    this.objects.set(
      this.key(object.apiVersion ?? "", object.kind ?? "", object.metadata?.name ?? "", namespace),
      object,
    );
    return this;
  }

  /** Number of calls made to a method (e.g. to prove pod reads are shared). */
  count(method: Method): number {
    return this.calls.filter((c) => c.method === method).length;
  }

  async version(options?: CallOptions): Promise<CallResult<{ gitVersion: string }>> {
    return this.answer("version", {}, options, () => ({ ok: true, value: { gitVersion: "v1.32.0" } }));
  }

  async readNamespace(name: string, options?: CallOptions): Promise<CallResult<KubeObject>> {
    return this.answer("readNamespace", { name }, options, () =>
      this.namespaces.has(name)
        ? { ok: true, value: { apiVersion: "v1", kind: "Namespace", metadata: { name } } }
        : notFound(`namespaces "${name}" not found`),
    );
  }

  async readPod(namespace: string, name: string, options?: CallOptions): Promise<CallResult<KubeObject>> {
    return this.answer("readPod", { namespace, name }, options, () => {
      const pod = this.pods.get(`${namespace}/${name}`);
      return pod ? { ok: true, value: structuredClone(pod) } : notFound(`pods "${name}" not found`);
    });
  }

  async readObject(ref: ObjectRef, options?: CallOptions): Promise<CallResult<KubeObject>> {
    return this.answer("readObject", ref, options, () => {
      if (ref.apiVersion === "v1" && ref.kind === "Pod")
        return this.pods.has(`${ref.namespace}/${ref.name}`)
          ? { ok: true, value: this.pods.get(`${ref.namespace}/${ref.name}`)! }
          : notFound("pod");
      const object =
        this.objects.get(this.key(ref.apiVersion, ref.kind, ref.name, ref.namespace)) ??
        this.objects.get(this.key(ref.apiVersion, ref.kind, ref.name));
      return object ? { ok: true, value: structuredClone(object) } : notFound(`${ref.kind} "${ref.name}" not found`);
    });
  }

  async listObjects(args: ListRequest, options?: CallOptions): Promise<CallResult<ObjectList>> {
    return this.answer("listObjects", args, options, () => {
      const wanted = parseEquality(args.labelSelector ?? "");
      const labelsMatch = (object: KubeObject) => {
        const labels = (object.metadata?.labels ?? {}) as Record<string, string>;
        return Object.entries(wanted).every(([k, v]) => labels[k] === v);
      };
      const all =
        args.apiVersion === "v1" && args.kind === "Pod"
          ? [...this.pods.entries()].filter(([key]) => key.startsWith(`${args.namespace}/`)).map(([, pod]) => pod)
          : [...this.objects.entries()]
              .filter(([key]) => key.startsWith(`${args.apiVersion}/${args.kind}/${args.namespace}/`))
              .map(([, object]) => object);
      const matching = all.filter(labelsMatch).map((o) => structuredClone(o));
      return { ok: true, value: { items: matching.slice(0, args.limit), truncated: matching.length > args.limit } };
    });
  }

  async readLogs(
    args: { namespace: string; pod: string; container: string; previous: boolean },
    options?: CallOptions,
  ): Promise<CallResult<string>> {
    return this.answer("readLogs", args, options, () => {
      if (!this.pods.has(`${args.namespace}/${args.pod}`)) return notFound(`pods "${args.pod}" not found`);
      const logs = this.logs.get(`${args.namespace}/${args.pod}/${args.container}`) ?? {};
      const text = args.previous ? logs.previous : (logs.current ?? "");
      if (text === undefined) {
        return {
          ok: false,
          failure: {
            kind: "unexpected",
            code: 400,
            message: `previous terminated container "${args.container}" in pod "${args.pod}" not found`,
          },
        };
      }
      return { ok: true, value: text };
    });
  }

  async exec(args: ExecArgs, options?: CallOptions): Promise<CallResult<ExecOutput>> {
    return this.answer("exec", args, options, () =>
      this.execHandler ? this.execHandler(args) : this.simulateExec(args),
    );
  }

  async create(
    manifest: KubeObject,
    options: { namespace: string; dryRun?: boolean },
    call?: CallOptions,
  ): Promise<CallResult<KubeObject>> {
    return this.answer("create", { manifest, options }, call, () => {
      if (manifest.kind !== "Namespace" && !this.namespaces.has(options.namespace))
        return notFound(`namespaces "${options.namespace}" not found`);
      const rejection = this.admission(manifest);
      if (rejection) return { ok: false, failure: rejection };
      if (!options.dryRun) {
        if (manifest.kind === "Pod") this.addPod(options.namespace, manifest);
        else if (manifest.kind === "Namespace") this.namespaces.add(manifest.metadata?.name ?? "");
        else this.addObject(manifest, options.namespace);
      }
      return { ok: true, value: manifest };
    });
  }

  async patch(
    manifest: KubeObject,
    options: { namespace: string },
    call?: CallOptions,
  ): Promise<CallResult<KubeObject>> {
    return this.answer("patch", { manifest, options }, call, () => {
      if (!this.namespaces.has(options.namespace)) return notFound(`namespaces "${options.namespace}" not found`);
      this.addObject(manifest, options.namespace);
      return { ok: true, value: manifest };
    });
  }

  async addEphemeralContainer(
    args: { namespace: string; pod: string; container: Record<string, unknown>; dryRun: boolean },
    call?: CallOptions,
  ): Promise<CallResult<KubeObject>> {
    return this.answer("addEphemeralContainer", args, call, () => {
      const pod = this.pods.get(`${args.namespace}/${args.pod}`);
      if (!pod) return notFound(`pods "${args.pod}" not found`);
      const spec = (pod.spec ?? {}) as { ephemeralContainers?: unknown[] };
      const updated = {
        ...pod,
        spec: { ...spec, ephemeralContainers: [...(spec.ephemeralContainers ?? []), args.container] },
      };
      const rejection = this.admission(updated);
      if (rejection) return { ok: false, failure: rejection };
      if (!args.dryRun) this.pods.set(`${args.namespace}/${args.pod}`, updated);
      return { ok: true, value: updated };
    });
  }

  async delete(ref: ObjectRef, options?: CallOptions): Promise<CallResult<null>> {
    return this.answer("delete", ref, options, () => {
      const existed =
        this.objects.delete(this.key(ref.apiVersion, ref.kind, ref.name, ref.namespace)) ||
        this.pods.delete(`${ref.namespace}/${ref.name}`);
      return existed ? { ok: true, value: null } : notFound(`${ref.kind} "${ref.name}" not found`);
    });
  }

  async reviewAccess(request: AccessRequest, options?: CallOptions): Promise<CallResult<AccessDecision>> {
    return this.answer("reviewAccess", request, options, () => ({ ok: true, value: this.authorizer(request) }));
  }

  async reviewSubjectAccess(request: SubjectAccessRequest, options?: CallOptions): Promise<CallResult<AccessDecision>> {
    return this.answer("reviewSubjectAccess", request, options, () => ({
      ok: true,
      value: this.subjectAuthorizer(request),
    }));
  }

  private async answer<T>(
    method: Method,
    args: unknown,
    options: CallOptions | undefined,
    run: () => CallResult<T> | Promise<CallResult<T>>,
  ): Promise<CallResult<T>> {
    this.calls.push({ method, args });
    const forced = this.failures[method];
    // A hanging call ends only when its signal aborts, as the real adapter's does.
    if (forced === "hang") {
      const signal = options?.signal;
      return new Promise((resolve) => {
        const stop = () => {
          this.aborted.push(method);
          resolve({ ok: false, failure: { kind: "timeout", message: `${method}: stopped` } });
        };
        if (signal?.aborted) stop();
        else signal?.addEventListener("abort", stop, { once: true });
      });
    }
    if (forced) return { ok: false, failure: forced };
    await Promise.resolve();
    return run();
  }

  private key(apiVersion: string, kind: string, name: string, namespace?: string): string {
    return `${apiVersion}/${kind}/${namespace ?? ""}/${name}`;
  }

  private simulateExec(args: ExecArgs): CallResult<ExecOutput> {
    const pod = this.pods.get(`${args.namespace}/${args.pod}`);
    if (!pod) return notFound(`pods "${args.pod}" not found`);
    const spec = pod.spec as {
      containers: {
        name: string;
        securityContext?: { readOnlyRootFilesystem?: boolean; privileged?: boolean };
        volumeMounts?: { name: string; mountPath: string }[];
      }[];
      volumes?: { name: string; emptyDir?: object }[];
    };
    const container = spec.containers.find((c) => c.name === args.container);
    const rootKey = `${args.namespace}/${args.pod}/${args.container}`;
    const status = (
      pod.status as { containerStatuses?: { name: string; state?: { running?: object } }[] } | undefined
    )?.containerStatuses?.find((s) => s.name === args.container);
    if (!container || !status?.state?.running) {
      return {
        ok: false,
        failure: {
          kind: "unexpected",
          code: 400,
          message: `container ${args.container} is not valid for pod ${args.pod}`,
        },
      };
    }
    const readOnlyRoot =
      container.securityContext?.readOnlyRootFilesystem === true && !this.remountedWritable.has(rootKey);
    const writable = (file: string) =>
      !readOnlyRoot ||
      (container.volumeMounts ?? []).some(
        (m) => file.startsWith(`${m.mountPath}/`) && spec.volumes?.find((v) => v.name === m.name)?.emptyDir,
      );
    const [cmd, ...rest] = args.command;
    if (cmd === "sh" && rest[0] === "-c" && rest[1] !== undefined) {
      // Just enough shell for lab probes: `cmd "$1" && cmd "$1"` with positional arguments.
      const positional = rest.slice(2);
      let last: CallResult<ExecOutput> = { ok: true, value: { exitCode: 0, stdout: "", stderr: "" } };
      for (const part of rest[1].split("&&")) {
        const argv = part
          .trim()
          .split(/\s+/)
          .map((word) => word.replace(/^"\$(\d)"$/, (_m, n: string) => positional[Number(n)] ?? ""));
        last = this.simulateExec({ ...args, command: argv });
        if (!last.ok || last.value.exitCode !== 0) return last;
      }
      return last;
    }
    if (cmd === "touch" && rest[0]) {
      return writable(rest[0])
        ? { ok: true, value: { exitCode: 0, stdout: "", stderr: "" } }
        : {
            ok: true,
            value: { exitCode: 1, stdout: "", stderr: `touch: cannot touch '${rest[0]}': Read-only file system\n` },
          };
    }
    if ((cmd === "apt" || cmd === "apt-get") && rest[0] === "update") {
      if (!readOnlyRoot)
        return {
          ok: true,
          value: {
            exitCode: 100,
            stdout: "",
            stderr:
              "Error: Failed to fetch http://deb.debian.org/debian/dists/trixie/InRelease  Temporary failure resolving 'deb.debian.org'\n",
          },
        };
      return {
        ok: true,
        value: {
          exitCode: 100,
          stdout: "",
          stderr:
            "Error: List directory /var/lib/apt/lists/partial is missing. - Acquire (30: Read-only file system)\n",
        },
      };
    }
    if (cmd === "mount" && (rest.join(" ") === "-o remount,bind,rw /" || rest.join(" ") === "-o remount,bind,ro /")) {
      // Only a privileged container (CAP_SYS_ADMIN) may change its mounts; the root keeps the new mode.
      if (container.securityContext?.privileged === true) {
        if (rest[1] === "remount,bind,rw") this.remountedWritable.add(rootKey);
        else this.remountedWritable.delete(rootKey);
        return { ok: true, value: { exitCode: 0, stdout: "", stderr: "" } };
      }
      return {
        ok: true,
        value: {
          exitCode: 32,
          stdout: "",
          stderr:
            "mount: /: permission denied.\n       dmesg(1) may have more information after failed mount system call.\n",
        },
      };
    }
    if (cmd === "rm") return { ok: true, value: { exitCode: 0, stdout: "", stderr: "" } };
    return { ok: true, value: { exitCode: 127, stdout: "", stderr: `sh: ${cmd}: not found\n` } };
  }
}

// Equality-based selectors ("a=b,c=d") are all the fake needs; labs list with those only.
function parseEquality(selector: string): Record<string, string> {
  return Object.fromEntries(
    selector
      .split(",")
      .filter(Boolean)
      .map((term) => term.split("=").map((part) => part.trim()) as [string, string]),
  );
}

function notFound<T>(message: string): CallResult<T> {
  return { ok: false, failure: { kind: "not-found", message } };
}
