import type { StationSort } from '@lib/contracts';
import { useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useId, useMemo, useRef, useState, type CSSProperties, type MouseEvent } from 'react';
import { useNavigate } from 'react-router';
import { api, apiPage } from '../lib/api';
import {
  activeByStation,
  connectorTone,
  stationRow,
  type CsmsStation,
  type CsmsStationDetail,
  type CsmsTransaction,
} from '../lib/charging';
import { csmsKeys, useActiveTransactions } from '../lib/csms-queries';
import { useFollowStations, useLive, useLiveStore, useStationLive } from '../lib/live';
import {
  CONNECTED_FILTERS,
  STATION_PAGE,
  STATUS_FILTERS,
  ariaSort,
  needingDetail,
  nextSort,
  pageQuery,
  pagesInView,
  type ConnectedFilter,
  type SortColumn,
  type StationFilter,
  type StatusFilter,
} from '../lib/station-pages';
import { useDebounced } from '../lib/use-debounced';
import { useThrottled } from '../lib/use-throttled';
import { formatEnergyWh, formatPowerW } from '../lib/units';
import { Badge, ErrorNote, Loading } from './ui';

const ROW_HEIGHT = 41;
/** Rows drawn beyond the view on each side: few, since a fast scroll jumps past them anyway. */
const OVERSCAN = 4;
/** Rows in view this long (the table still) read their station by REST where the feed has nothing. */
const DETAIL_AFTER_MS = 1000;
const NO_OPEN: CsmsTransaction[] = [];
const NO_STATUS = new Map();
const NO_DETAIL = new Map();

/**
 * One station: its live values from the store (only this row re-renders when they change), and
 * the REST read of the station the table passes where the feed had none. Light to mount (no
 * query, timer or router hook of its own): a fast scroll mounts dozens of rows a frame.
 */
const StationTr = memo(function StationTr({
  station,
  open,
  detail,
  index,
}: {
  station: CsmsStation;
  open: CsmsTransaction[];
  detail: CsmsStationDetail | undefined;
  index: number;
}) {
  const id = station.station_id;
  const live = useStationLive(id);
  const row = useMemo(
    () =>
      stationRow(station, {
        statuses: live.status ? new Map([[id, live.status]]) : NO_STATUS,
        meters: live.meters,
        details: detail ? new Map([[id, detail]]) : NO_DETAIL,
        active: new Map([[id, open]]),
      }),
    [station, id, live, detail, open],
  );
  return (
    <tr className="vrow" data-testid={`station-row-${row.id}`} aria-rowindex={index + 2}>
      <th scope="row">
        {/* A plain link: the table's one click handler routes it (a router Link per row costs every mount). */}
        <a href={`/charging/${encodeURIComponent(row.id)}`} data-route="">
          {row.id}
        </a>
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

/** A row whose page has not come yet (scrolled to faster than the CSMS answers). */
const PendingTr = memo(function PendingTr({ index }: { index: number }) {
  return (
    <tr className="vrow" aria-rowindex={index + 2}>
      <td colSpan={6} className="muted">
        …
      </td>
    </tr>
  );
});

function SortHeader({
  column,
  sort,
  onSort,
  className,
  children,
}: {
  column: SortColumn;
  sort: StationSort;
  onSort: (column: SortColumn) => void;
  className?: string;
  children: string;
}) {
  const state = ariaSort(sort, column);
  return (
    <th scope="col" className={className} aria-sort={state}>
      <button type="button" className="sort-button" onClick={() => onSort(column)}>
        {children}
        <span aria-hidden="true">{state === 'ascending' ? ' ▲' : state === 'descending' ? ' ▼' : ''}</span>
      </button>
    </th>
  );
}

/**
 * Every station in one virtualised table: ocpp-csms filters (the text on the id, an open session's
 * id tag or a connector status; a status; connected), orders and pages the list (GET /stations with
 * q, status, connected, sort, offset, limit; the total from X-Total-Count sizes the scrollbar), and the table reads the pages that hold the rows in view. Live values come from the
 * console host for the stations in view only (the page follows them), so 5,000 stations stream as
 * smoothly as five; the site-wide counts are the host's sums over all.
 */
export function StationTable() {
  const ids = useId();
  const active = useActiveTransactions();
  const totals = useLive('station_totals').get('site')?.data;
  const [text, setText] = useState('');
  const [connected, setConnected] = useState<ConnectedFilter>('all');
  const [status, setStatus] = useState<StatusFilter>('all');
  const [sort, setSort] = useState<StationSort>('id');
  const q = useDebounced(text.trim(), 300);
  const filter: StationFilter = useMemo(() => ({ q, status, connected, sort }), [q, status, connected, sort]);
  const filtered = q !== '' || status !== 'all' || connected !== 'all';

  // The rows in view (known once the virtualizer has run, below), followed at most every 150 ms
  // while the table scrolls: the pages to read are those of the last range settled.
  const [settled, setSettled] = useState<{ first: number; last: number }>({ first: 0, last: -1 });
  const pageNumbers = useMemo(() => pagesInView(settled.first, settled.last), [settled]);
  const pages = useQueries({
    queries: pageNumbers.map((page) => ({
      queryKey: csmsKeys.stationPage(filter, page),
      queryFn: () => apiPage<CsmsStation>('csms', '/stations', { query: pageQuery(filter, page) }),
    })),
  });
  const loaded = new Map<number, CsmsStation[]>();
  let answered: number | undefined;
  let pending = false;
  let error: Error | null = null;
  pages.forEach((result, i) => {
    if (result.data) loaded.set(pageNumbers[i], result.data.items);
    answered ??= result.data?.total;
    pending ||= result.isPending;
    error ??= result.error;
  });
  // While a new filter's first page loads, the last total stays (the table does not blink away).
  const lastTotal = useRef<number | undefined>(undefined);
  if (answered !== undefined) lastTotal.current = answered;
  const total = answered ?? lastTotal.current;
  // The site's size, for "12 of 5,000": the one count the filter does not change.
  const everything = useQuery({
    queryKey: csmsKeys.stationPage({ q: '', status: 'all', connected: 'all', sort: 'id' }, 0, 1),
    queryFn: () => apiPage<CsmsStation>('csms', '/stations', { query: { limit: 1 } }),
    enabled: filtered,
  });
  const siteSize = filtered ? everything.data?.total : total;

  const openByStation = useMemo(() => activeByStation(active.data ?? []), [active.data]);
  // Rows whose page is cached show at once, before the (throttled) reads catch up with the scroll.
  const client = useQueryClient();
  const stationAt = (index: number): CsmsStation | undefined => {
    const page = Math.floor(index / STATION_PAGE);
    const items =
      loaded.get(page) ??
      client.getQueryData<{ items: CsmsStation[]; total: number }>(csmsKeys.stationPage(filter, page))?.items;
    return items?.[index % STATION_PAGE];
  };

  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: total ?? 0,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? -1;
  const lastSettled = useRef(0);
  useEffect(() => {
    if (settled.first === first && settled.last === last) return undefined;
    const timer = window.setTimeout(
      () => {
        lastSettled.current = Date.now();
        setSettled({ first, last });
      },
      Math.max(0, lastSettled.current + 150 - Date.now()),
    );
    return () => window.clearTimeout(timer);
  }, [first, last, settled]);
  // Back to the top when the filter or the order changes: row 4,000 of one list is not of the next.
  useEffect(() => {
    scroller.current?.scrollTo({ top: 0 });
  }, [filter]);

  const slots = Math.max(64, items.length);
  const top = items.length ? items[0].start : 0;
  const bottom = items.length ? virtualizer.getTotalSize() - items[items.length - 1].end : 0;
  const shownStations = items.map((item) => stationAt(item.index)?.station_id).filter((id): id is string => !!id);
  const shownKey = shownStations.join('\n');
  useFollowStations(useThrottled(shownKey, 150).split('\n').filter(Boolean));
  // Rows in view for a second with nothing from the feed: their station by REST (every 10 s).
  const store = useLiveStore();
  const still = useDebounced(shownKey, DETAIL_AFTER_MS);
  const needDetail = needingDetail(still === shownKey ? shownStations : [], (id) => store.station(id), openByStation);
  const details = useQueries({
    queries: needDetail.map((id) => ({
      queryKey: csmsKeys.station(id),
      queryFn: () => api<CsmsStationDetail>('csms', `/stations/${encodeURIComponent(id)}`),
    })),
  });
  const detailOf = new Map(needDetail.map((id, i) => [id, details[i].data]));
  // The rows' links route in the page (one handler for the table); a modified click opens a tab as usual.
  const navigate = useNavigate();
  const onRowLink = (event: MouseEvent<HTMLElement>): void => {
    const link = (event.target as HTMLElement).closest<HTMLAnchorElement>('a[data-route]');
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    void navigate(link.getAttribute('href') ?? '/charging');
  };
  const onSort = (column: SortColumn): void => setSort((s) => nextSort(s, column));

  const counts =
    total === undefined
      ? ''
      : [
          filtered ? `${total} of ${siteSize ?? '…'} stations` : `${total} stations`,
          ...(totals && totals.stations > 0
            ? [`${totals.connected} connected`, `${totals.sessions} charging`]
            : [`${openByStation.size} charging`, 'live values not published yet, read every 10 s']),
        ].join(' · ');

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
            placeholder="station id, id tag or status"
            autoComplete="off"
            maxLength={64}
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
        <label htmlFor={`${ids}-connected`}>
          Connection
          <select
            id={`${ids}-connected`}
            value={connected}
            onChange={(e) => setConnected(e.target.value as ConnectedFilter)}
          >
            {CONNECTED_FILTERS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </label>
        <p className="muted small station-count" role="status" data-testid="station-count">
          {counts}
        </p>
      </div>
      <ErrorNote error={error} />
      {/* The open sessions' error only when it says something the list's does not. */}
      <ErrorNote
        error={active.error && active.error.message !== (error as Error | null)?.message ? active.error : null}
      />
      {pending && total === undefined ? <Loading what="the stations" /> : null}
      {total !== undefined ? (
        <div
          ref={scroller}
          className="table-scroll station-scroll"
          style={{ '--rows': Math.max(total, 1) } as CSSProperties}
          tabIndex={0}
          role="region"
          aria-label="Stations table"
        >
          <table aria-rowcount={total + 1} onClick={onRowLink}>
            <colgroup>
              <col className="col-station" />
              <col className="col-connection" />
              <col className="col-connectors" />
              <col className="col-power" />
              <col className="col-energy" />
              <col />
            </colgroup>
            <thead>
              <tr aria-rowindex={1}>
                <SortHeader column="id" sort={sort} onSort={onSort}>
                  Station
                </SortHeader>
                <th scope="col">Connection</th>
                <SortHeader column="status" sort={sort} onSort={onSort}>
                  Connectors
                </SortHeader>
                <SortHeader column="power" sort={sort} onSort={onSort} className="num">
                  Power
                </SortHeader>
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
                const station = stationAt(item.index);
                // Rows are keyed by their slot, not their station: a row scrolled out is the next one
                // scrolled in, updated in place rather than removed and built again.
                const slot = item.index % slots;
                return station ? (
                  <StationTr
                    key={slot}
                    station={station}
                    open={openByStation.get(station.station_id) ?? NO_OPEN}
                    detail={detailOf.get(station.station_id)}
                    index={item.index}
                  />
                ) : (
                  <PendingTr key={slot} index={item.index} />
                );
              })}
              {bottom > 0 ? (
                <tr aria-hidden="true" className="vpad" style={{ height: bottom }}>
                  <td colSpan={6} />
                </tr>
              ) : null}
            </tbody>
          </table>
          {total === 0 ? <p className="muted">No station matches the filter.</p> : null}
        </div>
      ) : null}
    </>
  );
}
