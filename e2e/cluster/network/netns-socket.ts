import { spawn } from "node:child_process";
import type dgram from "node:dgram";
import type net from "node:net";

/** A socket to open inside a network namespace: a TCP listener or a UDP socket, on one address and port. */
export type TSocketSpec = { protocol: "tcp" | "udp"; host: string; port: number };

/** What `openSocketsInNetns` hands back, in the order asked for. */
export type TNetnsSocket = { protocol: "tcp"; server: net.Server } | { protocol: "udp"; socket: dgram.Socket };

// Runs inside the namespace: opens each socket and passes it to the parent over the IPC channel. A socket
// keeps the network namespace it was created in, so the parent serves it while living in its own.
const childProgram = `
const net = require("node:net");
const dgram = require("node:dgram");
const specs = JSON.parse(process.argv[1]);
const fail = (error) => { process.send({ error: String(error && error.message || error) }, () => process.exit(1)); };
const next = (index) => {
  if (index === specs.length) { process.disconnect(); return; }
  const spec = specs[index];
  const handle = spec.protocol === "udp" ? dgram.createSocket("udp4") : net.createServer();
  handle.once("error", fail);
  // Once sent, the parent holds its own copy: this one closes, so that only the parent accepts and this
  // helper can exit.
  const sent = () => process.send({ index }, handle, () => { handle.close(); next(index + 1); });
  if (spec.protocol === "udp") handle.bind({ address: spec.host, port: spec.port, exclusive: true }, sent);
  else handle.listen({ host: spec.host, port: spec.port, exclusive: true }, sent);
};
next(0);
`;

/**
 * Opens listening sockets inside the network namespace at `netnsPath` and returns them to this process:
 * the node's services (cluster DNS in a CoreDNS pod, the metadata host) answer from inside the cluster's
 * network without a process of their own. Rejects with the bind error (an address in use, a namespace gone).
 */
export function openSocketsInNetns(
  netnsPath: string,
  specs: TSocketSpec[],
  timeoutMs = 15_000,
): Promise<TNetnsSocket[]> {
  return new Promise((resolve, reject) => {
    const opened: TNetnsSocket[] = [];
    let stderr = "";
    let settled = false;
    const child = spawn(
      "nsenter",
      [`--net=${netnsPath}`, process.execPath, "-e", childProgram, JSON.stringify(specs)],
      {
        stdio: ["ignore", "ignore", "pipe", "ipc"],
      },
    );
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        for (const item of opened) closeNetnsSocket(item);
        child.kill("SIGKILL");
        reject(error);
      } else resolve(opened);
    };
    const timer = setTimeout(
      () => finish(new Error(`opening sockets in ${netnsPath} took over ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    child.on("message", (message: { index?: number; error?: string }, handle: unknown) => {
      if (message.error !== undefined)
        return finish(new Error(`cannot open a socket in ${netnsPath}: ${message.error}`));
      const spec = specs[message.index ?? -1];
      if (!spec || !handle) return finish(new Error(`unexpected message from the socket helper in ${netnsPath}`));
      opened.push(
        spec.protocol === "udp"
          ? { protocol: "udp", socket: handle as dgram.Socket }
          : { protocol: "tcp", server: handle as net.Server },
      );
      if (opened.length === specs.length) finish();
    });
    child.on("error", (error) => finish(error));
    child.on("exit", (code) => {
      if (opened.length < specs.length)
        finish(new Error(`the socket helper for ${netnsPath} exited ${code}: ${stderr.trim() || "no output"}`));
    });
  });
}

/** Closes a socket opened by `openSocketsInNetns`. */
export function closeNetnsSocket(item: TNetnsSocket): void {
  if (item.protocol === "udp") {
    try {
      item.socket.close();
    } catch {
      // Closed already.
    }
  } else item.server.close();
}
