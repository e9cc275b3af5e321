import { spawn, type ChildProcess } from "node:child_process";
import { instanceId, ownerLabel, prepareHost } from "../host";
import { podUidLabel } from "./pod-worker";

/** Follows `podman events` for container deaths and routes them to the owning worker. */
export class DeathWatcher {
  private child?: ChildProcess;
  private buffer = "";
  private stopped = false;

  constructor(
    private readonly onDied: (containerId: string, podUid: string) => void,
    private readonly onRestart: () => void = () => {},
  ) {}

  start(): void {
    this.stopped = false;
    this.spawnWatcher();
  }

  private spawnWatcher(): void {
    this.buffer = "";
    // Replaying a little history closes the gap between spawning the stream and its first read;
    // workers ignore deaths they have already handled.
    const since = new Date(Date.now() - 5000).toISOString();
    this.child = spawn(
      "podman",
      [
        "events",
        "--since",
        since,
        "--format",
        "json",
        "--filter",
        "event=died",
        "--filter",
        `label=${ownerLabel}=${instanceId}`,
      ],
      { env: prepareHost(), stdio: ["ignore", "pipe", "ignore"] },
    );
    this.child.stdout?.on("data", (chunk: Buffer) => {
      this.buffer += chunk.toString();
      let newline = this.buffer.indexOf("\n");
      while (newline >= 0) {
        const line = this.buffer.slice(0, newline).trim();
        this.buffer = this.buffer.slice(newline + 1);
        newline = this.buffer.indexOf("\n");
        if (!line) continue;
        try {
          const event = JSON.parse(line) as { ID?: string; Attributes?: Record<string, string> };
          const uid = event.Attributes?.[podUidLabel];
          if (event.ID && uid) this.onDied(event.ID, uid);
        } catch {
          // A partial or foreign line is not an event we can act on.
        }
      }
    });
    // If the event stream dies, deaths in between are found by asking podman directly.
    this.child.on("exit", () => {
      if (this.stopped) return;
      setTimeout(() => {
        if (this.stopped) return;
        this.spawnWatcher();
        this.onRestart();
      }, 500);
    });
  }

  stop(): void {
    this.stopped = true;
    this.child?.kill("SIGTERM");
    this.child = undefined;
  }
}
