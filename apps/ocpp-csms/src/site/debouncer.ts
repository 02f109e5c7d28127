/**
 * A named debounce: the first trigger opens a window of `windowMs` (SITE_DEBOUNCE_MS for the
 * site plan), every trigger inside it is coalesced, and the task runs once when it closes. The
 * events of one moment (a start, its meter values, a status) make one re-balance, not one each;
 * a steady stream of events still gets a re-balance every window, never starves it.
 */
export class Debouncer {
  private timer: NodeJS.Timeout | null = null;
  private pending = 0;
  /** Triggers folded into an earlier one since the start (what the debounce saved). */
  coalesced = 0;

  constructor(
    readonly name: string,
    private readonly windowMs: number,
    private readonly task: (triggers: number) => void,
  ) {}

  get waiting(): boolean {
    return this.timer !== null;
  }

  trigger(): void {
    this.pending++;
    if (this.timer) {
      this.coalesced++;
      return;
    }
    this.timer = setTimeout(() => this.fire(), this.windowMs);
    this.timer.unref();
  }

  /** Runs the task now if a window is open (e.g. on shutdown), else does nothing. */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.fire();
    }
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = 0;
  }

  private fire(): void {
    const triggers = this.pending;
    this.timer = null;
    this.pending = 0;
    this.task(triggers);
  }
}
