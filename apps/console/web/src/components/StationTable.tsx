import { useQueries } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useDeferredValue, useId, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import type { CsmsAnswer } from '../api/types';
import { api } from '../lib/api';
import {
  STATUS_FILTERS,
  activeByStation,
  baseStationRow,
  byStationId,
  connectorTone,
  filterRows,
  withMeters,
  type CsmsStationDetail,
  type StationRow,
  type StatusFilter,
} from '../lib/charging';
import { csmsKeys, useActiveTransactions, useStations } from '../lib/csms-queries';
import { useLive } from '../lib/live';
import { useDebounced } from '../lib/use-debounced';
import { formatEnergyWh, formatPowerW } from '../lib/units';
import { Badge, ErrorNote, Loading } from './ui';

const ROW_HEIGHT = 41;
/** REST detail reads for rows the live feed does not cover: the visible ones only, at most this many. */
const MAX_DETAIL_READS = 40;
const NO_DETAILS = new Map<string, CsmsStationDetail>();
/** Stable, so TanStack Query keeps the combined result while no detail read changes. */
const detailData = (results: { data?: CsmsStationDetail }[]): (CsmsStationDetail | undefined)[] =>
  results.map((r) => r.data);

const StationTr = memo(function StationTr({ row, index }: { row: StationRow; index: number }) {
  return (
    <tr className="vrow" data-testid={`station-row-${row.id}`} aria-rowindex={index + 2}>
      <th scope="row">
        <Link to={`/charging/${encodeURIComponent(row.id)}`}>{row.id}</Link>
      </th>
      <td>{row.connected ? <Badge tone="ok">connected</Badge> : <Badge tone="bad">not connected</Badge>}</td>
      <td>
        {row.connectors.length === 0 ? (
          <span className="muted">—</span>
        ) : (
          <span className="connector-badges">
            {row.connectors.map((c) => (
              <Badge key={c.connectorId} tone={connectorTone(c.status)}>
                {c.connectorId}: {c.status ?? (c.transactionId !== null ? 'in session' : 'unknown')}
              </Badge>
            ))}
          </span>
        )}
      </td>
      <td className="num">{row.powerW === null ? '—' : formatPowerW(row.powerW)}</td>
      <td className="num">{row.sessionEnergyWh === null ? '—' : formatEnergyWh(row.sessionEnergyWh)}</td>
      <td>{row.idTags.length ? row.idTags.join(', ') : '—'}</td>
    </tr>
  );
});

/**
 * Every station in one virtualised table (only the rows in view are in the page, so 5,000 stations
 * stream live as smoothly as five), with a filter by id, status or id tag. ocpp-csms's GET /stations
 * pages and filters by id (q, offset, limit), but this filter also matches live status and id tags,
 * so the list (a few hundred kB at 5,000 stations) is read whole and filtered here.
 */
export function StationTable() {
  const ids = useId();
  const stations = useStations();
  const active = useActiveTransactions();
  const statuses = useLive('station_status');
  const meters = useLive('station_meter');
  const [text, setText] = useState('');
  const [status, setStatus] = useState<StatusFilter>('all');
  const deferredText = useDeferredValue(text);

  const sorted = useMemo(() => byStationId(stations.data ?? []), [stations.data]);
  const openByStation = useMemo(() => activeByStation(active.data ?? []), [active.data]);

  // Rows in view that the live feed does not cover are read by REST (every 10 s), so the page
  // shows connector statuses and power even before ocpp-csms publishes them on the bus.
  const [visibleIds, setVisibleIds] = useState<string[]>([]);
  const settledIds = useDebounced(visibleIds, 300);
  const needKey = useMemo(
    () =>
      settledIds
        .filter((id) => {
          if (!statuses.has(id)) return true;
          const open = openByStation.get(id) ?? [];
          return open.some((t) => !meters.has(`${id}/${t.connector_id}`));
        })
        .slice(0, MAX_DETAIL_READS)
        .join('\n'),
    [settledIds, statuses, meters, openByStation],
  );
  const needDetail = useMemo(() => (needKey ? needKey.split('\n') : []), [needKey]);
  const details = useQueries({
    queries: needDetail.map((id) => ({
      queryKey: csmsKeys.station(id),
      queryFn: () => api<CsmsAnswer<'/stations/{id}'>>('csms', `/stations/${encodeURIComponent(id)}`),
    })),
    combine: detailData,
  });
  const detailMap = useMemo(() => {
    const found = details.filter((d): d is CsmsStationDetail => d !== undefined);
    return found.length ? new Map(found.map((d) => [d.station_id, d])) : NO_DETAILS;
  }, [details]);

  // Rows without meters: rebuilt when a status, a detail read or the open sessions change, not on
  // every meter value; the meters are laid over the visible rows only (below).
  const rows = useMemo(
    () => sorted.map((s) => baseStationRow(s, { statuses, details: detailMap, active: openByStation })),
    [sorted, statuses, detailMap, openByStation],
  );
  const shown = useMemo(() => filterRows(rows, deferredText, status), [rows, deferredText, status]);

  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    onChange: (v) => {
      const next = v.getVirtualItems().map((item) => shown[item.index]?.id ?? '');
      setVisibleIds((prev) => (prev.length === next.length && prev.every((id, i) => id === next[i]) ? prev : next));
    },
  });
  const items = virtualizer.getVirtualItems();
  const top = items.length ? items[0].start : 0;
  const bottom = items.length ? virtualizer.getTotalSize() - items[items.length - 1].end : 0;
  const connectedCount = useMemo(() => rows.filter((r) => r.connected).length, [rows]);
  const liveCount = statuses.size;

  return (
    <>
      <div className="form-row">
        <label htmlFor={`${ids}-filter`}>
          Filter stations
          <input
            id={`${ids}-filter`}
            type="search"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="id, status or id tag"
            autoComplete="off"
          />
        </label>
        <label htmlFor={`${ids}-status`}>
          Status
          <select id={`${ids}-status`} value={status} onChange={(e) => setStatus(e.target.value as StatusFilter)}>
            {STATUS_FILTERS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </label>
        <p className="muted small station-count" role="status">
          {stations.data
            ? `${shown.length} of ${rows.length} stations · ${connectedCount} connected · ${openByStation.size} charging${
                liveCount === 0 ? ' · live values not published yet, read every 10 s' : ''
              }`
            : ''}
        </p>
      </div>
      <ErrorNote error={stations.error} />
      {/* The open sessions' error only when it says something the list's does not. */}
      <ErrorNote error={active.error && active.error.message !== stations.error?.message ? active.error : null} />
      {stations.isPending ? <Loading what="stations" /> : null}
      {stations.data && rows.length === 0 ? <p className="muted">No station has connected to ocpp-csms yet.</p> : null}
      {rows.length > 0 ? (
        <div
          ref={scroller}
          className="table-scroll station-scroll"
          tabIndex={0}
          role="region"
          aria-label="Stations table"
        >
          <table aria-rowcount={shown.length + 1}>
            <thead>
              <tr aria-rowindex={1}>
                <th scope="col">Station</th>
                <th scope="col">Connection</th>
                <th scope="col">Connectors</th>
                <th scope="col" className="num">
                  Power
                </th>
                <th scope="col" className="num">
                  Session energy
                </th>
                <th scope="col">Id tag</th>
              </tr>
            </thead>
            <tbody>
              {top > 0 ? (
                <tr aria-hidden="true" className="vpad" style={{ height: top }}>
                  <td colSpan={6} />
                </tr>
              ) : null}
              {items.map((item) => {
                const row = shown[item.index];
                return row ? <StationTr key={row.id} row={withMeters(row, meters)} index={item.index} /> : null;
              })}
              {bottom > 0 ? (
                <tr aria-hidden="true" className="vpad" style={{ height: bottom }}>
                  <td colSpan={6} />
                </tr>
              ) : null}
            </tbody>
          </table>
          {shown.length === 0 ? <p className="muted">No station matches the filter.</p> : null}
        </div>
      ) : null}
    </>
  );
}
