import { randomBytes } from "node:crypto";
import { runKubectl } from "./kubectl";

/** A fresh namespace name so tests never see each other's pods. */
export function randomNamespace(prefix = "t"): string {
  return `${prefix}-${randomBytes(4).toString("hex")}`;
}

/** Polls `read` until `done` holds or the timeout passes; returns the last value either way. */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 90_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    value = await read();
  }
  return value;
}

/** The row of `kubectl get pod <name> --no-headers` split into NAME READY STATUS RESTARTS AGE. */
export async function podRow(
  kubeconfigPath: string,
  namespace: string,
  name: string,
): Promise<{ ready: string; status: string; restarts: string }> {
  const result = await runKubectl(kubeconfigPath, ["get", "pod", name, "-n", namespace, "--no-headers"]);
  const cells = result.stdout.trim().split(/\s{2,}/);
  return { ready: cells[1] ?? "", status: cells[2] ?? "", restarts: cells[3] ?? "" };
}
