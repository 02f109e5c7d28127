import { useQuery } from '@tanstack/react-query';
import type { CsmsAnswer } from '../api/types';
import { api, apiPage } from './api';
import type { CsmsTransaction } from './charging';
import { STATION_PAGE, type StationFilter } from './station-pages';

/** The charging pages' reads of ocpp-csms, shared by key so two views of one thing ask once. */
export const csmsKeys = {
  stations: ['csms', 'stations'] as const,
  station: (id: string) => ['csms', 'station', id] as const,
  /** One page of GET /stations for a filter and order (the charging table). */
  stationPage: (filter: StationFilter, page: number, size = STATION_PAGE) =>
    ['csms', 'stations', 'page', filter.q, filter.status, filter.connected, filter.sort, page, size] as const,
  active: ['csms', 'transactions', 'active'] as const,
  transactions: (stationId: string | null, limit: number) => ['csms', 'transactions', stationId ?? '*', limit] as const,
  site: ['csms', 'site'] as const,
  logs: (id: string) => ['csms', 'logs', id] as const,
  composite: (id: string) => ['csms', 'composite', id] as const,
};

export function useStations() {
  return useQuery({ queryKey: csmsKeys.stations, queryFn: () => api<CsmsAnswer<'/stations'>>('csms', '/stations') });
}

export function useStationDetail(id: string) {
  return useQuery({
    queryKey: csmsKeys.station(id),
    queryFn: () => api<CsmsAnswer<'/stations/{id}'>>('csms', `/stations/${encodeURIComponent(id)}`),
  });
}

/** Open transactions come in pages of this many (ocpp-csms's most per answer). */
export const TRANSACTION_PAGE = 1000;

/**
 * Every open transaction: ocpp-csms answers at most 1,000 at a time, newest first, and the total in
 * X-Total-Count; the pages after the first are read together. A session that starts while the
 * pages are read may shift one onto the next page: each is kept once.
 */
export async function allActiveTransactions(
  read: (offset: number) => Promise<{ items: CsmsTransaction[]; total: number }> = (offset) =>
    apiPage<CsmsTransaction>('csms', '/transactions', {
      query: { active: true, limit: TRANSACTION_PAGE, offset },
    }),
): Promise<CsmsTransaction[]> {
  const first = await read(0);
  const offsets: number[] = [];
  for (let offset = first.items.length; first.items.length > 0 && offset < first.total; offset += TRANSACTION_PAGE)
    offsets.push(offset);
  const rest = await Promise.all(offsets.map(read));
  const byId = new Map<number, CsmsTransaction>();
  for (const t of [first, ...rest].flatMap((page) => page.items)) byId.set(t.transaction_id, t);
  return [...byId.values()];
}

export function useActiveTransactions() {
  return useQuery({ queryKey: csmsKeys.active, queryFn: () => allActiveTransactions() });
}

export function useSitePlan() {
  return useQuery({
    queryKey: csmsKeys.site,
    queryFn: () => api<CsmsAnswer<'/site/charging_limit'>>('csms', '/site/charging_limit'),
  });
}
