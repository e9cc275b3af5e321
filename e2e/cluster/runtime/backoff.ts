/** kubelet's crash back-off: 10 s, doubling, capped at 5 min. */
export const initialBackoffMs = 10_000;
export const maxBackoffMs = 300_000;

/** Back-off after one more crash, given the previous one (undefined when there was none). */
export function nextBackoff(previousMs: number | undefined): number {
  if (previousMs === undefined) return initialBackoffMs;
  return Math.min(previousMs * 2, maxBackoffMs);
}

/**
 * kubelet forgets a container's back-off once it has run without crashing for twice the cap,
 * so a container that was healthy for 10 minutes restarts at 10 s again.
 */
export function backoffAfterRun(previousMs: number | undefined, ranForMs: number): number {
  if (ranForMs >= 2 * maxBackoffMs) return initialBackoffMs;
  return nextBackoff(previousMs);
}

/** Whether a container that exited with `exitCode` is restarted under the pod's restartPolicy. */
export function shouldRestart(restartPolicy: "Always" | "OnFailure" | "Never", exitCode: number): boolean {
  if (restartPolicy === "Always") return true;
  if (restartPolicy === "OnFailure") return exitCode !== 0;
  return false;
}
