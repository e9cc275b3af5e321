/**
 * A controller's work queue, as client-go's rate-limited queue behaves: a key is worked on by one sync
 * at a time, a key added while it is being worked on is synced once more afterwards, and a key whose
 * sync failed comes back after a per-key exponential back-off (5 ms doubling, at most 1000 s).
 */
export class WorkQueue {
  private readonly running = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly failures = new Map<string, number>();
  private stopped = false;

  constructor(
    private readonly sync: (key: string) => Promise<void>,
    private readonly onError: (key: string, error: unknown) => void,
  ) {}

  /** Syncs `key` soon (after `delayMs`, or at once); repeated adds before it runs collapse into one sync. */
  add(key: string, delayMs = 0): void {
    if (this.stopped) return;
    if (delayMs > 0) {
      const pending = this.timers.get(key);
      if (pending) clearTimeout(pending);
      this.timers.set(
        key,
        setTimeout(() => {
          this.timers.delete(key);
          this.add(key);
        }, delayMs),
      );
      return;
    }
    if (this.running.has(key)) {
      this.dirty.add(key);
      return;
    }
    this.running.add(key);
    queueMicrotask(() => void this.run(key));
  }

  /** Adds `key` again after its back-off; each call without an intervening success doubles the wait. */
  retry(key: string): void {
    const failures = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, failures);
    this.add(key, Math.min(5 * 2 ** (failures - 1), 1_000_000));
  }

  /** Forgets a key's failures (a sync succeeded). */
  forget(key: string): void {
    this.failures.delete(key);
  }

  /** Stops every pending timer; later adds are ignored. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private async run(key: string): Promise<void> {
    try {
      await this.sync(key);
    } catch (error) {
      this.onError(key, error);
    } finally {
      this.running.delete(key);
      if (this.dirty.delete(key)) this.add(key);
    }
  }
}

/** The queue key of a namespaced object. */
export function keyOf(namespace: string | undefined, name: string | undefined): string {
  return `${namespace ?? ""}/${name ?? ""}`;
}

/** The namespace and name a key stands for. */
export function splitKey(key: string): [string, string] {
  const slash = key.indexOf("/");
  return [key.slice(0, slash), key.slice(slash + 1)];
}
