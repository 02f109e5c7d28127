import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../lib/api';
import type { CsmsAnswer } from '../api/types';
import type { CsmsTransaction } from '../lib/charging';
import { csmsKeys } from '../lib/csms-queries';
import { useDebounced } from '../lib/use-debounced';
import { toCsv, type CsvColumn } from '../lib/csv';
import { formatDateTime, useSite } from '../lib/site';
import { formatEnergyWh } from '../lib/units';
import { CsvButton } from './CsvButton';
import { Badge, ErrorNote, Loading } from './ui';

const LIMITS = [100, 500, 1000] as const;

const CSV_COLUMNS: CsvColumn<CsmsTransaction>[] = [
  { header: 'transaction_id', value: (t) => t.transaction_id },
  { header: 'station_id', value: (t) => t.station_id },
  { header: 'connector_id', value: (t) => t.connector_id },
  { header: 'id_tag', value: (t) => t.id_tag },
  { header: 'started_at', value: (t) => t.started_at },
  { header: 'stopped_at', value: (t) => t.stopped_at },
  { header: 'meter_start_wh', value: (t) => t.meter_start_wh },
  { header: 'meter_stop_wh', value: (t) => t.meter_stop_wh },
  { header: 'energy_wh', value: (t) => t.energy_wh },
  { header: 'stop_reason', value: (t) => t.stop_reason },
  { header: 'active', value: (t) => t.active },
];

function duration(t: CsmsTransaction, now: number): string {
  const end = t.stopped_at ? Date.parse(t.stopped_at) : now;
  const minutes = Math.max(0, Math.round((end - Date.parse(t.started_at)) / 60_000));
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/**
 * Charging sessions, newest first (GET /transactions), with CSV export of what is loaded. With
 * `stationId` it shows that station's; otherwise the operator may narrow it to one station.
 */
export function TransactionsTable({ stationId }: { stationId?: string }) {
  const site = useSite();
  const ids = useId();
  const [limit, setLimit] = useState<number>(100);
  const [stationFilter, setStationFilter] = useState('');
  const typed = useDebounced(stationFilter.trim(), 400);
  const station = stationId ?? (typed || null);
  const query = useQuery({
    queryKey: csmsKeys.transactions(station, limit),
    queryFn: () =>
      api<CsmsAnswer<'/transactions'>>('csms', '/transactions', { query: { station_id: station ?? undefined, limit } }),
  });
  const rows = query.data ?? [];
  const now = query.dataUpdatedAt || 0;
  return (
    <>
      <div className="form-row">
        {stationId ? null : (
          <label htmlFor={`${ids}-station`}>
            Station id
            <input
              id={`${ids}-station`}
              value={stationFilter}
              onChange={(e) => setStationFilter(e.target.value)}
              placeholder="all stations"
              autoComplete="off"
            />
          </label>
        )}
        <label htmlFor={`${ids}-limit`}>
          Sessions
          <select id={`${ids}-limit`} value={limit} onChange={(e) => setLimit(Number(e.target.value))}>
            {LIMITS.map((l) => (
              <option key={l} value={l}>
                latest {l}
              </option>
            ))}
          </select>
        </label>
        <CsvButton
          filename={`sessions${station ? `-${station}` : ''}.csv`}
          csv={() => toCsv(CSV_COLUMNS, rows)}
          disabled={rows.length === 0}
        />
      </div>
      <ErrorNote error={query.error} />
      {query.isPending ? <Loading what="sessions" /> : null}
      {query.data && rows.length === 0 ? <p className="muted">No sessions yet.</p> : null}
      {rows.length > 0 ? (
        <div className="table-scroll sessions-scroll" tabIndex={0} role="region" aria-label="Sessions table">
          <table>
            <thead>
              <tr>
                <th scope="col">Session</th>
                {stationId ? null : <th scope="col">Station</th>}
                <th scope="col" className="num">
                  Connector
                </th>
                <th scope="col">Id tag</th>
                <th scope="col">Started</th>
                <th scope="col">Stopped</th>
                <th scope="col">Duration</th>
                <th scope="col" className="num">
                  Energy
                </th>
                <th scope="col">Stop reason</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((t) => (
                <tr key={t.transaction_id}>
                  <td>{t.transaction_id}</td>
                  {stationId ? null : (
                    <td>
                      <Link to={`/charging/${encodeURIComponent(t.station_id)}`}>{t.station_id}</Link>
                    </td>
                  )}
                  <td className="num">{t.connector_id}</td>
                  <td>{t.id_tag}</td>
                  <td>{formatDateTime(t.started_at, site?.timezone)}</td>
                  <td>{t.active ? <Badge tone="ok">active</Badge> : formatDateTime(t.stopped_at, site?.timezone)}</td>
                  <td>{now ? duration(t, now) : '—'}</td>
                  <td className="num">{t.energy_wh === null ? '—' : formatEnergyWh(t.energy_wh)}</td>
                  <td>{t.stop_reason ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
