import { badRequest } from "../k8s-status";
import type { TUpgradeCall } from "../registry/kind";
import type { TPod } from "../types";

/** The container a log, exec or attach request addresses, with the API server's errors for bad or missing names. */
export function containerName(pod: TPod, requested: string | null, purpose: "log" | "exec"): string {
  const all = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].map((container) => container.name);
  if (requested) {
    if (!all.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${pod.metadata.name}`);
    return requested;
  }
  if (pod.spec.containers.length === 1 || purpose === "exec") return pod.spec.containers[0]?.name ?? "";
  throw badRequest(
    `a container name must be specified for pod ${pod.metadata.name}, choose one of: [${pod.spec.containers.map((container) => container.name).join(" ")}]${pod.spec.initContainers?.length ? ` or one of the init containers: [${pod.spec.initContainers.map((container) => container.name).join(" ")}]` : ""}`,
  );
}

/** `true`/`1` query flags as kubectl sends them. */
export const queryFlag = (query: URLSearchParams, name: string) =>
  query.get(name) === "true" || query.get(name) === "1";

/**
 * The running container an exec or attach streams to, refused the way the API server and kubelet refuse
 * it: a completed pod (400 with its phase), or a container that is not running (kubelet's "container not found").
 */
export function runningContainer(
  call: TUpgradeCall,
  verb: "attach to" | "exec into",
): { pod: TPod; container: string; containerId: string } {
  const pod = call.object as TPod;
  const phase = pod.status?.phase;
  if (phase === "Succeeded" || phase === "Failed")
    throw badRequest(`cannot ${verb} a container in a completed pod; current phase is ${phase}`);
  const container = containerName(pod, call.query.get("container"), "exec");
  if (verb === "exec into" && call.query.getAll("command").length === 0)
    throw badRequest("you must specify at least one command for the container");
  const worker = call.cluster.kubelet.worker(pod);
  const containerId = worker?.containerId(container, false);
  // Like kubelet, which has no running container to attach the stream to.
  if (!worker || !containerId || !worker.isRunning(container))
    throw badRequest(`unable to upgrade connection: container not found ("${container}")`);
  return { pod, container, containerId };
}
