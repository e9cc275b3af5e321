import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { debianMirror, podman, prepareHost, stateDir } from "./host";

/** Everything kubelet needs to know about a local image. */
export type TLocalImage = { ref: string; user: string };

const pathEnv = "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/**
 * Maps a manifest's image reference to a locally built image. Any tag of `nginx` or `busybox` on
 * Docker Hub maps to ours, because no registry is reachable and learners' manifests pin tags freely;
 * the registry.k8s.io images below only by a tag or digest that really exists there.
 */
export function resolveImage(image: string): TLocalImage | undefined {
  const pinned = resolvePinned(image.trim());
  if (pinned !== null) return pinned;
  let name = image.trim().split("@")[0] ?? "";
  const lastSlash = name.lastIndexOf("/");
  const colon = name.lastIndexOf(":");
  if (colon > lastSlash) name = name.slice(0, colon);
  name = name.replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, "").replace(/^library\//, "");
  return knownImages[name];
}

/**
 * Images from registry.k8s.io that labs pin by digest, each with the tags and the image index digest it
 * really has there; ours stands in for it. Kubernetes' own e2e BusyBox (test/utils/image/manifest.go) is
 * the debug and "allowed registry" image of the supply-chain lab.
 */
const registryImages: Array<{ name: string; tags: string[]; digests: string[]; local: () => TLocalImage }> = [
  {
    name: "registry.k8s.io/e2e-test-images/busybox",
    tags: ["1.36.1-1"],
    digests: ["sha256:a9155b13325b2abef48e71de77bb8ac015412a566829f621d06bfae5c699b1b9"],
    local: () => knownImages.busybox!,
  },
];

/**
 * A registry.k8s.io image this cluster stands in for: by digest when the reference has one (the runtime
 * pulls the digest and ignores the tag), else by tag; undefined for a tag or digest the registry does not
 * have; null when the name is not one of them.
 */
function resolvePinned(reference: string): TLocalImage | undefined | null {
  const [nameAndTag = "", digest] = reference.split("@", 2);
  const lastSlash = nameAndTag.lastIndexOf("/");
  const colon = nameAndTag.lastIndexOf(":");
  const name = colon > lastSlash ? nameAndTag.slice(0, colon) : nameAndTag;
  const tag = colon > lastSlash ? nameAndTag.slice(colon + 1) : "latest";
  const known = registryImages.find((candidate) => candidate.name === name);
  if (!known) return null;
  if (digest !== undefined) return known.digests.includes(digest) ? known.local() : undefined;
  return known.tags.includes(tag) ? known.local() : undefined;
}

function run(
  command: string,
  args: string[],
  options: { input?: NodeJS.ReadableStream; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: [options.input ? "pipe" : "ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
    });
    if (options.input && child.stdin) options.input.pipe(child.stdin);
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} exited ${code}:\n${output}`)),
    );
  });
}

async function importRootfs(rootfs: string, ref: string, changes: string[]): Promise<void> {
  const env = prepareHost();
  const tar = spawn("tar", ["--numeric-owner", "-C", rootfs, "-c", "."], { stdio: ["ignore", "pipe", "inherit"] });
  await run("podman", ["import", ...changes.flatMap((change) => ["--change", change]), "-", ref], {
    input: tar.stdout,
    env,
  });
}

// The official nginx image (nginx 1.29.x mainline on debian:trixie-slim) mirrored with Debian's own
// nginx: the upstream packages write the PID to /run/nginx.pid (since 1.27.5) and keep their five temp
// paths under /var/cache/nginx, so with a read-only root exactly /var/cache/nginx and /run (which
// /var/run links to) must be writable. Logs go to the container's stdout/stderr, workers run as
// user nginx (uid 101). Debian's build compiles other temp paths in, hence the explicit directives.
const nginxSuite = "trixie";
const nginxPackages = "nginx-light";
const nginxConf = `user nginx;
worker_processes auto;
error_log /var/log/nginx/error.log notice;
pid /run/nginx.pid;

events {
    worker_connections 1024;
}

http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log /var/log/nginx/access.log;
    sendfile on;
    keepalive_timeout 65;
    client_body_temp_path /var/cache/nginx/client_temp;
    proxy_temp_path /var/cache/nginx/proxy_temp;
    fastcgi_temp_path /var/cache/nginx/fastcgi_temp;
    uwsgi_temp_path /var/cache/nginx/uwsgi_temp;
    scgi_temp_path /var/cache/nginx/scgi_temp;
    include /etc/nginx/conf.d/*.conf;
}
`;
const nginxDefaultSite = `server {
    listen 80;
    listen [::]:80;
    server_name localhost;
    location / {
        root /usr/share/nginx/html;
        index index.html index.htm;
    }
}
`;
// Bump when buildNginx's steps change in a way the strings above do not show.
const nginxBuildSteps = "steps-3: logs to stdout/stderr, error log named at start, user nginx 101, apt lists removed";
const nginxChanges = [pathEnv, 'CMD ["nginx", "-g", "daemon off;"]', "STOPSIGNAL SIGQUIT", "EXPOSE 80"];

/**
 * The nginx image's tag is derived from its recipe, so a changed recipe builds a new image beside
 * the old one instead of replacing it under worktrees that still expect the old behaviour.
 */
export function nginxImageTag(
  recipe: readonly string[] = [
    nginxSuite,
    nginxPackages,
    nginxConf,
    nginxDefaultSite,
    nginxBuildSteps,
    ...nginxChanges,
  ],
): string {
  return `${nginxSuite}-${createHash("sha256").update(recipe.join("\0")).digest("hex").slice(0, 12)}`;
}

const nginxRef = `localhost/cks-test/nginx:${nginxImageTag()}`;

// Debian's busybox-static from trixie (BusyBox 1.37.0, the upstream image's version). Bookworm's 1.35.0
// was built without FEATURE_WGET_TIMEOUT, so `wget -T 2` crashed with a segmentation fault; 1.37.0-6
// has it, as the upstream image does.
const busyboxSuite = "trixie";
const busyboxPackage = "busybox-static";
const busyboxPasswd = "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n";
const busyboxGroup = "root:x:0:\nnobody:x:65534:\n";
const busyboxChanges = [pathEnv, 'CMD ["sh"]'];
// Bump when buildBusybox's steps change in a way the strings above do not show.
const busyboxBuildSteps = "steps-1: /bin/busybox with --install -s symlinks";

/** The busybox image's tag, derived from its recipe like the nginx image's. */
export function busyboxImageTag(
  recipe: readonly string[] = [
    busyboxSuite,
    busyboxPackage,
    busyboxPasswd,
    busyboxGroup,
    busyboxBuildSteps,
    ...busyboxChanges,
  ],
): string {
  return `${busyboxSuite}-${createHash("sha256").update(recipe.join("\0")).digest("hex").slice(0, 12)}`;
}

const busyboxRef = `localhost/cks-test/busybox:${busyboxImageTag()}`;
const knownImages: Record<string, TLocalImage> = {
  nginx: { ref: nginxRef, user: "" },
  busybox: { ref: busyboxRef, user: "" },
};

async function buildNginx(workDir: string): Promise<void> {
  const rootfs = path.join(workDir, "nginx");
  await run("debootstrap", ["--variant=minbase", `--include=${nginxPackages}`, nginxSuite, rootfs, debianMirror()]);
  writeFileSync(path.join(rootfs, "etc/nginx/nginx.conf"), nginxConf);
  mkdirSync(path.join(rootfs, "etc/nginx/conf.d"), { recursive: true });
  writeFileSync(path.join(rootfs, "etc/nginx/conf.d/default.conf"), nginxDefaultSite);
  mkdirSync(path.join(rootfs, "usr/share/nginx/html"), { recursive: true });
  writeFileSync(
    path.join(rootfs, "usr/share/nginx/html/index.html"),
    "<!DOCTYPE html>\n<html><head><title>Welcome to nginx!</title></head><body><h1>Welcome to nginx!</h1></body></html>\n",
  );
  rmSync(path.join(rootfs, "etc/nginx/sites-enabled"), { recursive: true, force: true });
  rmSync(path.join(rootfs, "var/log/nginx"), { recursive: true, force: true });
  mkdirSync(path.join(rootfs, "var/log/nginx"), { recursive: true });
  symlinkSync("/dev/stdout", path.join(rootfs, "var/log/nginx/access.log"));
  symlinkSync("/dev/stderr", path.join(rootfs, "var/log/nginx/error.log"));
  mkdirSync(path.join(rootfs, "var/cache/nginx"), { recursive: true });
  // Upstream builds nginx with --error-log-path=/var/log/nginx/error.log, Debian with stderr. The
  // difference shows in `kubectl logs`: upstream prints a start-up failure twice (the timestamped
  // line through the log file, then "nginx: [emerg] ..." on the console). Naming the error log at
  // start gives Debian's binary the upstream behaviour.
  renameSync(path.join(rootfs, "usr/sbin/nginx"), path.join(rootfs, "usr/sbin/nginx.debian"));
  writeFileSync(
    path.join(rootfs, "usr/sbin/nginx"),
    '#!/bin/sh\nexec /usr/sbin/nginx.debian -e /var/log/nginx/error.log "$@"\n',
    { mode: 0o755 },
  );
  await run("chroot", [
    rootfs,
    "sh",
    "-c",
    "groupadd -r -g 101 nginx && useradd -r -u 101 -g nginx -d /nonexistent -s /bin/false nginx",
  ]);
  // apt lists (partial included) stay absent so `apt update` on a read-only root fails the way the
  // upstream image does; the caches only cost space.
  rmSync(path.join(rootfs, "var/lib/apt/lists"), { recursive: true, force: true });
  mkdirSync(path.join(rootfs, "var/lib/apt/lists"), { recursive: true });
  rmSync(path.join(rootfs, "var/cache/apt"), { recursive: true, force: true });
  mkdirSync(path.join(rootfs, "var/cache/apt"), { recursive: true });
  await importRootfs(rootfs, nginxRef, nginxChanges);
}

/**
 * Downloads one package of a Debian suite other than the host's (the host is bookworm) into `debDir`, with
 * apt pointed at a scratch state folder so the host's own package lists stay untouched.
 */
async function downloadDeb(suite: string, pkg: string, workDir: string, debDir: string): Promise<void> {
  const aptDir = path.join(workDir, "apt");
  for (const dir of ["lists/partial", "cache/archives/partial"]) mkdirSync(path.join(aptDir, dir), { recursive: true });
  writeFileSync(path.join(aptDir, "sources.list"), `deb ${debianMirror()} ${suite} main\n`);
  const options = [
    ["Dir::Etc::SourceList", path.join(aptDir, "sources.list")],
    ["Dir::Etc::SourceParts", "/dev/null"],
    ["Dir::State::Lists", path.join(aptDir, "lists")],
    ["Dir::Cache", path.join(aptDir, "cache")],
    ["Dir::State::status", "/dev/null"],
    ["APT::Sandbox::User", "root"],
  ].flatMap(([key, value]) => ["-o", `${key}=${value}`]);
  await run("apt-get", [...options, "update"]);
  await run("apt-get", [...options, "download", pkg], { cwd: debDir });
}

async function buildBusybox(workDir: string): Promise<void> {
  const debDir = path.join(workDir, "debs");
  mkdirSync(debDir, { recursive: true });
  await downloadDeb(busyboxSuite, busyboxPackage, workDir, debDir);
  const deb = readdirSync(debDir).find((file) => file.endsWith(".deb"));
  if (!deb) throw new Error(`apt-get download ${busyboxPackage} produced no .deb`);
  const extracted = path.join(workDir, "busybox-deb");
  await run("dpkg-deb", ["-x", path.join(debDir, deb), extracted]);
  const rootfs = path.join(workDir, "busybox");
  for (const dir of ["bin", "sbin", "usr/bin", "usr/sbin", "etc", "tmp", "root", "home", "var", "proc", "sys", "dev"]) {
    mkdirSync(path.join(rootfs, dir), { recursive: true });
  }
  chmodSync(path.join(rootfs, "tmp"), 0o1777);
  // trixie installs the binary under /usr/bin (merged /usr); the upstream image keeps it in /bin.
  await run("cp", [path.join(extracted, "usr/bin/busybox"), path.join(rootfs, "bin/busybox")]);
  await run("chroot", [rootfs, "/bin/busybox", "--install", "-s"]);
  writeFileSync(path.join(rootfs, "etc/passwd"), busyboxPasswd);
  writeFileSync(path.join(rootfs, "etc/group"), busyboxGroup);
  await importRootfs(rootfs, busyboxRef, busyboxChanges);
}

async function imageExists(ref: string): Promise<boolean> {
  return (await podman(["image", "exists", ref], { allowFailure: true })).code === 0;
}

/** Builds the nginx and busybox images into podman's store unless they are already there. */
export async function ensureImages(log: (line: string) => void = () => {}): Promise<void> {
  prepareHost();
  const builds: Array<Promise<void>> = [];
  for (const [ref, build] of [
    [nginxRef, buildNginx],
    [busyboxRef, buildBusybox],
  ] as const) {
    if (await imageExists(ref)) continue;
    builds.push(
      (async () => {
        log(`building ${ref} (once; cached in podman's store)`);
        mkdirSync(stateDir, { recursive: true });
        const workDir = mkdtempSync(path.join(stateDir, "image-build-"));
        try {
          await build(workDir);
        } finally {
          rmSync(workDir, { recursive: true, force: true });
        }
        log(`built ${ref}`);
      })(),
    );
  }
  const results = await Promise.allSettled(builds);
  const failed = results.find((result): result is PromiseRejectedResult => result.status === "rejected");
  if (failed) throw failed.reason;
}

/** True when both local images exist already. */
export async function imagesCached(): Promise<boolean> {
  return (await imageExists(nginxRef)) && (await imageExists(busyboxRef));
}

export const localImageRefs = [nginxRef, busyboxRef] as const;
