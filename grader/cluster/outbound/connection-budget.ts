/**
 * Requests and exec streams in flight to clusters, counted per owner (a learner, or one connection when no
 * owner is given) across every run in this process. Each holds one socket while it is counted: an HTTP
 * request from sending to its last byte, an exec WebSocket from dialling to closing. So a slow or hostile
 * server can keep at most `limit` of our sockets busy however many checks, runs and connection tests the
 * learner starts; idle pooled sockets are not counted (each connection pools a few, closed after 2 s idle).
 * The count is per process: instances behind a load balancer each keep their own.
 */
export class ConnectionBudget {
  private readonly owners = new Map<string, { open: number; waiting: Array<() => void> }>();

  /** Slots taken now for `owner` (for tests and diagnostics). */
  open(owner: string): number {
    return this.owners.get(owner)?.open ?? 0;
  }

  /**
   * Takes a slot for `owner`, waiting up to `timeoutMs` for one to free up. Resolves with the function that gives
   * the slot back (idempotent), or null when none freed up in time or `signal` aborted.
   */
  async acquire(owner: string, limit: number, timeoutMs: number, signal?: AbortSignal): Promise<(() => void) | null> {
    const entry = this.owners.get(owner) ?? { open: 0, waiting: [] };
    this.owners.set(owner, entry);
    if (entry.open < limit) {
      entry.open += 1;
      return this.releaser(owner, entry);
    }
    if (signal?.aborted) return null;
    return new Promise((resolve) => {
      const wake = () => {
        cleanup();
        // The slot is handed over by release(): `open` already counts it.
        resolve(this.releaser(owner, entry));
      };
      const giveUp = () => {
        cleanup();
        const index = entry.waiting.indexOf(wake);
        if (index >= 0) entry.waiting.splice(index, 1);
        this.forget(owner, entry);
        resolve(null);
      };
      const timer = setTimeout(giveUp, timeoutMs);
      signal?.addEventListener("abort", giveUp, { once: true });
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", giveUp);
      };
      entry.waiting.push(wake);
    });
  }

  private releaser(owner: string, entry: { open: number; waiting: Array<() => void> }): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = entry.waiting.shift();
      // Hand the slot straight to the next waiter, so a newcomer cannot jump the queue.
      if (next) next();
      else {
        entry.open -= 1;
        this.forget(owner, entry);
      }
    };
  }

  private forget(owner: string, entry: { open: number; waiting: Array<() => void> }): void {
    if (entry.open === 0 && entry.waiting.length === 0 && this.owners.get(owner) === entry) this.owners.delete(owner);
  }
}

/** The process-wide budget every cluster connection draws from. */
export const connectionBudget = new ConnectionBudget();
