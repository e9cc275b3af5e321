import { CoreV1Api, Exec, KubeConfig, type V1Pod } from "@kubernetes/client-node";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import https from "node:https";
import path from "node:path";
import { Writable } from "node:stream";
import { instanceDir, instanceId, ownerLabel, podman } from "./host";
import { imagesCached } from "./images";
import { startTestCluster } from "./index";
import { runKubectl } from "./kubectl";

// Prints figures for the performance targets of issue 3; it asserts nothing.

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const ms = (value: number) => `${value.toFixed(0)} ms`;

async function footprint(
  namespace: string,
): Promise<{ containers: number; podDirs: number; mounts: number; processes: number }> {
  const containers = (await podman(["ps", "-aq", "--filter", `label=${ownerLabel}=${instanceId}`])).stdout
    .split("\n")
    .filter(Boolean).length;
  const podsDir = path.join(instanceDir, "pods");
  const podDirs = existsSync(podsDir) ? readdirSync(podsDir).length : 0;
  const mounts = readFileSync("/proc/mounts", "utf8")
    .split("\n")
    .filter((line) => line.split(" ")[1]?.startsWith(`${instanceDir}/`)).length;
  // conmon monitors each of this namespace's containers; children of this process are execs, logs, runs.
  const table = execFileSync("ps", ["-eo", "ppid=,args="], { encoding: "utf8" }).split("\n");
  const monitors = table.filter((line) => line.includes("/usr/bin/conmon ") && line.includes(`_${namespace}_`)).length;
  const children = table.filter(
    (line) =>
      Number(line.trim().split(" ")[0]) === process.pid &&
      !/podman events|ps -eo|esbuild --service|nsenter --net=/.test(line),
  ).length;
  return { containers, podDirs, mounts, processes: monitors + children };
}

function sleeper(name: string): V1Pod {
  return {
    metadata: { name, labels: { bench: "yes" } },
    spec: {
      containers: [
        {
          name: "app",
          image: "busybox",
          command: ["sleep", "3600"],
          volumeMounts: [
            { name: "mem", mountPath: "/mem" },
            { name: "disk", mountPath: "/disk" },
          ],
        },
      ],
      volumes: [
        { name: "mem", emptyDir: { medium: "Memory" } },
        { name: "disk", emptyDir: {} },
      ],
    },
  };
}

async function waitRunning(core: CoreV1Api, namespace: string, name: string): Promise<void> {
  for (;;) {
    const pod = await core.readNamespacedPod({ name, namespace });
    const statuses = pod.status?.containerStatuses ?? [];
    if (statuses.length > 0 && statuses.every((status) => status.ready)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * One round of API requests that start no container (the router, registry, admission and store alone),
 * over one kept-alive TLS connection so the figure is the server's, not a handshake's.
 */
async function apiRound(kubeconfig: KubeConfig, round: number, loops: number): Promise<number> {
  const cluster = kubeconfig.getCurrentCluster();
  const server = new URL(cluster?.server ?? "");
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: Buffer.from(cluster?.caData ?? "", "base64") });
  const send = (method: string, path: string, body?: unknown, type = "application/json") =>
    new Promise<void>((resolve, reject) => {
      const request = https.request(
        {
          host: server.hostname,
          port: server.port,
          method,
          path,
          agent,
          headers: { Authorization: `Bearer ${kubeconfig.getCurrentUser()?.token ?? ""}`, "Content-Type": type },
        },
        (response) => {
          response.resume();
          response.on("end", () =>
            (response.statusCode ?? 500) < 300
              ? resolve()
              : reject(new Error(`${method} ${path}: ${response.statusCode}`)),
          );
        },
      );
      request.on("error", reject);
      request.end(body === undefined ? undefined : JSON.stringify(body));
    });
  const pod = sleeper("dry");
  pod.spec!.securityContext = { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } };
  pod.spec!.containers[0]!.securityContext = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };
  const begin = performance.now();
  for (let index = 0; index < loops; index += 1) {
    const name = `api-${round}-${index}`;
    const labels = { "pod-security.kubernetes.io/enforce": "restricted" };
    await send("POST", "/api/v1/namespaces", { metadata: { name, labels } });
    await send("GET", `/api/v1/namespaces/${name}`);
    await send("GET", "/api/v1/namespaces");
    await send(
      "PATCH",
      `/api/v1/namespaces/${name}`,
      { metadata: { labels: { bench: "yes" } } },
      "application/strategic-merge-patch+json",
    );
    await send("POST", `/api/v1/namespaces/${name}/pods?dryRun=All`, pod);
    await send("DELETE", `/api/v1/namespaces/${name}`);
  }
  const perRequest = (performance.now() - begin) / (loops * 6);
  agent.destroy();
  return perRequest;
}

async function execOnce(kubeconfig: KubeConfig, namespace: string, pod: string): Promise<void> {
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  await new Promise<void>((resolve, reject) => {
    void new Exec(kubeconfig)
      .exec(namespace, pod, "app", ["true"], sink, sink, null, false, (status) => {
        if (status.status === "Success") resolve();
        else reject(new Error(JSON.stringify(status)));
      })
      .catch(reject);
  });
}

async function main(): Promise<void> {
  if (process.env.CKS_TEST_KUBECONFIG) throw new Error("bench measures the podman cluster; unset CKS_TEST_KUBECONFIG");
  if (!(await imagesCached())) {
    console.log("building images first (not part of the start figure)…");
    const warm = await startTestCluster({ log: () => {} });
    await warm.stop();
  }
  const startedAt = performance.now();
  const cluster = await startTestCluster({ log: () => {} });
  const startMs = performance.now() - startedAt;
  const kubeconfig = new KubeConfig();
  kubeconfig.loadFromFile(cluster.kubeconfigPath);
  const core = kubeconfig.makeApiClient(CoreV1Api);
  try {
    await core.getAPIResources();
    console.log(`cluster start (images cached):     ${ms(startMs)}   target < 5000 ms`);
    const perRequest: number[] = [];
    for (let round = 0; round < 4; round += 1) perRequest.push(await apiRound(kubeconfig, round, 50));
    // The first round warms the JIT and TLS; the figure is the median of the other three.
    console.log(
      `API request without containers (median of 3 x 300): ${median(perRequest.slice(1)).toFixed(2)} ms   (one connection: create, get, list, patch a namespace; dry-run a pod under PSA restricted; delete)`,
    );
    const namespace = `bench-${Date.now().toString(36)}`;
    await core.createNamespace({ body: { metadata: { name: namespace } } });

    const createToRunning: number[] = [];
    for (let index = 0; index < 5; index += 1) {
      const begin = performance.now();
      await core.createNamespacedPod({ namespace, body: sleeper(`warm-${index}`) });
      await waitRunning(core, namespace, `warm-${index}`);
      createToRunning.push(performance.now() - begin);
    }
    console.log(
      `pod create -> Running (median of 5): ${ms(median(createToRunning))}   target < 2000 ms   (all: ${createToRunning.map((value) => value.toFixed(0)).join(", ")})`,
    );

    const execs: number[] = [];
    for (let index = 0; index < 10; index += 1) {
      const begin = performance.now();
      await execOnce(kubeconfig, namespace, "warm-0");
      execs.push(performance.now() - begin);
    }
    console.log(`exec round trip, client-node (median of 10): ${ms(median(execs))}   target < 300 ms`);
    const kubectlExecs: number[] = [];
    for (let index = 0; index < 5; index += 1) {
      const begin = performance.now();
      const result = await runKubectl(cluster.kubeconfigPath, ["-n", namespace, "exec", "warm-0", "--", "true"]);
      if (result.code !== 0) throw new Error(result.stderr);
      kubectlExecs.push(performance.now() - begin);
    }
    console.log(`exec round trip, kubectl process (median of 5): ${ms(median(kubectlExecs))}`);

    // Network figures: the same kubectl exec with a wget or nslookup inside; the difference to the bare
    // exec above is what the pod network, kube-proxy's rules and cluster DNS add.
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: "web", labels: { app: "web" } },
        spec: { containers: [{ name: "nginx", image: "nginx", ports: [{ containerPort: 80 }] }] },
      },
    });
    await core.createNamespacedService({
      namespace,
      body: { metadata: { name: "web" }, spec: { selector: { app: "web" }, ports: [{ port: 80 }] } },
    });
    await waitRunning(core, namespace, "web");
    const webPod = await core.readNamespacedPod({ name: "web", namespace });
    const webService = await core.readNamespacedService({ name: "web", namespace });
    const probes: Array<[string, string[]]> = [
      ["pod to pod IP (wget)", ["wget", "-q", "-O", "/dev/null", "-T", "5", `http://${webPod.status?.podIP ?? ""}/`]],
      [
        "pod to ClusterIP (wget)",
        ["wget", "-q", "-O", "/dev/null", "-T", "5", `http://${webService.spec?.clusterIP ?? ""}/`],
      ],
      ["pod to Service name, DNS + ClusterIP (wget)", ["wget", "-q", "-O", "/dev/null", "-T", "5", "http://web/"]],
      ["cluster DNS lookup (nslookup)", ["nslookup", `web.${namespace}.svc.cluster.local`]],
    ];
    // "Ready" comes with the container's start (no readiness probe): wait until nginx answers once.
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const first = await runKubectl(cluster.kubeconfigPath, [
        "-n",
        namespace,
        "exec",
        "warm-0",
        "--",
        ...(probes[0]?.[1] ?? []),
      ]);
      if (first.code === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    for (const [label, command] of probes) {
      const times: number[] = [];
      for (let index = 0; index < 5; index += 1) {
        const begin = performance.now();
        const result = await runKubectl(cluster.kubeconfigPath, ["-n", namespace, "exec", "warm-0", "--", ...command]);
        if (result.code !== 0) throw new Error(`${label}: ${result.stderr}`);
        times.push(performance.now() - begin);
      }
      const value = median(times);
      const extra = value - median(kubectlExecs);
      console.log(
        `${label}, kubectl exec (median of 5): ${ms(value)}   (${extra < 0 ? "-" : "+"}${ms(Math.abs(extra))} against a bare exec)`,
      );
    }
    await core.deleteNamespacedPod({ name: "web", namespace });

    await core.deleteCollectionNamespacedPod({ namespace, labelSelector: "bench=yes" });
    const before = await footprint(namespace);
    const cycleStart = performance.now();
    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        core.createNamespacedPod({ namespace, body: sleeper(`cycle-${index}`) }),
      ),
    );
    await Promise.all(Array.from({ length: 20 }, (_, index) => waitRunning(core, namespace, `cycle-${index}`)));
    const allRunning = performance.now() - cycleStart;
    const during = await footprint(namespace);
    await Promise.all(
      Array.from({ length: 20 }, (_, index) => core.deleteNamespacedPod({ name: `cycle-${index}`, namespace })),
    );
    const cycleMs = performance.now() - cycleStart;
    const after = await footprint(namespace);
    console.log(
      `20 pods (2 emptyDirs each, one tmpfs): all Running after ${ms(allRunning)}, all deleted after ${ms(cycleMs)}`,
    );
    console.log(`  before: ${JSON.stringify(before)}`);
    console.log(`  during: ${JSON.stringify(during)}`);
    console.log(`  after:  ${JSON.stringify(after)}`);
    const clean =
      after.containers === before.containers &&
      after.podDirs === before.podDirs &&
      after.mounts === before.mounts &&
      after.processes === before.processes;
    console.log(`  leftovers: ${clean ? "none" : "SOME (see above)"}`);
    await core.deleteNamespace({ name: namespace });
  } finally {
    await cluster.stop();
  }
}

await main();
