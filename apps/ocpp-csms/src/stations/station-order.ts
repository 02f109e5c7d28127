import type { StationSort } from '@lib/contracts';

/** What GET /stations orders by: the station's id, whether it is connected, its connectors' status and power. */
export interface StationOrderFacts {
  id: string;
  connected: boolean;
  /** Its connectors' last StatusNotification (null when none came). */
  statuses: (string | null)[];
  /** What its connectors draw now, W (null when no meter value says). */
  powerW: number | null;
}

/** The status an operator looks at first ranks first: a fault, then the sessions, then the idle. */
const STATUS_RANK: Record<string, number> = {
  Faulted: 0,
  Charging: 1,
  SuspendedEVSE: 2,
  SuspendedEV: 3,
  Preparing: 4,
  Finishing: 5,
  Reserved: 6,
  Unavailable: 7,
  Available: 8,
};
const UNKNOWN_RANK = 9;
const NOT_CONNECTED_RANK = 10;

/** A station's status rank: its most telling connector's, or last when it is not connected. */
export function statusRank(facts: Pick<StationOrderFacts, 'connected' | 'statuses'>): number {
  if (!facts.connected) return NOT_CONNECTED_RANK;
  return Math.min(
    UNKNOWN_RANK,
    ...facts.statuses.map((s) => (s === null ? UNKNOWN_RANK : (STATUS_RANK[s] ?? UNKNOWN_RANK))),
  );
}

const byId = (a: StationOrderFacts, b: StationOrderFacts): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The stations in the order asked for; a leading `-` reverses the key (not the tie-break: equal
 * keys stay in id order either way). A station whose power is unknown comes after every known one,
 * in both directions, so "most power first" does not open on a page of dashes.
 */
export function orderStations<T extends StationOrderFacts>(stations: readonly T[], sort: StationSort = 'id'): T[] {
  const descending = sort.startsWith('-');
  const key = sort.replace(/^-/, '') as 'id' | 'status' | 'power';
  const sign = descending ? -1 : 1;
  const compare = (a: T, b: T): number => {
    if (key === 'id') return sign * byId(a, b);
    if (key === 'status') return sign * (statusRank(a) - statusRank(b)) || byId(a, b);
    if (a.powerW === null || b.powerW === null)
      return (a.powerW === null ? 1 : 0) - (b.powerW === null ? 1 : 0) || byId(a, b);
    return sign * (a.powerW - b.powerW) || byId(a, b);
  };
  return [...stations].sort(compare);
}
