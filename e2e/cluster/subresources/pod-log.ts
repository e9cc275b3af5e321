import { createReadStream, existsSync } from "node:fs";
import type http from "node:http";
import { podman } from "../host";
import { badRequest, notFoundPath } from "../k8s-status";
import type { TSubresource } from "../registry/kind";
import type { TPod } from "../types";
import { containerName } from "./pod-container";

/** Streams a container's log file (podman's k8s-file format) with kubectl's options; `follow` polls until it exits. */
async function streamLogs(
  response: http.ServerResponse,
  containerId: string,
  query: URLSearchParams,
  streams: Set<http.ServerResponse>,
): Promise<void> {
  const inspect = await podman(["inspect", "--format", "{{.HostConfig.LogConfig.Path}}", containerId], {
    allowFailure: true,
  });
  const logPath = inspect.stdout.trim();
  if (inspect.code !== 0 || !logPath || !existsSync(logPath))
    throw badRequest(`the log of container ${containerId.slice(0, 12)} is no longer available`);
  const timestamps = query.get("timestamps") === "true";
  const tail = query.get("tailLines") !== null ? Number(query.get("tailLines")) : undefined;
  const sinceSeconds = query.get("sinceSeconds") !== null ? Number(query.get("sinceSeconds")) : undefined;
  const sinceTime = query.get("sinceTime");
  const since =
    sinceSeconds !== undefined ? Date.now() - sinceSeconds * 1000 : sinceTime ? Date.parse(sinceTime) : undefined;
  const limitBytes = query.get("limitBytes") !== null ? Number(query.get("limitBytes")) : undefined;
  const follow = query.get("follow") === "true";
  response.writeHead(200, { "Content-Type": "text/plain", "Transfer-Encoding": "chunked" });
  let written = 0;
  const emit = (text: string) => {
    if (limitBytes !== undefined) {
      if (written >= limitBytes) return;
      text = Buffer.from(text)
        .subarray(0, limitBytes - written)
        .toString();
    }
    written += Buffer.byteLength(text);
    response.write(text);
  };
  const format = (line: string): string | undefined => {
    // k8s-file lines: "<RFC3339Nano> <stdout|stderr> <F|P> <text>"; P marks a partial line.
    const match = /^(\S+) (stdout|stderr) ([FP]) ?(.*)$/.exec(line);
    if (!match) return undefined;
    const time = Date.parse(match[1] ?? "");
    if (since !== undefined && time < since) return undefined;
    const stamp = timestamps ? `${new Date(time).toISOString().replace("Z", "000000Z")} ` : "";
    return `${stamp}${match[4] ?? ""}${match[3] === "F" ? "\n" : ""}`;
  };
  const readAll = async (start: number): Promise<{ lines: string[]; end: number }> => {
    const chunks: Buffer[] = [];
    for await (const chunk of createReadStream(logPath, { start })) chunks.push(chunk as Buffer);
    const data = Buffer.concat(chunks);
    const lastNewline = data.lastIndexOf(0x0a);
    if (lastNewline < 0) return { lines: [], end: start };
    return { lines: data.subarray(0, lastNewline).toString("utf8").split("\n"), end: start + lastNewline + 1 };
  };
  const first = await readAll(0);
  let lines = first.lines.map(format).filter((line): line is string => line !== undefined);
  if (tail !== undefined && tail >= 0) lines = tail === 0 ? [] : lines.slice(-tail);
  for (const line of lines) emit(line);
  if (!follow) {
    response.end();
    return;
  }
  let offset = first.end;
  streams.add(response);
  const timer = setInterval(() => {
    void (async () => {
      const next = await readAll(offset);
      offset = next.end;
      for (const line of next.lines.map(format)) if (line !== undefined) emit(line);
      const state = await podman(["inspect", "--format", "{{.State.Running}}", containerId], { allowFailure: true });
      if (state.stdout.trim() !== "true") {
        const rest = await readAll(offset);
        for (const line of rest.lines.map(format)) if (line !== undefined) emit(line);
        clearInterval(timer);
        streams.delete(response);
        response.end();
      }
    })();
  }, 250);
  response.on("close", () => {
    clearInterval(timer);
    streams.delete(response);
  });
}

/** `pods/log`: `container`, `previous`, `tailLines`, `sinceSeconds`/`sinceTime`, `timestamps`, `limitBytes`, `follow`. */
export const podLog: TSubresource = {
  kind: "Pod",
  verbs: ["get"],
  async handle({ request, response, object, query, cluster }) {
    if (request.method !== "GET") throw notFoundPath();
    const pod = object as TPod;
    const container = containerName(pod, query.get("container"), "log");
    const previous = query.get("previous") === "true";
    const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    const status = statuses.find((candidate) => candidate.name === container);
    let containerId: string | undefined;
    if (previous) {
      containerId = status?.lastState.terminated?.containerID?.replace(/^podman:\/\//, "");
      if (!containerId)
        throw badRequest(`previous terminated container "${container}" in pod "${pod.metadata.name}" not found`);
    } else {
      containerId = cluster.kubelet.worker(pod)?.containerId(container, false);
      if (!containerId || !status?.containerID) {
        const reason = status?.state.waiting?.reason ?? "ContainerCreating";
        const why =
          reason === "ImagePullBackOff" || reason === "ErrImagePull"
            ? "trying and failing to pull image"
            : reason === "ErrImageNeverPull"
              ? "image can't be pulled"
              : reason;
        throw badRequest(`container "${container}" in pod "${pod.metadata.name}" is waiting to start: ${why}`);
      }
    }
    await streamLogs(response, containerId, query, cluster.streams);
  },
};
