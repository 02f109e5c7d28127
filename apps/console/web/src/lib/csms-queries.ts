import { useQuery } from '@tanstack/react-query';
import type { SiteChargingPlanDto } from '@lib/contracts';
import type { CsmsAnswer } from '../api/types';
import { api } from './api';
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

/** Open transactions (the CSMS answers at most 1,000). */
export function useActiveTransactions() {
  return useQuery({
    queryKey: csmsKeys.active,
    queryFn: () => api<CsmsAnswer<'/transactions'>>('csms', '/transactions', { query: { active: true, limit: 1000 } }),
  });
}

export function useSitePlan() {
  return useQuery({
    queryKey: csmsKeys.site,
    queryFn: () => api<SiteChargingPlanDto>('csms', '/site/charging_limit'),
  });
}
