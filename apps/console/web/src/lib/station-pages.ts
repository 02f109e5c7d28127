import type { ChargePointStatus, StationSort } from '@lib/contracts';
import type { StationLive } from './live-store';

/**
 * The charging table's reads of GET /stations: a page at a time for the rows in view, with the
 * filter and the order done by ocpp-csms (q, status, connected, sort, offset, limit; the total in
 * X-Total-Count), so 5,000 stations cost the page what 100 do.
 */
export const STATION_PAGE = 100;

export type ConnectedFilter = 'all' | 'true' | 'false';

export const CONNECTED_FILTERS: { value: ConnectedFilter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'true', label: 'Connected' },
  { value: 'false', label: 'Not connected' },
];

/** A connector status to filter on ('all' for any); the CSMS knows the OCPP 1.6 ones. */
export type StatusFilter = 'all' | ChargePointStatus;

export const STATUS_FILTERS: { value: StatusFilter; label: string }[] = [
  { value: 'all', label: 'Any' },
  { value: 'Available', label: 'Available' },
  { value: 'Preparing', label: 'Preparing' },
  { value: 'Charging', label: 'Charging' },
  { value: 'SuspendedEV', label: 'Suspended by the EV' },
  { value: 'SuspendedEVSE', label: 'Suspended by the station' },
  { value: 'Finishing', label: 'Finishing' },
  { value: 'Reserved', label: 'Reserved' },
  { value: 'Unavailable', label: 'Unavailable' },
  { value: 'Faulted', label: 'Faulted' },
];

export interface StationFilter {
  /** Part of the station id, of an open session's id tag or of a connector status (any case); '' for all. */
  q: string;
  /** Stations with a connector in this status now. */
  status: StatusFilter;
  connected: ConnectedFilter;
  sort: StationSort;
}

/** The pages that hold rows `first`..`last` (inclusive); the first page while nothing is known. */
export function pagesInView(first: number, last: number, pageSize = STATION_PAGE): number[] {
  if (last < first || last < 0) return [0];
  const pages: number[] = [];
  for (let p = Math.floor(Math.max(0, first) / pageSize); p <= Math.floor(last / pageSize); p++) pages.push(p);
  return pages;
}

/** The query of one page. */
export function pageQuery(
  filter: StationFilter,
  page: number,
  pageSize = STATION_PAGE,
): Record<string, string | number> {
  return {
    ...(filter.q.trim() ? { q: filter.q.trim() } : {}),
    ...(filter.status === 'all' ? {} : { status: filter.status }),
    ...(filter.connected === 'all' ? {} : { connected: filter.connected }),
    ...(filter.sort === 'id' ? {} : { sort: filter.sort }),
    offset: page * pageSize,
    limit: pageSize,
  };
}

export type SortColumn = 'id' | 'status' | 'power';

/** A column header clicked: the same column flips its direction, another starts with its natural one. */
export function nextSort(current: StationSort, column: SortColumn): StationSort {
  const key = current.replace(/^-/, '');
  if (key === column) return current.startsWith('-') ? column : `-${column}`;
  // Most power first is what an operator looks for; ids and statuses read from the top.
  return column === 'power' ? '-power' : column;
}

/** The header's aria-sort for a column. */
export function ariaSort(current: StationSort, column: SortColumn): 'ascending' | 'descending' | 'none' {
  if (current.replace(/^-/, '') !== column) return 'none';
  return current.startsWith('-') ? 'descending' : 'ascending';
}

/**
 * The stations in view whose row the live feed cannot fill yet: no status from it, or an open
 * session on a connector it has no meter for. Those rows read the station by REST.
 */
export function needingDetail(
  ids: readonly string[],
  live: (id: string) => StationLive,
  open: ReadonlyMap<string, readonly { connector_id: number }[]>,
): string[] {
  return ids.filter((id) => {
    const values = live(id);
    return !values.status || (open.get(id) ?? []).some((t) => !values.meters.has(`${id}/${t.connector_id}`));
  });
}
