import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { nowIso } from "../clock";
import { instanceDir, instanceId, ownerLabel, podman } from "../host";
import { resolveImage } from "../images";
import { nodeIp } from "../network/addresses";
import type { TPodNetwork, TPodSandbox } from "../network/node-network";
import { nodeHostsFile, podResolvConf } from "./pod-dns";
import { appArmorProblem, nodeSecurity, seccompProblem } from "./security-profiles";
import type { TContainer, TContainerState, TContainerStatus, TPod, TPodStatus } from "../types";
import { backoffAfterRun, shouldRestart } from "./backoff";
import { containerEnv } from "./container-env";
import { computeConditions, computePhase } from "./pod-status";
import { MountError, isApiDataVolume, volumeFiles, writeVolumeFiles, type TPodObjects } from "./volume-files";
import {
  managedHostsFile,
  podmanRunArgs,
  runAsNonRootProblem,
  unsupportedVolume,
  type TVolumePaths,
} from "./podman-args";

const execFileAsync = promisify(execFile);
/** Label carrying the pod uid on each container, so podman's death events find their pod. */
export const podUidLabel = "io.cks-lab.pod-uid";
/** Host folder that holds this process's pods' emptyDir volumes. */
export const podsDir = path.join(instanceDir, "pods");

/** Receives kubelet events (`kubectl describe` shows them): type, reason, message, container field path. */
export type TEventSink = (type: "Normal" | "Warning", reason: string, message: string, fieldPath?: string) => void;

type TContainerRecord = {
  spec: TContainer;
  init: boolean;
  attempt: number;
  currentId?: string;
  currentName?: string;
  previousId?: string;
  backoffMs?: number;
  lastStartedAt?: number;
  status: TContainerStatus;
  timer?: NodeJS.Timeout;
  handlingDeathOf?: string;
};

function podmanTime(value: string | undefined): string | undefined {
  if (!value || value.startsWith("0001-")) return undefined;
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})/.exec(value);
  return match ? `${match[1]}T${match[2]}Z` : undefined;
}

/** Runs one pod's containers with kubelet's life cycle; publishes status through `onStatus`. */
export class PodWorker {
  private readonly records: TContainerRecord[];
  private stopped = false;
  private initDone: boolean;
  private initFailed = false;
  private sandboxReady = false;
  private volumes: TVolumePaths = {};
  private emptyDirsReady = false;
  private mountRetry?: NodeJS.Timeout;
  private hostsFile: string | undefined;
  private resolvConf: string | undefined;
  private sandbox: TPodSandbox | undefined;
  private readonly startTime = nowIso();
  private readonly tmpfsMounts: string[] = [];
  // podman can report a death before `podman run -d` has returned the id.
  private readonly earlyDeaths = new Set<string>();

  constructor(
    private pod: TPod,
    private readonly onStatus: (status: TPodStatus) => void,
    private readonly onEvent: TEventSink = () => {},
    private readonly network?: TPodNetwork,
    private readonly objects: TPodObjects = {
      get: () => undefined,
      token: () => {
        throw new Error("no token source");
      },
    },
  ) {
    const hasInit = (pod.spec.initContainers ?? []).length > 0;
    const make = (spec: TContainer, init: boolean): TContainerRecord => ({
      spec,
      init,
      attempt: 0,
      status: {
        name: spec.name,
        image: spec.image,
        imageID: "",
        ready: false,
        started: false,
        restartCount: 0,
        // App containers wait behind init containers with PodInitializing, as kubelet reports them.
        state: { waiting: { reason: init || hasInit ? "PodInitializing" : "ContainerCreating" } },
        lastState: {},
      },
    });
    this.records = [
      ...(pod.spec.initContainers ?? []).map((spec) => make(spec, true)),
      ...pod.spec.containers.map((spec) => make(spec, false)),
    ];
    this.initDone = !hasInit;
  }

  get uid(): string {
    return this.pod.metadata.uid ?? "";
  }

  /** Status right now, computed like kubelet's status manager. */
  currentStatus(): TPodStatus {
    const initStatuses = this.records.filter((record) => record.init).map((record) => record.status);
    const containerStatuses = this.records.filter((record) => !record.init).map((record) => record.status);
    const phase = computePhase({
      restartPolicy: this.pod.spec.restartPolicy ?? "Always",
      initContainerStatuses: initStatuses,
      initDone: this.initDone,
      initFailed: this.initFailed,
      containerStatuses,
    });
    const previous = this.pod.status?.conditions ?? [];
    const conditions = computeConditions({
      now: nowIso(),
      previous,
      sandboxReady: this.sandboxReady,
      initDone: this.initDone,
      phase,
      containerStatuses,
      pendingInitNames: initStatuses
        .filter((status) => !(status.state.terminated && status.state.terminated.exitCode === 0))
        .map((status) => status.name),
    });
    return {
      phase,
      conditions,
      hostIP: nodeIp,
      hostIPs: [{ ip: nodeIp }],
      ...(this.sandbox ? { podIP: this.sandbox.ip, podIPs: [{ ip: this.sandbox.ip }] } : {}),
      startTime: this.startTime,
      ...(initStatuses.length > 0 ? { initContainerStatuses: structuredClone(initStatuses) } : {}),
      containerStatuses: structuredClone(containerStatuses),
      qosClass: "BestEffort",
    };
  }

  private publish(): void {
    if (this.stopped) return;
    const status = this.currentStatus();
    this.pod = { ...this.pod, status };
    this.onStatus(status);
  }

  /** Starts the pod: its sandbox (network) and volumes, then init containers one by one, then all app containers. */
  async start(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.prepareSandbox();
    } catch (error) {
      this.onEvent("Warning", "FailedCreatePodSandBox", `Failed to create pod sandbox: ${String(error)}`);
      for (const record of this.records) record.status.state = { waiting: { reason: "ContainerCreating" } };
      this.publish();
      return;
    }
    await this.mountAndRun();
  }

  /** Volumes (retried while a Secret, ConfigMap or key is missing), then the containers. */
  private async mountAndRun(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.prepareVolumes();
    } catch (error) {
      if (error instanceof MountError) {
        // As the kubelet: the pod waits in ContainerCreating and the mount is retried until it works.
        this.onEvent(
          "Warning",
          "FailedMount",
          `MountVolume.SetUp failed for volume "${error.volume}" : ${error.message}`,
        );
        this.publish();
        this.mountRetry = setTimeout(() => void this.mountAndRun(), 2000);
        return;
      }
      for (const record of this.records)
        record.status.state = {
          waiting: { reason: "CreateContainerConfigError", message: `failed to prepare volumes: ${String(error)}` },
        };
      this.publish();
      return;
    }
    this.sandboxReady = true;
    this.publish();
    if (!this.initDone) {
      await this.runNextInit();
      return;
    }
    await this.startAppContainers();
  }

  /** The pod's network namespace and address, and the hosts file and resolv.conf the kubelet writes for it. */
  private async prepareSandbox(): Promise<void> {
    const podDir = path.join(podsDir, this.uid);
    mkdirSync(podDir, { recursive: true });
    const hostNetwork = this.pod.spec.hostNetwork === true;
    if (this.network && !this.stopped) this.sandbox = await this.network.createSandbox(this.uid, hostNetwork);
    if (this.stopped) {
      if (this.sandbox) await this.network?.removeSandbox(this.uid);
      return;
    }
    this.hostsFile = path.join(podDir, "etc-hosts");
    writeFileSync(this.hostsFile, hostNetwork ? nodeHostsFile() : managedHostsFile(this.pod, this.sandbox?.ip), {
      mode: 0o644,
    });
    this.resolvConf = path.join(podDir, "resolv.conf");
    writeFileSync(this.resolvConf, podResolvConf(this.pod), { mode: 0o644 });
  }

  private async prepareVolumes(): Promise<void> {
    const podDir = path.join(podsDir, this.uid);
    if (!this.emptyDirsReady) await this.prepareEmptyDirs(podDir);
    for (const volume of this.pod.spec.volumes ?? []) {
      if (!isApiDataVolume(volume) || this.volumes[volume.name] !== undefined) continue;
      let files;
      try {
        files = volumeFiles(this.pod, volume, this.objects);
      } catch (error) {
        if (!(error instanceof MountError)) throw error;
        error.volume = volume.name;
        throw error;
      }
      const dir = path.join(podDir, "volumes", volume.name);
      mkdirSync(dir, { recursive: true });
      // Secret and projected volumes live in memory (tmpfs) so their content never touches the node's disk.
      if (volume.secret !== undefined || volume.projected !== undefined) {
        await this.mountTmpfs(dir);
      } else chmodSync(dir, 0o777);
      writeVolumeFiles(dir, files);
      this.volumes[volume.name] = dir;
    }
  }

  /**
   * Mounts a tmpfs at `dir`, recorded before it exists so that stop() always unmounts it. A stop that ran
   * while the mount was in flight is caught up with here.
   */
  private async mountTmpfs(dir: string): Promise<void> {
    this.tmpfsMounts.push(dir);
    await execFileAsync("mount", ["-t", "tmpfs", "-o", "mode=1777", "tmpfs", dir]);
    if (this.stopped) await unmount(dir);
  }

  private async prepareEmptyDirs(podDir: string): Promise<void> {
    this.emptyDirsReady = true;
    for (const volume of this.pod.spec.volumes ?? []) {
      if (!volume.emptyDir) continue;
      const dir = path.join(podDir, "volumes", volume.name);
      mkdirSync(dir, { recursive: true });
      if (volume.emptyDir.medium === "Memory") {
        await this.mountTmpfs(dir);
      }
      // Kubernetes creates emptyDirs world-writable so non-root containers can use them.
      chmodSync(dir, 0o777);
      this.volumes[volume.name] = dir;
    }
  }

  private async runNextInit(): Promise<void> {
    const next = this.records.find((record) => record.init && !(record.status.state.terminated?.exitCode === 0));
    if (!next) {
      this.initDone = true;
      for (const record of this.records.filter((candidate) => !candidate.init))
        record.status.state = { waiting: { reason: "ContainerCreating" } };
      this.publish();
      await this.startAppContainers();
      return;
    }
    await this.startContainer(next);
  }

  private async startAppContainers(): Promise<void> {
    await Promise.all(this.records.filter((record) => !record.init).map((record) => this.startContainer(record)));
  }

  private async startContainer(record: TContainerRecord): Promise<void> {
    if (this.stopped) return;
    const spec = record.spec;
    const image = resolveImage(spec.image);
    if (!image) {
      const policy = spec.imagePullPolicy ?? "IfNotPresent";
      record.status.state =
        policy === "Never"
          ? {
              waiting: {
                reason: "ErrImageNeverPull",
                message: `Container image "${spec.image}" is not present with pull policy of Never`,
              },
            }
          : {
              waiting: {
                reason: "ImagePullBackOff",
                message: `Back-off pulling image "${spec.image}": no registry is reachable from the podman test cluster; only nginx and busybox exist locally`,
              },
            };
      const field = this.fieldPath(record);
      if (policy === "Never") {
        this.onEvent("Warning", "ErrImageNeverPull", record.status.state.waiting?.message ?? "", field);
        this.onEvent("Warning", "Failed", "Error: ErrImageNeverPull", field);
      } else {
        this.onEvent(
          "Warning",
          "Failed",
          `Failed to pull image "${spec.image}": no registry is reachable from the podman test cluster`,
          field,
        );
        this.onEvent("Warning", "Failed", "Error: ErrImagePull", field);
        this.onEvent("Normal", "BackOff", `Back-off pulling image "${spec.image}"`, field);
        this.onEvent("Warning", "Failed", "Error: ImagePullBackOff", field);
      }
      this.publish();
      return;
    }
    const node = nodeSecurity();
    const problem =
      runAsNonRootProblem(this.pod, spec, image.user) ??
      unsupportedVolume(this.pod, spec) ??
      seccompProblem(this.pod, spec, node) ??
      appArmorProblem(this.pod, spec, node);
    this.onEvent(
      "Normal",
      "Pulled",
      `Container image "${spec.image}" already present on machine`,
      this.fieldPath(record),
    );
    if (problem) {
      record.status.state = { waiting: { reason: problem.reason, message: problem.message } };
      this.onEvent("Warning", "Failed", `Error: ${problem.message}`, this.fieldPath(record));
      this.publish();
      return;
    }
    const env = containerEnv(this.pod, spec, this.objects);
    if ("problem" in env) {
      // A Secret or key that is missing now may be created later: the kubelet keeps retrying.
      record.status.state = { waiting: { reason: env.problem.reason, message: env.problem.message } };
      this.onEvent("Warning", "Failed", `Error: ${env.problem.message}`, this.fieldPath(record));
      this.publish();
      record.timer = setTimeout(() => {
        record.timer = undefined;
        void this.startContainer(record);
      }, 2000);
      return;
    }
    const name = `k8s_${spec.name}_${this.pod.metadata.name}_${this.pod.metadata.namespace}_${this.uid.slice(0, 8)}_${record.attempt}`;
    const args = podmanRunArgs({
      pod: this.pod,
      container: spec,
      containerName: name,
      labels: { [ownerLabel]: instanceId, [podUidLabel]: this.uid },
      volumes: this.volumes,
      imageRef: image.ref,
      sandbox: this.sandbox,
      env: env.env,
      hostsFile: this.hostsFile,
      resolvConf: this.resolvConf,
      node,
    });
    const startedAt = Date.now();
    const result = await podman(["run", "-d", ...args], { allowFailure: true });
    if (this.stopped) {
      await podman(["rm", "-f", "-t", "0", name], { allowFailure: true });
      return;
    }
    record.status.imageID = image.ref;
    if (result.code !== 0) {
      // The container exists but its process never started (e.g. command not found): kubelet reports StartError 128.
      const id = (await podman(["inspect", "--format", "{{.Id}}", name], { allowFailure: true })).stdout.trim();
      this.rotateContainer(record, id, name);
      const message = result.stderr.trim().replace(/^Error: /, "");
      this.onEvent("Warning", "Failed", `Error: ${message}`, this.fieldPath(record));
      this.onExit(record, {
        exitCode: 128,
        reason: "StartError",
        message,
        startedAt: new Date(startedAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
        finishedAt: nowIso(),
      });
      return;
    }
    const id = result.stdout.trim();
    this.onEvent("Normal", "Created", `Created container: ${spec.name}`, this.fieldPath(record));
    this.onEvent("Normal", "Started", `Started container ${spec.name}`, this.fieldPath(record));
    this.rotateContainer(record, id, name);
    record.lastStartedAt = startedAt;
    record.status.containerID = `podman://${id}`;
    record.status.started = true;
    record.status.ready = !record.init;
    record.status.state = { running: { startedAt: nowIso() } };
    this.publish();
    if (this.earlyDeaths.delete(id)) await this.containerDied(id);
  }

  private fieldPath(record: TContainerRecord): string {
    return `spec.${record.init ? "initContainers" : "containers"}{${record.spec.name}}`;
  }

  /** kubelet keeps one dead container per container for `logs --previous`; older ones go. */
  private rotateContainer(record: TContainerRecord, id: string, name: string): void {
    const older = record.previousId;
    record.previousId = record.currentId;
    record.currentId = id || name;
    record.currentName = name;
    record.attempt += 1;
    if (older) void podman(["rm", "-f", "-t", "0", older], { allowFailure: true });
  }

  /** Called by the cluster when podman reports that one of this pod's containers died. */
  async containerDied(containerId: string): Promise<void> {
    const record = this.records.find((candidate) => candidate.currentId === containerId);
    if (this.stopped) return;
    if (!record) {
      if (!this.records.some((candidate) => candidate.previousId === containerId)) this.earlyDeaths.add(containerId);
      return;
    }
    if (!record.status.state.running || record.handlingDeathOf === containerId) return;
    record.handlingDeathOf = containerId;
    const inspect = await podman(
      [
        "inspect",
        "--format",
        "{{.State.ExitCode}}|{{.State.StartedAt}}|{{.State.FinishedAt}}|{{.State.OOMKilled}}",
        containerId,
      ],
      { allowFailure: true },
    );
    const [code, started, finished, oom] = inspect.stdout.trim().split("|");
    const exitCode = Number(code ?? 1);
    this.onExit(record, {
      exitCode,
      reason: oom === "true" ? "OOMKilled" : exitCode === 0 ? "Completed" : "Error",
      startedAt: podmanTime(started),
      finishedAt: podmanTime(finished) ?? nowIso(),
    });
  }

  private onExit(record: TContainerRecord, terminated: NonNullable<TContainerState["terminated"]>): void {
    if (this.stopped) return;
    const full = { ...terminated, ...(record.status.containerID ? { containerID: record.status.containerID } : {}) };
    record.status.ready = false;
    record.status.state = { terminated: full };
    const restartPolicy = this.pod.spec.restartPolicy ?? "Always";
    // Init containers restart under Always as under OnFailure: a successful one is never re-run.
    const policy = record.init && restartPolicy === "Always" ? "OnFailure" : restartPolicy;
    if (record.init && terminated.exitCode === 0) {
      this.publish();
      void this.runNextInit();
      return;
    }
    if (!shouldRestart(policy, terminated.exitCode)) {
      if (record.init) this.initFailed = true;
      this.publish();
      return;
    }
    const ranFor = record.lastStartedAt ? Date.now() - record.lastStartedAt : 0;
    const delay = record.backoffMs === undefined ? 0 : record.backoffMs;
    record.backoffMs = backoffAfterRun(record.backoffMs, ranFor);
    this.publish();
    const restart = () => {
      record.timer = undefined;
      if (this.stopped) return;
      record.status.restartCount += 1;
      record.status.lastState = { terminated: full };
      void this.startContainer(record);
    };
    if (delay === 0) {
      restart();
      return;
    }
    // kubelet shows the crash for a sync period before it reports the back-off.
    record.timer = setTimeout(
      () => {
        if (this.stopped) return;
        record.status.lastState = { terminated: full };
        record.status.state = {
          waiting: {
            reason: "CrashLoopBackOff",
            message: `back-off ${Math.round(delay / 1000)}s restarting failed container=${record.spec.name} pod=${this.pod.metadata.name}_${this.pod.metadata.namespace}(${this.uid})`,
          },
        };
        this.onEvent(
          "Warning",
          "BackOff",
          `Back-off restarting failed container ${record.spec.name} in pod ${this.pod.metadata.name}_${this.pod.metadata.namespace}(${this.uid})`,
          this.fieldPath(record),
        );
        this.publish();
        record.timer = setTimeout(restart, Math.max(0, delay - 1000));
      },
      Math.min(1000, delay),
    );
  }

  /** Re-checks containers believed to be running (after a gap in podman's event stream). */
  async reconcile(): Promise<void> {
    for (const record of this.records) {
      if (!record.status.state.running || !record.currentId) continue;
      const state = await podman(["inspect", "--format", "{{.State.Running}}", record.currentId], {
        allowFailure: true,
      });
      if (state.stdout.trim() !== "true") await this.containerDied(record.currentId);
    }
  }

  /** The podman container id serving `container` now, or the previous one for `--previous`. */
  containerId(container: string, previous: boolean): string | undefined {
    const record = this.records.find((candidate) => candidate.spec.name === container);
    return previous ? record?.previousId : record?.currentId;
  }

  /** Whether `container` is running right now (exec needs that). */
  isRunning(container: string): boolean {
    return this.records.find((candidate) => candidate.spec.name === container)?.status.state.running !== undefined;
  }

  /** Stops and removes every container and volume of this pod. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.mountRetry) clearTimeout(this.mountRetry);
    for (const record of this.records) if (record.timer) clearTimeout(record.timer);
    // Every container is recorded as soon as `podman run` returns, and a run still in flight
    // removes its own container when it sees `stopped`, so no listing is needed here.
    const ids = this.records
      .flatMap((record) => [record.currentId, record.previousId])
      .filter((id): id is string => Boolean(id));
    if (ids.length > 0) await podman(["rm", "-f", "-t", "0", ...ids], { allowFailure: true });
    for (const dir of this.tmpfsMounts) await unmount(dir);
    if (this.sandbox) await this.network?.removeSandbox(this.uid);
    rmSync(path.join(podsDir, this.uid), { recursive: true, force: true });
  }
}

/**
 * Detaches a volume's tmpfs even while a container that is still being removed holds it (a lazy unmount, as
 * the kubelet's cleanup never blocks on a busy mount); the directory can then be removed. Not mounted: no-op.
 */
async function unmount(dir: string): Promise<void> {
  await execFileAsync("umount", ["--lazy", dir]).catch(() => undefined);
}
