import { useQueries, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { FreqPowerCard } from '../components/FreqPowerCard';
import { StorageAnalysis } from '../components/StorageAnalysis';
import { StorageSchedule } from '../components/StorageSchedule';
import { TimeChart, type ChartSeries } from '../components/TimeChart';
import { Badge, Card, ErrorNote, Loading, Stat } from '../components/ui';
import type { SolarhubAnswer } from '../api/types';
import { api } from '../lib/api';
import { formatDateTime, useSite } from '../lib/site';
import { alertState, rackAlertRows, setBits, utcMs } from '../lib/storage-series';
import { formatEnergyKwh, formatPercent, formatPowerKw, formatPowerW } from '../lib/units';
import {
  formatAmps,
  formatApparentKva,
  formatCelsius,
  formatHz,
  formatPowerFactor,
  formatReactiveKvar,
  formatVolts,
} from '../lib/units-electric';
import { TableScroll, TableHead, num } from '../components/TableScroll';

// ---- solarhub-api answers (its OpenAPI document: src/api/generated/solarhub-api.ts) ----

type Sidebar = SolarhubAnswer<'/api/v1/config/sidebar'>;
type Header = SolarhubAnswer<'/api/v1/config/header'>;
type Pcs = SolarhubAnswer<'/api/v1/pcs/{pcs_number}'>;
type PcsAlerts = SolarhubAnswer<'/api/v1/pcs/alert'>;
type Meters = SolarhubAnswer<'/api/v1/meters'>;
/** GET /api/v1/meters/aux answers a chart or a summary, by `data_type`. */
type AuxChart = Extract<SolarhubAnswer<'/api/v1/meters/aux'>, { data_type: 'chart' }>;
type AuxSummary = Extract<SolarhubAnswer<'/api/v1/meters/aux'>, { data_type: 'summary' }>;
type Inverter = SolarhubAnswer<'/api/v1/inverter'>;

const PCS_WORDS = [
  ['inverter_status', 'Inverter status'],
  ['inverter_inhibits1_status', 'Inhibits'],
  ['environment_status', 'Environment'],
  ['warning_status', 'Warnings'],
  ['grid_status', 'Grid'],
  ['fault_status1', 'Faults 1'],
  ['fault_status2', 'Faults 2'],
] as const satisfies readonly (readonly [keyof PcsAlerts, string])[];

const range = (n: number): number[] => Array.from({ length: Math.max(0, n) }, (_, i) => i + 1);

/** The sidebar's entries as the page's sub-navigation: one anchor per unit, then the analysis. */
function sectionsOf(sidebar: Sidebar): { id: string; label: string }[] {
  return [
    ...range(sidebar.bess_number).map((n) => ({ id: `bess-${n}`, label: `${sidebar.bess_type} ${n}` })),
    { id: 'racks', label: `Racks (${sidebar.rack_number})` },
    ...range(sidebar.pcs_number).map((n) => ({ id: `pcs-${n}`, label: `PCS ${n}` })),
    ...range(sidebar.inverter_number).map((n) => ({ id: `inverter-${n}`, label: `Inverter ${n}` })),
    { id: 'meters', label: 'Meters' },
    { id: 'energy', label: 'Energy and income' },
    { id: 'frequency', label: 'Frequency' },
    { id: 'schedule', label: 'Schedule' },
  ];
}

/** Storage and analysis: solarhub-api's units, meters, energy, income and the award schedule. */
export default function StoragePage() {
  const site = useSite();
  const tz = site?.timezone;
  const sidebar = useQuery({
    queryKey: ['solarhub', 'config', 'sidebar'],
    queryFn: () => api<Sidebar>('solarhub', '/api/v1/config/sidebar'),
    staleTime: 60_000,
    refetchInterval: 60_000,
  });
  const header = useQuery({
    queryKey: ['solarhub', 'config', 'header'],
    queryFn: () => api<Header>('solarhub', '/api/v1/config/header'),
  });
  const sb = sidebar.data;

  return (
    <div className="page">
      <h1>Storage and analysis</h1>
      <SiteHeader sidebar={sb} header={header.data} error={header.error ?? sidebar.error} />
      {sb ? (
        <nav aria-label="Storage sections" className="subnav" data-testid="storage-subnav">
          {sectionsOf(sb).map((s) => (
            <a key={s.id} href={`#${s.id}`} className="subnav-link">
              {s.label}
            </a>
          ))}
          {sb.cctv_url ? (
            <a href={sb.cctv_url} className="subnav-link" target="_blank" rel="noreferrer">
              CCTV <span className="visually-hidden">(opens in a new tab)</span>
            </a>
          ) : null}
        </nav>
      ) : sidebar.isPending ? (
        <Loading what="the storage units" />
      ) : null}
      {sb ? (
        <div className="grid">
          {range(sb.bess_number).map((n) => (
            <div key={n} id={`bess-${n}`} className="anchor span-all">
              <BessCard n={n} type={sb.bess_type} timezone={tz} />
            </div>
          ))}
          <div id="racks" className="anchor">
            <RackAlarmsCard racks={sb.rack_number} type={sb.bess_type} />
          </div>
          {range(sb.pcs_number).map((n) => (
            <div key={n} id={`pcs-${n}`} className="anchor">
              <PcsCard n={n} timezone={tz} />
            </div>
          ))}
          {range(sb.inverter_number).map((n) => (
            <div key={n} id={`inverter-${n}`} className="anchor">
              <InverterCard n={n} timezone={tz} />
            </div>
          ))}
          <div id="meters" className="anchor span-all">
            <MetersCard timezone={tz} />
          </div>
          <div className="anchor span-all">
            <AuxMeterCard timezone={tz} />
          </div>
          <div id="energy" className="anchor span-all">
            <StorageAnalysis timezone={tz} />
          </div>
          <div id="frequency" className="anchor span-all">
            <FreqPowerCard timezone={tz} />
          </div>
          <div id="schedule" className="anchor span-all">
            <StorageSchedule timezone={tz} />
          </div>
        </div>
      ) : null}
    </div>
  );
}

/** The header config: unit counts and the active protection, warning and fault alerts. */
function SiteHeader({ sidebar, header, error }: { sidebar?: Sidebar; header?: Header; error: unknown }) {
  const levels = header
    ? ([
        ['Protection', header.protection_info, 'bad'],
        ['Fault', header.fault_info, 'bad'],
        ['Warning', header.warning_info, 'warn'],
      ] as const)
    : [];
  const items = levels.flatMap(([level, info]) => info.items.map((text) => ({ level, text })));
  return (
    <section className="site-header" aria-label="Site header" data-testid="storage-header">
      <ErrorNote error={error} />
      {sidebar ? (
        <p className="site-header-units">
          <strong>{sidebar.number_of_devices} devices</strong>: {sidebar.bess_number} {sidebar.bess_type} ·{' '}
          {sidebar.rack_number} racks each · {sidebar.pcs_number} PCS · {sidebar.inverter_number} inverters
          {` · ${sidebar.meter_number} meters`}
        </p>
      ) : null}
      {header ? (
        <div className="site-header-alerts" aria-label="Active alerts">
          {levels.map(([level, info, tone]) => (
            <Badge key={level} tone={info.count ? tone : 'ok'}>
              {level}: {info.count}
            </Badge>
          ))}
        </div>
      ) : null}
      {items.length ? (
        <ul className="list small" aria-label="Alert messages">
          {items.map((a, i) => (
            <li key={`${a.level}-${i}`}>
              <strong>{a.level}</strong> {a.text}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function Updated({ at, timezone }: { at: string | null | undefined; timezone?: string }) {
  return <p className="muted small">Updated {at ? formatDateTime(utcMs(at), timezone) : 'never'}</p>;
}

function BessCard({ n, type, timezone }: { n: number; type: string; timezone?: string }) {
  const bess = useQuery({
    queryKey: ['solarhub', 'bess', n],
    queryFn: () => api<SolarhubAnswer<'/api/v1/bess/{bess_number}'>>('solarhub', `/api/v1/bess/${n}`),
  });
  const s = bess.data?.summary;
  return (
    <Card title={`${type} ${n}`} wide>
      <ErrorNote error={bess.error} />
      {bess.isPending ? <Loading what={`${type} ${n}`} /> : null}
      {s ? (
        <div className="stats" data-testid={`bess-${n}-summary`}>
          <Stat label="Mode" value={s.mode} />
          <Stat label="State of charge" value={formatPercent(s.soc_pct)} />
          <Stat label="Power" value={formatPowerKw(s.power_kw)} hint="+ discharge, − charge" />
          <Stat label="Capacity" value={formatEnergyKwh(s.capacity_kwh)} />
          <Stat label="Charged" value={formatEnergyKwh(s.charge_energy_kwh)} />
          <Stat label="Discharged" value={formatEnergyKwh(s.discharge_energy_kwh)} />
        </div>
      ) : null}
      {bess.data && bess.data.table_head.length ? (
        <TableScroll label={`${type} ${n} racks`}>
          <table aria-label={`${type} ${n} racks`} data-testid={`bess-${n}-racks`}>
            <TableHead columns={[{ label: 'Metric', hidden: true }, ...bess.data.table_head.map(num)]} />
            <tbody>
              {bess.data.data.map((row) => (
                <tr key={row.metric}>
                  <th scope="row">{row.metric}</th>
                  {bess.data.table_head.map((rack) =>
                    row.metric === 'Alarm' ? (
                      <td key={rack} className="num">
                        <Badge tone={alertState(row[rack]).tone}>{alertState(row[rack]).text}</Badge>
                      </td>
                    ) : (
                      <td key={rack} className="num">
                        {row[rack] ?? '—'}
                      </td>
                    ),
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
      {bess.data ? <Updated at={bess.data.updated_at} timezone={timezone} /> : null}
    </Card>
  );
}

function RackAlarmsCard({ racks, type }: { racks: number; type: string }) {
  const [rack, setRack] = useState(1);
  const id = `rack${String(rack).padStart(2, '0')}`;
  const alerts = useQuery({
    queryKey: ['solarhub', 'bess', 'rack-alerts', id],
    queryFn: () =>
      api<SolarhubAnswer<'/api/v1/bess/alert/rack/{rack_number}'>>('solarhub', `/api/v1/bess/alert/rack/${id}`),
  });
  const rows = alerts.data ? rackAlertRows(alerts.data) : [];
  return (
    <Card
      title="Rack alarms"
      actions={
        <label className="inline-label">
          Rack
          <select value={rack} onChange={(e) => setRack(Number(e.target.value))}>
            {range(racks).map((r) => (
              <option key={r} value={r}>
                Rack {String(r).padStart(2, '0')}
              </option>
            ))}
          </select>
        </label>
      }
    >
      <ErrorNote error={alerts.error} />
      {alerts.data ? (
        <>
          <TableScroll label={`Rack ${String(rack).padStart(2, '0')} alarms per unit`}>
            <table aria-label={`Rack ${String(rack).padStart(2, '0')} alarms per unit`} data-testid="rack-alarms">
              <TableHead columns={['Unit', 'Protection', 'Temperature', 'Imbalance']} />
              <tbody>
                {rows.map((r) => (
                  <tr key={r.unit}>
                    <th scope="row">
                      {type} {r.unit}
                    </th>
                    {[r.protection, r.alarm, r.warning].map((v, i) => (
                      <td key={i}>
                        <Badge tone={alertState(v).tone}>{alertState(v).text}</Badge>
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
          <p className="small">
            BAMS link:{' '}
            {Object.entries(alerts.data.bams_alerts).map(([k, v]) => (
              <span key={k} className="spaced">
                {k.replace(/^bams_(\d+)_status$/, 'BAMS $1')}{' '}
                <Badge tone={alertState(v).tone}>{alertState(v).text}</Badge>
              </span>
            ))}
          </p>
        </>
      ) : null}
    </Card>
  );
}

function PcsCard({ n, timezone }: { n: number; timezone?: string }) {
  const [pcs, alerts] = useQueries({
    queries: [
      { queryKey: ['solarhub', 'pcs', n], queryFn: () => api<Pcs>('solarhub', `/api/v1/pcs/${n}`) },
      {
        queryKey: ['solarhub', 'pcs', 'alert', n],
        queryFn: () => api<PcsAlerts>('solarhub', '/api/v1/pcs/alert', { query: { pcs_number: n } }),
      },
    ],
  });
  const p = pcs.data;
  return (
    <Card
      title={`PCS ${n}`}
      actions={p ? <Badge tone={p.online ? 'ok' : 'bad'}>{p.online ? 'online' : 'offline'}</Badge> : null}
    >
      <ErrorNote error={pcs.error} />
      {p ? (
        <div className="stats">
          <Stat label="Mode" value={p.mode ?? '—'} />
          <Stat label="Active power" value={p.active_power === null ? '—' : formatPowerKw(p.active_power)} />
          <Stat label="Reactive power" value={formatReactiveKvar(p.reactive_power)} />
          <Stat label="DC voltage" value={formatVolts(p.dc_voltage)} />
        </div>
      ) : null}
      <ErrorNote error={alerts.error} />
      {alerts.data ? (
        <TableScroll label={`PCS ${n} status words`}>
          <table aria-label={`PCS ${n} status words`}>
            <TableHead columns={['Status word', 'Bits set']} />
            <tbody>
              {PCS_WORDS.map(([key, label]) => {
                const word = alerts.data[key] ?? '';
                const bits = setBits(word);
                const quiet = key === 'inverter_status';
                return (
                  <tr key={key}>
                    <th scope="row">{label}</th>
                    <td title={word}>
                      {bits.length === 0 ? (
                        <Badge tone="ok">none</Badge>
                      ) : (
                        <Badge tone={quiet ? 'info' : key.startsWith('fault') ? 'bad' : 'warn'}>
                          bit {bits.join(', ')}
                        </Badge>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
      {p ? <Updated at={p.updated_at} timezone={timezone} /> : null}
    </Card>
  );
}

function InverterCard({ n, timezone }: { n: number; timezone?: string }) {
  const inv = useQuery({
    queryKey: ['solarhub', 'inverter', n],
    queryFn: () => api<Inverter>('solarhub', '/api/v1/inverter', { query: { inverter_number: n } }),
  });
  const d = inv.data?.inverter_data;
  return (
    <Card title={`Inverter ${n}`}>
      <ErrorNote error={inv.error} />
      {inv.isPending ? <Loading what={`inverter ${n}`} /> : null}
      {d ? (
        <div className="stats">
          <Stat
            label="Active power"
            value={formatPowerKw(d.total_active_power)}
            hint={`of ${formatPowerKw(d.nominal_active_power)}`}
          />
          <Stat label="DC power" value={formatPowerKw(d.dc_power)} />
          <Stat label="Today" value={formatEnergyKwh(d.daily_power_yields)} />
          <Stat label="Total yield" value={formatEnergyKwh(d.total_power_yields)} />
          <Stat label="Reactive" value={formatReactiveKvar(d.total_reactive_power)} />
          <Stat label="Apparent" value={formatApparentKva(d.total_apparent_power)} />
          <Stat label="Temperature" value={formatCelsius(d.internal_temperature)} />
          <Stat label="Bus voltage" value={formatVolts(d.bus_voltage)} />
        </div>
      ) : null}
      {inv.data && inv.data.mppt_data.length ? (
        <TableScroll label={`Inverter ${n} MPPT trackers`}>
          <table aria-label={`Inverter ${n} MPPT trackers`}>
            <TableHead columns={['MPPT', num('Voltage'), num('Current'), num('Power')]} />
            <tbody>
              {inv.data.mppt_data.map((m) => (
                <tr key={m.mppt_id}>
                  <th scope="row">{m.mppt_id}</th>
                  <td className="num">{formatVolts(m.voltage)}</td>
                  <td className="num">{formatAmps(m.current)}</td>
                  <td className="num">{formatPowerW(m.power)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
      {inv.data ? (
        <p className="small">
          Strings:{' '}
          {inv.data.string_currents.map((s) => (
            <span key={s.string_id} className="spaced">
              {s.string_id}: {formatAmps(s.current)}
            </span>
          ))}
          <br />
          Phases:{' '}
          {inv.data.phase_data.map((ph) => (
            <span key={ph.phase} className="spaced">
              {ph.phase}: {formatVolts(ph.voltage)}, {formatAmps(ph.current)}
            </span>
          ))}
        </p>
      ) : null}
      {inv.data ? <Updated at={inv.data.updated_at} timezone={timezone} /> : null}
    </Card>
  );
}

function MetersCard({ timezone }: { timezone?: string }) {
  const meters = useQuery({
    queryKey: ['solarhub', 'meters'],
    queryFn: () => api<Meters>('solarhub', '/api/v1/meters'),
  });
  return (
    <Card
      title="Meters"
      wide
      actions={meters.data ? <span className="muted">Total {formatPowerKw(meters.data.total_power)}</span> : null}
    >
      <ErrorNote error={meters.error} />
      {meters.data ? (
        <TableScroll label="Meters">
          <table aria-label="Meters" data-testid="meters-table">
            <TableHead
              columns={[
                'Meter',
                num('Active'),
                num('Reactive'),
                num('Apparent'),
                num('PF'),
                num('Frequency'),
                num('Voltage A / B / C'),
                num('Current A / B / C'),
                'Updated',
              ]}
            />
            <tbody>
              {meters.data.meters.map((m) => (
                <tr key={m.meter_id}>
                  <th scope="row">{m.meter_id}</th>
                  <td className="num">{formatPowerKw(m.active_power)}</td>
                  <td className="num">{formatReactiveKvar(m.reactive_power)}</td>
                  <td className="num">{formatApparentKva(m.apparent_power)}</td>
                  <td className="num">{formatPowerFactor(m.power_factor)}</td>
                  <td className="num">{formatHz(m.frequency)}</td>
                  <td className="num">
                    {[m.phase_a_voltage, m.phase_b_voltage, m.phase_c_voltage].map(formatVolts).join(' / ')}
                  </td>
                  <td className="num">
                    {[m.phase_a_current, m.phase_b_current, m.phase_c_current].map(formatAmps).join(' / ')}
                  </td>
                  <td>{formatDateTime(utcMs(m.updated_at), timezone)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
    </Card>
  );
}

const formatKw = (v: number): string => formatPowerKw(v);
/** A figure of no reading (solarhub-api's null before the first reading of the day) reads "—", not 0 W. */
const kwOrNone = (v: number | null): string => (v === null ? '—' : formatPowerKw(v));

function AuxMeterCard({ timezone }: { timezone?: string }) {
  const [chart, summary] = useQueries({
    queries: [
      {
        queryKey: ['solarhub', 'meters', 'aux', 'chart'],
        queryFn: () => api<AuxChart>('solarhub', '/api/v1/meters/aux', { query: { data_type: 'chart' } }),
      },
      {
        queryKey: ['solarhub', 'meters', 'aux', 'summary'],
        queryFn: () => api<AuxSummary>('solarhub', '/api/v1/meters/aux', { query: { data_type: 'summary' } }),
      },
    ],
  });
  const series = useMemo(() => {
    const points = chart.data?.data ?? [];
    return {
      x: points.map((p) => utcMs(p.time) / 1000),
      series: [
        { label: 'Auxiliary use', color: '--c-load', values: points.map((p) => p.power), fill: true },
      ] as ChartSeries[],
    };
  }, [chart.data]);
  const s = summary.data?.data;
  return (
    <Card title={`Auxiliary meter${chart.data ? ` ${chart.data.meter_id}` : ''} today`} wide>
      <ErrorNote error={chart.error ?? summary.error} />
      {s ? (
        <div className="stats">
          <Stat label="Energy" value={formatEnergyKwh(s.total_energy)} />
          <Stat label="Average" value={kwOrNone(s.avg_power)} />
          <Stat label="Peak" value={kwOrNone(s.max_power)} />
          <Stat label="Lowest" value={kwOrNone(s.min_power)} />
        </div>
      ) : null}
      {series.x.length ? (
        <TimeChart
          x={series.x}
          series={series.series}
          format={formatKw}
          timezone={timezone}
          label="Auxiliary meter power today, 15-minute points"
          height={180}
        />
      ) : chart.data ? (
        <p className="muted">No auxiliary readings today yet.</p>
      ) : null}
    </Card>
  );
}
