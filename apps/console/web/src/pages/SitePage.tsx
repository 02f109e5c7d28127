import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { EnergyFlowView } from '../components/EnergyFlowView';
import { Badge, Card, ErrorNote, Stat, useNow } from '../components/ui';
import type { GridpilotAnswer, SolarhubAnswer } from '../api/types';
import { api } from '../lib/api';
import { energyFlow } from '../lib/energy-flow';
import { useLive } from '../lib/live';
import { formatAge, formatTime, useSite } from '../lib/site';
import { formatEnergyKwh, formatPowerKw, formatPowerMw, formatPowerW } from '../lib/units';

type GridpilotStatus = GridpilotAnswer<'/api/v1/system/status'>;
type Plan = GridpilotAnswer<'/api/v1/optimization/plan'>;
type Overview = SolarhubAnswer<'/api/v1/system/overview'>;
type PowerLoss = SolarhubAnswer<'/api/v1/analysis/power-loss'>;
type ExportBand = Plan['export_band_kw'];

const inBand = (exportKw: number, band: ExportBand): boolean => exportKw >= band.min_kw && exportKw <= band.max_kw;

/** The first page after login: the site's energy flow, the plant's figures, the optimizer's latest decision, alerts. */
export function SitePage() {
  const site = useSite();
  const plants = useLive('plant');
  const devices = useLive('device');
  const statuses = useLive('device_status');
  // The stations' sum from the console host: the page follows no station of its own.
  const chargingTotals = useLive('station_totals').get('site')?.data;
  const limit = useLive('site_limit').get('site');
  const dispatches = useLive('dispatch');
  const now = useNow(1000);

  const reading = site ? plants.get(site.plant_id)?.data : [...plants.values()][0]?.data;
  const flow = useMemo(() => {
    const evW = chargingTotals ? chargingTotals.power_w : null;
    return energyFlow({
      plant: reading?.reading.totals ?? null,
      devices: [...devices.values()].map((d) => ({
        device_type: d.data.device_type,
        power: d.data.power,
        status: statuses.get(d.key)?.data.status ?? d.data.status,
      })),
      evPowerW: evW,
    });
  }, [reading, devices, statuses, chargingTotals]);

  const status = useQuery({
    queryKey: ['gridpilot', 'status'],
    queryFn: () => api<GridpilotStatus>('gridpilot', '/api/v1/system/status'),
  });
  const plan = useQuery({
    queryKey: ['gridpilot', 'plan'],
    queryFn: () => api<Plan>('gridpilot', '/api/v1/optimization/plan'),
  });

  const overview = useQuery({
    queryKey: ['solarhub', 'overview'],
    queryFn: () => api<Overview>('solarhub', '/api/v1/system/overview'),
  });
  // solarhub-api counts its days from midnight UTC.
  const day = new Date().toISOString().slice(0, 10);
  const loss = useQuery({
    queryKey: ['solarhub', 'power-loss', day],
    queryFn: () =>
      api<PowerLoss>('solarhub', '/api/v1/analysis/power-loss', { query: { start_time: `${day} 00:00:00`, days: 1 } }),
  });
  const today = loss.data?.daily_data[0];

  const faults = [...statuses.values()].filter((s) => s.data.fault || s.data.status === 'offline');
  const lastDispatch = [...dispatches.values()].sort((a, b) => b.at - a.at).slice(0, 5);

  return (
    <div className="page">
      <h1>Site</h1>
      <div className="grid">
        <Card title="Energy flow" wide>
          <EnergyFlowView flow={flow} />
          <p className="muted small">
            {reading
              ? `Plant reading ${formatTime(reading.reading.collection_timestamp, site?.timezone)} (${formatAge(
                  reading.reading.collection_timestamp,
                  now,
                )})`
              : 'Waiting for the plant’s first reading…'}
          </p>
        </Card>
        <Card title="Plant">
          <div className="stats">
            <Stat
              label="Generation"
              testId="site-generation"
              value={reading ? formatPowerMw(reading.reading.totals.generation_mw) : '—'}
            />
            <Stat
              label="Consumption"
              testId="site-consumption"
              value={reading ? formatPowerMw(reading.reading.totals.consumption_mw) : '—'}
            />
            <Stat
              label={reading && reading.reading.totals.exported_mw < 0 ? 'Import' : 'Export'}
              testId="site-export"
              value={reading ? formatPowerMw(Math.abs(reading.reading.totals.exported_mw)) : '—'}
            />
          </div>
        </Card>
        <Card title="Optimizer">
          <ErrorNote error={status.error} />
          {status.data ? (
            <div className="stats">
              <Stat
                label="State"
                value={<Badge tone={status.data.status === 'operational' ? 'ok' : 'warn'}>{status.data.status}</Badge>}
              />
              <Stat
                label="Last decision"
                value={formatTime(status.data.system_metrics.last_optimization_at, site?.timezone)}
                hint={formatAge(status.data.system_metrics.last_optimization_at, now)}
              />
              <Stat label="Allocated" value={formatPowerKw(status.data.system_metrics.total_allocation_kw)} />
              <Stat
                label="Site charging limit"
                testId="site-charging-limit"
                value={limit ? (limit.data.limit === null ? 'none' : formatPowerW(limit.data.limit)) : '—'}
              />
            </div>
          ) : null}
          {plan.data ? (
            <p className="small" data-testid="export-band">
              Export band {formatPowerKw(plan.data.export_band_kw.min_kw)} –{' '}
              {formatPowerKw(plan.data.export_band_kw.max_kw)}
              {reading
                ? inBand(reading.reading.totals.exported_mw * 1000, plan.data.export_band_kw)
                  ? ' · export inside it'
                  : ' · export outside it'
                : ''}
            </p>
          ) : null}
          {lastDispatch.length ? (
            <ul className="list small" aria-label="Latest dispatch">
              {lastDispatch.map((d) => (
                <li key={d.key}>
                  {formatTime(d.at, site?.timezone)} · {d.key}: {d.data.command}
                  {d.data.parameters ? ` ${JSON.stringify(d.data.parameters)}` : ''}
                </li>
              ))}
            </ul>
          ) : null}
        </Card>
        <Card title="Today">
          <ErrorNote error={overview.error ?? loss.error} />
          <div className="stats">
            <Stat
              label="PV yield"
              testId="today-pv"
              value={overview.data ? formatEnergyKwh(overview.data.generation.daily_yield_kwh) : '—'}
            />
            <Stat label="Battery charged" value={today ? formatEnergyKwh(today.charge_energy) : '—'} />
            <Stat label="Battery discharged" value={today ? formatEnergyKwh(today.discharge_energy) : '—'} />
            <Stat label="Auxiliary use" value={today ? formatEnergyKwh(today.aux_consumption) : '—'} />
          </div>
        </Card>
        <Card title="Alerts">
          {faults.length === 0 ? (
            <p className="muted">No active alerts.</p>
          ) : (
            <ul className="list" aria-label="Active alerts">
              {faults.map((f) => (
                <li key={f.key}>
                  <Badge tone="bad">{f.data.fault ?? f.data.status}</Badge> {f.key}
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </div>
  );
}
