// Per-account back-off for password guessing. The per-address limiter (lib/auth/server.ts) stops one
// address; this stops many addresses guessing one account. It is a wait, never a lock: the hold grows
// with consecutive failures up to a cap and ends by itself, attempts refused during a hold are not
// counted (so they do not extend it), and a browser that has signed in to the account before is counted
// on its own (lib/auth/server.ts), so someone else's failures never hold the owner's usual browser.

/** The numbers, also in SECURITY.md. */
export const SIGN_IN_BACKOFF = {
  /** Consecutive failures allowed before the first hold. */
  freeFailures: 5,
  /** The first hold, doubled with each further failure. */
  firstHoldSeconds: 15,
  /** The longest hold. */
  maxHoldSeconds: 15 * 60,
  /** Failures are forgotten after this long without another one. */
  forgetAfterSeconds: 24 * 60 * 60,
  /** Accounts remembered at once (oldest forgotten first; each entry is a few dozen bytes). */
  maxEntries: 100_000,
} as const;

type Limits = { [K in keyof typeof SIGN_IN_BACKOFF]: number };
type Entry = { failures: number; lastFailureAt: number };

/** Consecutive sign-in failures per key (account and kind of browser), in this process's memory. */
export class SignInBackoff {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly limits: Limits = SIGN_IN_BACKOFF,
  ) {}

  /** How long after `failures` consecutive failures the next attempt must wait, in seconds. */
  holdSeconds(failures: number): number {
    if (failures < this.limits.freeFailures) return 0;
    const doublings = failures - this.limits.freeFailures;
    return Math.min(this.limits.firstHoldSeconds * 2 ** Math.min(doublings, 30), this.limits.maxHoldSeconds);
  }

  /** Whole seconds `key` must still wait before its next attempt is checked (0: go ahead). */
  waitSeconds(key: string): number {
    const entry = this.current(key);
    if (!entry) return 0;
    const until = entry.lastFailureAt + this.holdSeconds(entry.failures) * 1000;
    return Math.max(0, Math.ceil((until - this.now()) / 1000));
  }

  /** Records a wrong password for `key`. */
  failed(key: string): void {
    const entry = this.current(key);
    this.entries.delete(key);
    this.entries.set(key, { failures: (entry?.failures ?? 0) + 1, lastFailureAt: this.now() });
    while (this.entries.size > this.limits.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  /** A successful sign-in clears `key`. */
  succeeded(key: string): void {
    this.entries.delete(key);
  }

  private current(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && this.now() - entry.lastFailureAt > this.limits.forgetAfterSeconds * 1000) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }
}
