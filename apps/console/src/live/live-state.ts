/** What the console's live feed carries: one kind per thing the page shows, keyed by its id. */
export const LIVE_KINDS = [
  'plant',
  'device',
  'device_status',
  'service_status',
  'site_limit',
  'dispatch',
  'dispatch_ack',
  'station_status',
  'station_meter',
] as const;
export type LiveKind = (typeof LIVE_KINDS)[number];

export interface LiveItem {
  kind: LiveKind;
  key: string;
  /** When the console received it (ms since the epoch). */
  at: number;
  data: object;
}

/**
 * The latest value of every live item, and which changed since the last flush. A browser gets the
 * whole state when it connects and then, every flush, only what changed (the latest value of each):
 * however fast the bus runs, a page receives at most one frame per flush interval.
 */
export class LiveState {
  private readonly items = new Map<string, LiveItem>();
  private dirty = new Set<string>();

  /** Largest number of items kept (a bound against a flood of made-up ids). */
  constructor(private readonly maxItems = 50_000) {}

  set(kind: LiveKind, key: string, data: object, at = Date.now()): void {
    const id = `${kind}\u0000${key}`;
    if (!this.items.has(id) && this.items.size >= this.maxItems) return;
    this.items.set(id, { kind, key, at, data });
    this.dirty.add(id);
  }

  get size(): number {
    return this.items.size;
  }

  snapshot(): LiveItem[] {
    return [...this.items.values()];
  }

  /** The items changed since the last call, and forgets them. */
  takeChanges(): LiveItem[] {
    if (this.dirty.size === 0) return [];
    const changed: LiveItem[] = [];
    for (const id of this.dirty) {
      const item = this.items.get(id);
      if (item) changed.push(item);
    }
    this.dirty = new Set();
    return changed;
  }
}
