import { execFile, spawnSync } from "node:child_process";
import { mkdirSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** Root folder for everything the test cluster writes outside podman's own store. */
export const stateDir = path.join(os.tmpdir(), "cks-test-cluster");

/**
 * Label put on every container the test cluster creates; its value is the owning process id, so a
 * new run can tell a crashed run's leftovers from a cluster that is still serving.
 */
export const ownerLabel = "io.cks-lab.test-cluster";

/** This process's owner value for `ownerLabel`. */
export const instanceId = String(process.pid);

/** Folder for this process's pods and kubeconfig. */
export const instanceDir = path.join(stateDir, "instances", instanceId);

/** Whether a process id belongs to a live process. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

const aptPackages = [
  "podman",
  "runc",
  "crun",
  "debootstrap",
  "uidmap",
  "slirp4netns",
  "netavark",
  "conmon",
  "catatonit",
  "golang-github-containers-common",
  "iptables",
  "openssl",
];
const requiredCommands: Array<[command: string, pkg: string]> = [
  ["openssl", "openssl"],
  ["podman", "podman"],
  ["runc", "runc"],
  ["conmon", "conmon"],
  ["debootstrap", "debootstrap"],
  ["catatonit", "catatonit"],
];
const installCommand = `apt-get update && apt-get install -y --no-install-recommends ${aptPackages.join(" ")}`;

function hasCommand(command: string): boolean {
  return (
    spawnSync(
      "sh",
      ["-c", `command -v ${command} || test -x /usr/sbin/${command} || test -x /usr/libexec/podman/${command}`],
      { stdio: "ignore" },
    ).status === 0
  );
}

let prepared: NodeJS.ProcessEnv | undefined;

/**
 * Makes sure podman and friends are installed (installing them with apt when running as root) and
 * returns the environment podman must run with.
 */
export function prepareHost(): NodeJS.ProcessEnv {
  if (prepared) return prepared;
  const missing = requiredCommands.filter(([command]) => !hasCommand(command)).map(([, pkg]) => pkg);
  if (missing.length > 0) {
    if (process.getuid?.() !== 0) {
      throw new Error(`The test cluster needs podman; run as root: ${installCommand}`);
    }
    process.stderr.write(`[cks-cluster] installing ${missing.join(", ")} with apt-get\n`);
    const result = spawnSync("sh", ["-c", `export DEBIAN_FRONTEND=noninteractive; ${installCommand}`], {
      stdio: "inherit",
    });
    if (result.status !== 0) throw new Error(`apt-get failed; install by hand: ${installCommand}`);
  }
  if (process.getuid?.() !== 0) {
    throw new Error(
      "The podman-backed test cluster runs as root only (rootless podman cannot run these pods). Set CKS_TEST_KUBECONFIG to use a kind cluster instead.",
    );
  }
  mkdirSync(stateDir, { recursive: true });
  const confPath = path.join(stateDir, "containers.conf");
  // Without these two settings podman fails on this kind of host: setrlimit is refused above the
  // hard limit, and crun 1.8 rejects hybrid cgroups.
  writeFileSync(
    confPath,
    [
      "[containers]",
      'default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]',
      // containerd's default capability set (oci.defaultUnixCaps), which the CRI starts every
      // container from; podman's packaged default lacks AUDIT_WRITE, MKNOD and NET_RAW.
      `default_capabilities = [${CONTAINERD_DEFAULT_CAPABILITIES.map((c) => `"${c}"`).join(", ")}]`,
      "[engine]",
      'runtime = "runc"',
      'events_logger = "file"',
      "",
    ].join("\n"),
  );
  prepared = { ...process.env, CONTAINERS_CONF: confPath };
  return prepared;
}

/** Runs one podman command and returns its stdout; rejects with podman's stderr. */
export async function podman(
  args: string[],
  options: { allowFailure?: boolean } = {},
): Promise<{ stdout: string; stderr: string; code: number }> {
  const env = prepareHost();
  try {
    const { stdout, stderr } = await execFileAsync("podman", args, { env, maxBuffer: 64 * 1024 * 1024 });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; code?: number };
    if (options.allowFailure)
      return {
        stdout: failure.stdout ?? "",
        stderr: failure.stderr ?? "",
        code: typeof failure.code === "number" ? failure.code : 1,
      };
    throw new Error(`podman ${args.join(" ")} failed: ${(failure.stderr ?? String(error)).trim()}`, { cause: error });
  }
}

/** Debian mirror URI named by apt's own sources, used to debootstrap images. */
export function debianMirror(): string {
  const candidates = ["/etc/apt/sources.list.d/debian.sources", "/etc/apt/sources.list"];
  for (const file of candidates) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, "utf8");
    const deb822 = /^URIs:\s*(\S+)/m.exec(text);
    if (deb822?.[1] && !deb822[1].includes("security")) return deb822[1];
    const oneLine = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm\s/m.exec(text);
    if (oneLine?.[1]) return oneLine[1];
  }
  return "http://deb.debian.org/debian";
}

/**
 * A self-signed serving certificate for 127.0.0.1, made once with openssl. TLS is not optional:
 * client-go (kubectl) never sends a bearer token over plain http.
 */
export function servingCertificate(): { cert: string; key: string } {
  const certPath = path.join(stateDir, "serving.crt");
  const keyPath = path.join(stateDir, "serving.key");
  if (!existsSync(certPath) || !existsSync(keyPath)) {
    mkdirSync(stateDir, { recursive: true });
    const result = spawnSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        keyPath,
        "-out",
        certPath,
        "-days",
        "3650",
        "-subj",
        "/CN=cks-test-cluster",
        "-addext",
        "subjectAltName=IP:127.0.0.1,DNS:localhost",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
      ],
      { encoding: "utf8" },
    );
    if (result.status !== 0) throw new Error(`openssl could not make the serving certificate: ${result.stderr}`);
  }
  return { cert: readFileSync(certPath, "utf8"), key: readFileSync(keyPath, "utf8") };
}

/** The cluster's one node: every pod is bound to it, and node components (the kubelet) report it. */
export const nodeName = "cks-test-node";

/** Capabilities containerd gives every container unless the pod drops or adds some (containerd pkg/oci). */
export const CONTAINERD_DEFAULT_CAPABILITIES = [
  "CHOWN",
  "DAC_OVERRIDE",
  "FSETID",
  "FOWNER",
  "MKNOD",
  "NET_RAW",
  "SETGID",
  "SETUID",
  "SETFCAP",
  "SETPCAP",
  "NET_BIND_SERVICE",
  "SYS_CHROOT",
  "KILL",
  "AUDIT_WRITE",
];
