import type { StationMeterMessage, StationStatusMessage, StationTotals } from '@lib/contracts';

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
  'station_totals',
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
 * The station an item is about, for the kinds a browser follows station by station (a site has
 * thousands); null for every other kind, which goes to every browser.
 */
export function stationOf(item: Pick<LiveItem, 'kind' | 'key'>): string | null {
  if (item.kind === 'station_status') return item.key;
  if (item.kind === 'station_meter') return item.key.slice(0, item.key.lastIndexOf('/'));
  return null;
}

/**
 * The latest value of every live item, and which changed since the last flush. A browser gets the
 * whole state when it connects and then, every flush, only what changed (the latest value of each):
 * however fast the bus runs, a page receives at most one frame per flush interval. The stations'
 * site-wide totals (`station_totals`, key `site`) are kept here, as one more item, whenever a
 * station's status or meter changed.
 */
export class LiveState {
  private readonly items = new Map<string, LiveItem>();
  private dirty = new Set<string>();
  private readonly statuses = new Map<string, StationStatusMessage>();
  private readonly meters = new Map<string, StationMeterMessage>();
  /** Each station's item ids (its status and its connectors' meters). */
  private readonly byStation = new Map<string, Set<string>>();
  private totalsDirty = false;

  /** Largest number of items kept (a bound against a flood of made-up ids). */
  constructor(private readonly maxItems = 50_000) {}

  set(kind: LiveKind, key: string, data: object, at = Date.now()): void {
    const id = `${kind}\u0000${key}`;
    if (!this.items.has(id) && this.items.size >= this.maxItems) return;
    const item: LiveItem = { kind, key, at, data };
    this.items.set(id, item);
    this.dirty.add(id);
    const station = stationOf(item);
    if (station !== null) {
      let ids = this.byStation.get(station);
      if (!ids) this.byStation.set(station, (ids = new Set()));
      ids.add(id);
    }
    if (kind === 'station_status') this.statuses.set(key, data as StationStatusMessage);
    if (kind === 'station_meter') this.meters.set(key, data as StationMeterMessage);
    if (kind === 'station_status' || kind === 'station_meter') this.totalsDirty = true;
  }

  get size(): number {
    return this.items.size;
  }

  snapshot(): LiveItem[] {
    this.updateTotals();
    return [...this.items.values()];
  }

  /** The current items of these stations (what a browser needs when it starts to follow them). */
  stationItems(stations: Iterable<string>): LiveItem[] {
    const found: LiveItem[] = [];
    for (const station of stations) {
      for (const id of this.byStation.get(station) ?? []) {
        const item = this.items.get(id);
        if (item) found.push(item);
      }
    }
    return found;
  }

  /** The items changed since the last call, and forgets them. */
  takeChanges(): LiveItem[] {
    this.updateTotals();
    if (this.dirty.size === 0) return [];
    const changed: LiveItem[] = [];
    for (const id of this.dirty) {
      const item = this.items.get(id);
      if (item) changed.push(item);
    }
    this.dirty = new Set();
    return changed;
  }

  /** The totals over every station: a pass over a few thousand values, at most once a flush. */
  private updateTotals(): void {
    if (!this.totalsDirty) return;
    this.totalsDirty = false;
    const totals: StationTotals = { stations: this.statuses.size, connected: 0, sessions: 0, power_w: 0 };
    for (const status of this.statuses.values()) {
      if (!status.connected) continue;
      totals.connected += 1;
      for (const c of status.connectors) if (c.transaction_id !== null) totals.sessions += 1;
    }
    for (const meter of this.meters.values()) totals.power_w += meter.power_w;
    this.set('station_totals', 'site', totals);
  }
}
