/**
 * Runs `task` once `delayMs` after the first of a burst of triggers: the events of one moment
 * (a start, its meter values, a status) make one re-balance, not one each.
 */
export class Debouncer {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly delayMs: number,
    private readonly task: () => void,
  ) {}

  trigger(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.task();
    }, this.delayMs);
    this.timer.unref();
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
