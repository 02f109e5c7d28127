import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { TimeChart, type ChartSeries } from '../components/TimeChart';
import { TransactionsTable } from '../components/TransactionsTable';
import { Badge, Card, ConfirmButton, ErrorNote, IfRole, Loading, Stat, useNow } from '../components/ui';
import type { CsmsAnswer, CsmsBody } from '../api/types';
import { api } from '../lib/api';
import {
  activeByStation,
  connectorTone,
  describeCommand,
  runCommand,
  stationRow,
  type CsmsLogs,
  type CsmsStationDetail,
} from '../lib/charging';
import { csmsKeys, useActiveTransactions, useSitePlan, useStationDetail } from '../lib/csms-queries';
import { useFollowStations, useStationLive } from '../lib/live';
import { logLines, profilesFromCsms, profilesFromLog } from '../lib/ocpp-log';
import { scheduleChart } from '../lib/schedule-chart';
import { formatAge, formatDateTime, formatTime, useSite } from '../lib/site';
import { formatEnergyWh, formatPercent, formatPowerW } from '../lib/units';

const DURATIONS = [
  { s: 3_600, label: '1 h' },
  { s: 6 * 3_600, label: '6 h' },
  { s: 24 * 3_600, label: '24 h' },
];

const path = (id: string, rest = ''): string => `/stations/${encodeURIComponent(id)}${rest}`;

/** A station: details, connectors live, actions, profiles, composite schedule, OCPP log, sessions. */
export default function StationPage() {
  const { stationId = '' } = useParams();
  const detail = useStationDetail(stationId);
  const active = useActiveTransactions();
  useFollowStations(useMemo(() => [stationId], [stationId]));
  const live = useStationLive(stationId);
  const station = detail.data;

  const row = useMemo(
    () =>
      station
        ? stationRow(station, {
            statuses: live.status ? new Map([[stationId, live.status]]) : new Map(),
            meters: live.meters,
            details: new Map([[station.station_id, station]]),
            active: activeByStation(active.data ?? []),
          })
        : null,
    [station, live, stationId, active.data],
  );
  const connectors = row?.connectors ?? [];

  return (
    <div className="page">
      <p className="small">
        <Link to="/charging">← Charging</Link>
      </p>
      <h1 className="station-title">
        Station {stationId}{' '}
        {row ? row.connected ? <Badge tone="ok">connected</Badge> : <Badge tone="bad">not connected</Badge> : null}
      </h1>
      <ErrorNote error={detail.error} />
      {detail.isPending ? <Loading what="the station" /> : null}
      <div className="grid">
        {station ? (
          <Card title="Live status" wide>
            <div className="table-scroll" tabIndex={0} role="region" aria-label="Live status table">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Connector</th>
                    <th scope="col">Status</th>
                    <th scope="col" className="num">
                      Power
                    </th>
                    <th scope="col" className="num">
                      Session energy
                    </th>
                    <th scope="col">Session</th>
                    <th scope="col">Id tag</th>
                    <th scope="col" className="num">
                      SoC
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {connectors.map((c) => (
                    <tr key={c.connectorId} data-testid={`connector-${c.connectorId}`}>
                      <th scope="row">{c.connectorId}</th>
                      <td>
                        <Badge tone={connectorTone(c.status)}>{c.status ?? 'unknown'}</Badge>
                        {c.errorCode && c.errorCode !== 'NoError' ? (
                          <span className="small"> {c.errorCode}</span>
                        ) : null}
                      </td>
                      <td className="num">{c.powerW === null ? '—' : formatPowerW(c.powerW)}</td>
                      <td className="num">{c.sessionEnergyWh === null ? '—' : formatEnergyWh(c.sessionEnergyWh)}</td>
                      <td>{c.transactionId ?? '—'}</td>
                      <td>{c.idTag ?? '—'}</td>
                      <td className="num">{c.socPct === null ? '—' : formatPercent(c.socPct)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p className="muted small">
              {row?.source === 'live' ? 'Live from ocpp-csms.' : 'Read from ocpp-csms every 10 s.'}
            </p>
          </Card>
        ) : null}
        {station ? <DetailsCard station={station} /> : null}
        {station ? (
          <IfRole role="operator">
            <ActionsCard station={station} connectors={connectors} />
          </IfRole>
        ) : null}
        {station ? <SiteShareCard station={station} /> : null}
        {station ? <CompositeCard station={station} /> : null}
        {station ? <ProfilesCard station={station} /> : null}
        {station ? <LogCard stationId={station.station_id} /> : null}
        <Card title="Sessions" wide>
          <TransactionsTable stationId={stationId} />
        </Card>
      </div>
    </div>
  );
}

function DetailsCard({ station }: { station: CsmsStationDetail }) {
  const site = useSite();
  const now = useNow(10_000);
  return (
    <Card title="Details">
      <dl className="details">
        <dt>Vendor / model</dt>
        <dd>
          {station.vendor ?? '—'} {station.model ?? ''}
        </dd>
        <dt>Firmware</dt>
        <dd>{station.firmware_version ?? '—'}</dd>
        <dt>Serial number</dt>
        <dd>{station.serial_number ?? '—'}</dd>
        <dt>Feature profiles</dt>
        <dd>{station.feature_profiles?.join(', ') ?? '—'}</dd>
        <dt>Connectors</dt>
        <dd>{station.number_of_connectors}</dd>
        <dt>Maximum power</dt>
        <dd>{station.max_power_w === null ? 'not registered (CSMS default)' : formatPowerW(station.max_power_w)}</dd>
        <dt>Registered</dt>
        <dd>
          {station.registered ? 'yes' : 'no'}
          {station.basic_auth ? ', Basic auth' : ''}
        </dd>
        <dt>Last boot</dt>
        <dd>
          {formatDateTime(station.last_boot_at, site?.timezone)}{' '}
          {station.last_boot_at ? <span className="muted">({formatAge(station.last_boot_at, now)})</span> : null}
        </dd>
      </dl>
    </Card>
  );
}

function ActionsCard({
  station,
  connectors,
}: {
  station: CsmsStationDetail;
  connectors: { connectorId: number; transactionId: number | null; idTag: string | null }[];
}) {
  const ids = useId();
  const client = useQueryClient();
  const [connector, setConnector] = useState('1');
  const [idTag, setIdTag] = useState('');
  const [resetType, setResetType] = useState<'Soft' | 'Hard'>('Soft');
  const id = station.station_id;
  const connectorId = Number(connector);
  const connectorValid = Number.isInteger(connectorId) && connectorId >= 1 && connectorId <= 100;
  const tagValid = idTag.trim().length >= 1 && idTag.trim().length <= 20;
  const refresh = (): void => {
    window.setTimeout(() => {
      void client.invalidateQueries({ queryKey: csmsKeys.station(id) });
      void client.invalidateQueries({ queryKey: ['csms', 'transactions'] });
      void client.invalidateQueries({ queryKey: csmsKeys.logs(id) });
      void client.invalidateQueries({ queryKey: [...csmsKeys.station(id), 'profiles'] });
    }, 1500);
  };
  const command = (rest: string, body: unknown) => () =>
    runCommand(async () => {
      const answer = await api<unknown>('csms', path(id, rest), { method: 'POST', body });
      refresh();
      return answer;
    });
  return (
    <Card title="Actions">
      <h3 className="subhead">Remote start</h3>
      <div className="form-row">
        <label htmlFor={`${ids}-connector`}>
          Connector
          <input
            id={`${ids}-connector`}
            type="number"
            min={1}
            max={Math.max(1, station.number_of_connectors)}
            value={connector}
            onChange={(e) => setConnector(e.target.value)}
            className="input-narrow"
          />
        </label>
        <label htmlFor={`${ids}-tag`}>
          Id tag
          <input
            id={`${ids}-tag`}
            value={idTag}
            maxLength={20}
            onChange={(e) => setIdTag(e.target.value)}
            autoComplete="off"
            placeholder="e.g. TAG-001"
          />
        </label>
        <ConfirmButton
          label="Remote start"
          disabled={!connectorValid || !tagValid}
          question={`Start a session on ${id}, connector ${connector}, for id tag ${idTag.trim()}?`}
          run={command('/remote_start', { connector_id: connectorId, id_tag: idTag.trim() })}
          describe={(r) => describeCommand(r)}
        />
      </div>
      <h3 className="subhead">Remote stop</h3>
      {/* One button per connector, kept in place when its session ends, so the outcome stays in view. */}
      <div className="stack">
        {connectors.map((c) => (
          <div key={c.connectorId} className="form-row">
            <span>
              Connector {c.connectorId}:{' '}
              {c.transactionId === null ? (
                <span className="muted">no session</span>
              ) : (
                `session ${c.transactionId}${c.idTag ? ` (${c.idTag})` : ''}`
              )}
            </span>
            <ConfirmButton
              label={`Remote stop #${c.connectorId}`}
              disabled={c.transactionId === null}
              question={`Stop session ${c.transactionId ?? '—'} on ${id}, connector ${c.connectorId}?`}
              run={command('/remote_stop', { transaction_id: c.transactionId })}
              describe={(r) => describeCommand(r)}
              danger
            />
          </div>
        ))}
      </div>
      <IfRole role="admin">
        <h3 className="subhead">Reset</h3>
        <div className="form-row">
          <label htmlFor={`${ids}-reset`}>
            Reset type
            <select
              id={`${ids}-reset`}
              value={resetType}
              onChange={(e) => setResetType(e.target.value === 'Hard' ? 'Hard' : 'Soft')}
            >
              <option value="Soft">Soft</option>
              <option value="Hard">Hard</option>
            </select>
          </label>
          <ConfirmButton
            label="Reset"
            danger
            question={`${resetType} reset ${id}? Sessions in progress on it are stopped.`}
            run={command('/reset', { type: resetType })}
            describe={(r) => describeCommand(r)}
          />
        </div>
      </IfRole>
    </Card>
  );
}

/** How the site charging limit reaches this station: its sessions' shares and how they were sent. */
function SiteShareCard({ station }: { station: CsmsStationDetail }) {
  const plan = useSitePlan();
  const id = station.station_id;
  const rows = (plan.data?.allocations ?? []).filter((a) => a.station_id === id);
  const control = station.site_control;
  return (
    <Card title="Site limit share">
      <ErrorNote error={plan.error} />
      {plan.data ? (
        <div className="stats">
          <Stat
            label="Site charging limit"
            value={plan.data.limit_w === null ? 'none' : formatPowerW(plan.data.limit_w)}
          />
          <Stat
            label="Control"
            value={control.controllable ? <Badge tone="ok">steerable</Badge> : <Badge tone="warn">uncontrolled</Badge>}
            hint={control.mode ?? control.reason ?? undefined}
          />
        </div>
      ) : null}
      {rows.length > 0 ? (
        <ul className="list small" aria-label="Shares of this station's sessions">
          {rows.map((a) => (
            <li key={a.transaction_id}>
              Connector {a.connector_id}, session {a.transaction_id}: {formatPowerW(a.limit_w)}
              {a.sent_as ? ` as ${a.sent_as} (stack level 8)` : ''}{' '}
              <Badge tone={a.status === 'applied' ? 'ok' : a.status === 'pending' ? 'info' : 'warn'}>{a.status}</Badge>
              {a.message ? <span className="muted"> {a.message}</span> : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">
          {plan.data?.limit_w == null ? 'No site limit is set.' : 'No session of this station shares the limit now.'}
        </p>
      )}
    </Card>
  );
}

function CompositeCard({ station }: { station: CsmsStationDetail }) {
  const ids = useId();
  const site = useSite();
  const [connector, setConnector] = useState(station.number_of_connectors >= 1 ? 1 : 0);
  const [duration, setDuration] = useState(3_600);
  const [source, setSource] = useState<'station' | 'csms'>('station');
  const id = station.station_id;
  const query = useQuery({
    queryKey: [...csmsKeys.composite(id), connector, duration, source],
    queryFn: () =>
      api<CsmsAnswer<'/stations/{id}/composite_schedule'>>('csms', path(id, '/composite_schedule'), {
        query: { connector_id: connector, duration, charging_rate_unit: 'W', source },
      }),
  });
  const now = useNow(5_000);
  const chart = useMemo(() => scheduleChart(query.data?.schedule, now, duration), [query.data, now, duration]);
  const series = useMemo<ChartSeries[]>(
    () => [{ label: 'Limit', values: chart.limitW, color: '--c-ev', stepped: true, fill: true }],
    [chart],
  );
  return (
    <Card title="Composite schedule" wide>
      <div className="form-row">
        <label htmlFor={`${ids}-c`}>
          Schedule for
          <select id={`${ids}-c`} value={connector} onChange={(e) => setConnector(Number(e.target.value))}>
            <option value={0}>whole station (0)</option>
            {Array.from({ length: station.number_of_connectors }, (_, i) => (
              <option key={i + 1} value={i + 1}>
                #{i + 1}
              </option>
            ))}
          </select>
        </label>
        <label htmlFor={`${ids}-d`}>
          Horizon
          <select id={`${ids}-d`} value={duration} onChange={(e) => setDuration(Number(e.target.value))}>
            {DURATIONS.map((d) => (
              <option key={d.s} value={d.s}>
                {d.label}
              </option>
            ))}
          </select>
        </label>
        <label htmlFor={`${ids}-s`}>
          Source
          <select
            id={`${ids}-s`}
            value={source}
            onChange={(e) => setSource(e.target.value === 'csms' ? 'csms' : 'station')}
          >
            <option value="station">asked of the station</option>
            <option value="csms">computed by the CSMS</option>
          </select>
        </label>
      </div>
      <ErrorNote error={query.error} />
      {query.isPending ? <Loading what="the composite schedule" /> : null}
      {query.data ? (
        <>
          <div className="stats">
            <Stat
              label="Limit now"
              testId="composite-limit"
              value={chart.currentW === null ? '—' : formatPowerW(chart.currentW)}
              hint={query.data.status === 'success' ? undefined : query.data.message}
            />
            <Stat
              label="Lowest ahead"
              value={chart.limitW.length ? formatPowerW(Math.min(...chart.limitW.filter((v) => v !== null))) : '—'}
            />
            <Stat
              label="Read at"
              value={formatTime(query.dataUpdatedAt, site?.timezone)}
              hint={query.data.source === 'csms' ? 'computed by ocpp-csms' : 'answered by the station'}
            />
          </div>
          {chart.x.length > 0 ? (
            <TimeChart
              x={chart.x}
              series={series}
              format={formatPowerW}
              timezone={site?.timezone}
              label={`Composite schedule of ${id} #${connector}: limit now ${
                chart.currentW === null ? 'unknown' : formatPowerW(chart.currentW)
              }`}
            />
          ) : (
            <p className="muted">{query.data.message || 'No schedule.'}</p>
          )}
        </>
      ) : null}
    </Card>
  );
}

function ProfilesCard({ station }: { station: CsmsStationDetail }) {
  const ids = useId();
  const site = useSite();
  const client = useQueryClient();
  const id = station.station_id;
  const logs = useQuery({
    queryKey: csmsKeys.logs(id),
    queryFn: () => api<CsmsLogs>('csms', path(id, '/logs'), { query: { limit: 1000 } }),
  });
  // What ocpp-csms lists as installed; the OCPP log's replay only while that answer is not in.
  const stored = useQuery({
    queryKey: [...csmsKeys.station(id), 'profiles'],
    queryFn: () => api<CsmsAnswer<'/stations/{id}/charging_profiles'>>('csms', path(id, '/charging_profiles')),
  });
  const seen = useMemo(
    () => (stored.data ? profilesFromCsms(stored.data) : profilesFromLog(logs.data?.logs ?? [])),
    [stored.data, logs.data],
  );
  const [limitW, setLimitW] = useState('');
  const [purpose, setPurpose] = useState<'TxDefaultProfile' | 'ChargePointMaxProfile'>('TxDefaultProfile');
  const [stackLevel, setStackLevel] = useState('0');
  const [profileConnector, setProfileConnector] = useState('0');
  const [clearPurpose, setClearPurpose] = useState<'' | 'TxDefaultProfile' | 'ChargePointMaxProfile' | 'TxProfile'>('');
  const limit = Number(limitW);
  const stack = Number(stackLevel);
  const connectorId = purpose === 'ChargePointMaxProfile' ? 0 : Number(profileConnector);
  const valid =
    limitW.trim() !== '' &&
    Number.isFinite(limit) &&
    limit >= 0 &&
    Number.isInteger(stack) &&
    stack >= 0 &&
    stack <= 100 &&
    Number.isInteger(connectorId) &&
    connectorId >= 0 &&
    connectorId <= station.number_of_connectors;
  const refresh = (): void => {
    window.setTimeout(() => {
      void client.invalidateQueries({ queryKey: csmsKeys.logs(id) });
      void client.invalidateQueries({ queryKey: [...csmsKeys.station(id), 'profiles'] });
      void client.invalidateQueries({ queryKey: csmsKeys.composite(id) });
    }, 500);
  };
  const setProfile = () =>
    runCommand(async () => {
      const answer = await api<CsmsAnswer<'/stations/{id}/charging_profile', 'post'>>(
        'csms',
        path(id, '/charging_profile'),
        {
          method: 'POST',
          body: {
            connector_id: connectorId,
            profile: {
              // One id per purpose and stack level, so setting it again replaces it (and no clash with
              // the site limit's 900000+ or the test profiles' 1001+).
              chargingProfileId: (purpose === 'ChargePointMaxProfile' ? 100 : 200) + stack,
              stackLevel: stack,
              chargingProfilePurpose: purpose,
              chargingProfileKind: 'Absolute',
              chargingSchedule: {
                chargingRateUnit: 'W',
                startSchedule: new Date().toISOString(),
                chargingSchedulePeriod: [{ startPeriod: 0, limit: Math.floor(limit * 10) / 10 }],
              },
            },
          } satisfies CsmsBody<'/stations/{id}/charging_profile'>,
        },
      );
      refresh();
      return answer;
    });
  const clear = () =>
    runCommand(async () => {
      const answer = await api<CsmsAnswer<'/stations/{id}/charging_profile', 'delete'>>(
        'csms',
        path(id, '/charging_profile'),
        {
          method: 'DELETE',
          query: { purpose: clearPurpose || undefined },
        },
      );
      refresh();
      return answer;
    });
  const smart = station.feature_profiles === null || station.feature_profiles.includes('SmartCharging');

  return (
    <Card title="Charging profiles" wide>
      <ErrorNote error={logs.error} />
      {seen.length === 0 ? (
        <p className="muted small">No profile installed.</p>
      ) : (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Active profiles table">
          <table>
            <thead>
              <tr>
                <th scope="col">Profile</th>
                <th scope="col" className="num">
                  Connector
                </th>
                <th scope="col">Purpose</th>
                <th scope="col" className="num">
                  Stack level
                </th>
                <th scope="col">Kind</th>
                <th scope="col">Limit</th>
                <th scope="col">Session</th>
                <th scope="col">Accepted</th>
              </tr>
            </thead>
            <tbody>
              {seen.map((p) => (
                <tr key={p.profileId}>
                  <td>{p.profileId}</td>
                  <td className="num">{p.connectorId}</td>
                  <td>{p.purpose}</td>
                  <td className="num">{p.stackLevel}</td>
                  <td>{p.kind}</td>
                  <td>
                    {p.periods
                      .slice(0, 3)
                      .map((s) => (p.unit === 'A' ? `${s.limit} A` : formatPowerW(s.limit)))
                      .join(' → ')}
                    {p.periods.length > 3 ? ' …' : ''}
                  </td>
                  <td>{p.transactionId ?? '—'}</td>
                  <td>{formatTime(p.acceptedAt, site?.timezone)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="muted small">
        {stored.data
          ? 'The profiles ocpp-csms sent and the station accepted, less those replaced, cleared or ended with their session (OCPP 1.6 cannot ask a station for its profiles).'
          : 'Profiles the station accepted in its recent OCPP traffic (ocpp-csms keeps its last messages only).'}
      </p>
      {smart ? (
        <IfRole role="operator">
          <h3 className="subhead">Set a profile</h3>
          <div className="form-row">
            <label htmlFor={`${ids}-limit`}>
              Limit (W)
              <input
                id={`${ids}-limit`}
                type="number"
                min={0}
                step={100}
                value={limitW}
                onChange={(e) => setLimitW(e.target.value)}
                placeholder="e.g. 11000"
              />
            </label>
            <label htmlFor={`${ids}-purpose`}>
              Purpose
              <select
                id={`${ids}-purpose`}
                value={purpose}
                onChange={(e) =>
                  setPurpose(e.target.value === 'ChargePointMaxProfile' ? 'ChargePointMaxProfile' : 'TxDefaultProfile')
                }
              >
                <option value="TxDefaultProfile">TxDefaultProfile</option>
                <option value="ChargePointMaxProfile">ChargePointMaxProfile</option>
              </select>
            </label>
            <label htmlFor={`${ids}-stack`}>
              Stack level
              <input
                id={`${ids}-stack`}
                type="number"
                min={0}
                max={100}
                value={stackLevel}
                onChange={(e) => setStackLevel(e.target.value)}
                className="input-narrow"
              />
            </label>
            <label htmlFor={`${ids}-pconn`}>
              Applies to
              <select
                id={`${ids}-pconn`}
                value={purpose === 'ChargePointMaxProfile' ? '0' : profileConnector}
                disabled={purpose === 'ChargePointMaxProfile'}
                onChange={(e) => setProfileConnector(e.target.value)}
              >
                <option value="0">whole station (0)</option>
                {Array.from({ length: station.number_of_connectors }, (_, i) => (
                  <option key={i + 1} value={String(i + 1)}>
                    #{i + 1}
                  </option>
                ))}
              </select>
            </label>
            <ConfirmButton
              label="Set profile"
              disabled={!valid}
              question={`Send ${id} a ${purpose} of ${valid ? formatPowerW(limit) : '—'} at stack level ${stackLevel}${
                connectorId ? ` on connector ${connectorId}` : ''
              }?`}
              run={setProfile}
              describe={(r) => describeCommand(r)}
            />
          </div>
          <h3 className="subhead">Clear profiles</h3>
          <div className="form-row">
            <label htmlFor={`${ids}-clear`}>
              Which
              <select
                id={`${ids}-clear`}
                value={clearPurpose}
                onChange={(e) => {
                  const v = e.target.value;
                  setClearPurpose(
                    v === 'TxDefaultProfile' || v === 'ChargePointMaxProfile' || v === 'TxProfile' ? v : '',
                  );
                }}
              >
                <option value="">all profiles</option>
                <option value="TxDefaultProfile">TxDefaultProfile</option>
                <option value="ChargePointMaxProfile">ChargePointMaxProfile</option>
                <option value="TxProfile">TxProfile</option>
              </select>
            </label>
            <ConfirmButton
              label="Clear profiles"
              danger
              question={`Clear ${clearPurpose || 'all'} profiles on ${id}? The site limit re-sends its own at the next review.`}
              run={clear}
              describe={(r) => describeCommand(r)}
            />
          </div>
        </IfRole>
      ) : (
        <p className="muted small">This station does not support SmartCharging.</p>
      )}
    </Card>
  );
}

function LogCard({ stationId }: { stationId: string }) {
  const site = useSite();
  const logs = useQuery({
    queryKey: csmsKeys.logs(stationId),
    queryFn: () => api<CsmsLogs>('csms', path(stationId, '/logs'), { query: { limit: 1000 } }),
  });
  const lines = useMemo(() => logLines(logs.data?.logs ?? []), [logs.data]);
  return (
    <Card title="OCPP log" wide>
      <ErrorNote error={logs.error} />
      {logs.isPending ? <Loading what="the OCPP log" /> : null}
      {logs.data && lines.length === 0 ? <p className="muted">No traffic recorded.</p> : null}
      {lines.length > 0 ? (
        <div className="table-scroll log-scroll" tabIndex={0} role="region" aria-label="OCPP log table">
          <table className="log-table">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Direction</th>
                <th scope="col">Message</th>
                <th scope="col">Payload</th>
              </tr>
            </thead>
            <tbody>
              {lines.map((l) => (
                <tr key={l.key} className={l.kind === 'error' ? 'log-error' : undefined}>
                  <td>{formatTime(l.timestamp, site?.timezone)}</td>
                  <td>{l.direction === 'in' ? '← from station' : '→ to station'}</td>
                  <td>
                    {l.action ?? '—'}
                    {l.kind === 'call' ? '' : l.kind === 'result' ? ' (answer)' : l.kind === 'error' ? ' (error)' : ''}
                  </td>
                  <td className="log-payload">
                    <code title={l.payload}>{l.payload}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <p className="muted small">Newest first; ocpp-csms keeps each station’s latest messages.</p>
    </Card>
  );
}
