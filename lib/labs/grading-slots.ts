/**
 * A process-wide limit on grading runs at once. Every check has a wall-clock timeout, so when too
 * many runs share two cores they all time out together and learners see false failures; a short
 * queue instead makes each run take as long as it would alone.
 */
export class GradingSlots {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly size: number) {}

  /** Runs `work` when a slot is free; `onQueued` is told the position when it has to wait. */
  async run<T>(work: () => Promise<T>, onQueued?: (position: number) => void): Promise<T> {
    if (this.active >= this.size) {
      onQueued?.(this.waiting.length + 1);
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active += 1;
    }
    try {
      return await work();
    } finally {
      // Hand the slot straight to the next waiter, so a newcomer cannot jump the queue.
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }
}

const configured = Number(process.env.CKS_GRADING_CONCURRENCY ?? "");
/** The app's grading slots: CKS_GRADING_CONCURRENCY, default 4. */
export const gradingSlots = new GradingSlots(Number.isInteger(configured) && configured > 0 ? configured : 4);
