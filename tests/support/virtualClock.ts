/**
 * Virtual time for fakes with concurrent callers: `sleep(ms)` parks the caller until the clock
 * reaches its wake time, and the clock jumps to the earliest wake time once every caller is
 * parked (checked after the microtask queue drains, with setImmediate). Unlike a clock that each
 * sleep advances, ten callers sleeping 500 ms side by side take 500 ms, not 5 s.
 */
export class VirtualClock {
  private t: number;
  private waiters: { wake: number; resolve: () => void }[] = [];
  private scheduled = false;

  constructor(start = 0) {
    this.t = start;
  }

  readonly now = (): number => this.t;

  /** Moves the clock (only forwards); for tests that set a starting time. */
  set(ms: number): void {
    this.t = Math.max(this.t, ms);
  }

  readonly sleep = (ms: number): Promise<void> =>
    new Promise<void>((resolve) => {
      this.waiters.push({ wake: this.t + Math.max(0, ms), resolve });
      this.schedule();
    });

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.waiters.length) return;
      const wake = Math.min(...this.waiters.map((w) => w.wake));
      this.t = Math.max(this.t, wake);
      const due = this.waiters.filter((w) => w.wake <= this.t);
      this.waiters = this.waiters.filter((w) => w.wake > this.t);
      for (const w of due) w.resolve();
      if (this.waiters.length) this.schedule();
    });
  }
}
