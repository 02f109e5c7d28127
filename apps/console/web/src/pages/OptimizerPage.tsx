import { TableHead, num } from '../components/TableScroll';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useMemo, useState } from 'react';
import { TimeChart, type ChartSeries } from '../components/TimeChart';
import { Badge, Card, ConfirmButton, ErrorNote, IfRole, Loading, Stat, useNow, type Outcome } from '../components/ui';
import type { GridpilotAnswer, GridpilotBody } from '../api/types';
import { api, describeError } from '../lib/api';
import { useAppUp, useLive } from '../lib/live';
import {
  allocationRows,
  formatPriceAxis,
  loadChart,
  planChart,
  priceChart,
  targetsText,
  type DispatchEntry,
  type Plan,
} from '../lib/optimizer-series';
import { formatAge, formatDateTime, formatTime, useSite } from '../lib/site';
import { formatMoney, formatPercent, formatPowerKw, formatPowerMw, formatPricePerMwh } from '../lib/units';

/** gridpilot-optimizer's prices and money are in dollars. */
const CURRENCY = 'USD';
const HISTORY_LIMIT = 200;

type GridpilotStatus = GridpilotAnswer<'/api/v1/system/status'>;
type PricesAnswer = GridpilotAnswer<'/api/v1/data/prices'>;
type ForecastAnswer = GridpilotAnswer<'/api/v1/ml/forecast', 'post'>;
type CycleAnswer = GridpilotAnswer<'/api/v1/system/run-full-cycle', 'post'>;
type DispatchHistory = GridpilotAnswer<'/api/v1/dispatch/history'>;

const price = (v: number): string => formatPricePerMwh(v, CURRENCY);
const percent = (v: number): string => formatPercent(v);
const power = (v: number): string => formatPowerKw(v);

const DISPATCH_TONE: Record<DispatchEntry['status'], 'ok' | 'warn' | 'bad' | 'idle'> = {
  success: 'ok',
  simulated: 'idle',
  partial: 'warn',
  unreachable: 'bad',
  failed: 'bad',
};

function loadName(name: string): string {
  return name.replace(/_/g, ' ');
}

/** gridpilot-optimizer: prices, the plan, the latest allocation, the control loop, dispatches. */
export default function OptimizerPage() {
  const site = useSite();
  const tz = site?.timezone;
  const now = useNow(5000);

  const status = useQuery({
    queryKey: ['gridpilot', 'status'],
    queryFn: () => api<GridpilotStatus>('gridpilot', '/api/v1/system/status'),
  });
  const plan = useQuery({
    queryKey: ['gridpilot', 'plan'],
    queryFn: () => api<Plan>('gridpilot', '/api/v1/optimization/plan'),
  });
  const prices = useQuery({
    queryKey: ['gridpilot', 'prices', 24],
    queryFn: () => api<PricesAnswer>('gridpilot', '/api/v1/data/prices', { query: { hours_back: 24 } }),
    refetchInterval: 60_000,
  });
  const forecast = useQuery({
    queryKey: ['gridpilot', 'forecast', 24],
    queryFn: () =>
      api<ForecastAnswer>('gridpilot', '/api/v1/ml/forecast', {
        method: 'POST',
        body: { periods: 24 } satisfies GridpilotBody<'/api/v1/ml/forecast'>,
      }),
    refetchInterval: 60_000,
  });
  const history = useQuery({
    queryKey: ['gridpilot', 'dispatch-history', HISTORY_LIMIT],
    queryFn: () =>
      api<DispatchHistory>('gridpilot', '/api/v1/dispatch/history', {
        query: { limit: HISTORY_LIMIT },
      }),
    refetchInterval: 30_000,
  });

  return (
    <div className="page">
      <h1>Optimizer</h1>
      <div className="grid">
        <ControlLoopCard status={status.data} error={status.error} timezone={tz} now={now} />
        <AllocationCard plan={plan.data} error={plan.error} pending={plan.isPending} timezone={tz} />
        <PricesCard
          history={prices.data}
          historyError={prices.error}
          forecast={forecast.data}
          forecastError={forecast.error}
          timezone={tz}
        />
        <PlanCard plan={plan.data} error={plan.error} timezone={tz} />
        <LoadCard
          plan={plan.data}
          dispatches={history.data?.dispatches}
          error={plan.error ?? history.error}
          timezone={tz}
          plantId={site?.plant_id}
        />
        <DispatchHistoryCard
          dispatches={history.data?.dispatches}
          error={history.error}
          pending={history.isPending}
          timezone={tz}
        />
      </div>
    </div>
  );
}

function RunCycleButton() {
  const queries = useQueryClient();
  const id = useId();
  const [dryRun, setDryRun] = useState(false);
  const up = useAppUp('gridpilot');
  const describe = (result: unknown): Outcome => {
    const r = (result as CycleAnswer | null)?.cycle_result;
    if (!r) return { tone: 'ok', text: 'Done' };
    const d = r.dispatch;
    const text = `${r.success ? 'Cycle done' : 'Cycle ended'} in ${r.elapsed_time} s: ${formatPowerKw(
      r.total_power,
    )} allocated, dispatch ${d.status} (${d.message})`;
    return { tone: !r.success ? 'bad' : d.status === 'partial' ? 'warn' : 'ok', text };
  };
  return (
    <span className="run-cycle">
      <label className="check" htmlFor={`${id}-dry`}>
        <input id={`${id}-dry`} type="checkbox" checked={dryRun} onChange={(e) => setDryRun(e.target.checked)} />
        Dry run
      </label>
      <ConfirmButton
        label="Run full cycle"
        disabled={!up}
        question={
          dryRun
            ? 'Run a full cycle as a dry run? Prices, forecast and plan are computed; nothing is sent.'
            : 'Run a full cycle now? Prices, forecast and plan are computed and the allocation is dispatched to the plant, the chargers and the devices.'
        }
        run={async () => {
          try {
            return await api<CycleAnswer>('gridpilot', '/api/v1/system/run-full-cycle', {
              method: 'POST',
              body: (dryRun ? { simulate: true } : {}) satisfies GridpilotBody<'/api/v1/system/run-full-cycle'>,
            });
          } finally {
            void queries.invalidateQueries({ queryKey: ['gridpilot'] });
          }
        }}
        describe={describe}
      />
    </span>
  );
}

function ControlLoopCard({
  status,
  error,
  timezone,
  now,
}: {
  status: GridpilotStatus | undefined;
  error: unknown;
  timezone: string | undefined;
  now: number;
}) {
  const s = status;
  return (
    <Card
      title="Control loop"
      actions={
        <IfRole role="operator">
          <RunCycleButton />
        </IfRole>
      }
    >
      <ErrorNote error={error} />
      {s ? (
        <>
          <div className="stats">
            <Stat
              label="Optimizer"
              testId="optimizer-state"
              value={<Badge tone={s.status === 'operational' ? 'ok' : 'warn'}>{s.status}</Badge>}
            />
            <Stat
              label="Last optimization"
              value={formatTime(s.system_metrics.last_optimization_at, timezone)}
              hint={`${formatAge(s.system_metrics.last_optimization_at, now)}${
                s.system_metrics.last_optimization_time !== null
                  ? ` · took ${Math.round(s.system_metrics.last_optimization_time * 1000)} ms`
                  : ''
              }`}
            />
            <Stat
              label="Allocated"
              value={formatPowerKw(s.system_metrics.total_allocation_kw)}
              hint={
                s.system_metrics.constraints_satisfied === null
                  ? undefined
                  : s.system_metrics.constraints_satisfied
                    ? 'constraints met'
                    : 'constraints not met'
              }
            />
            <Stat
              label="Control loop"
              testId="control-loop"
              value={
                s.control_loop.enabled ? <Badge tone="ok">running</Badge> : <Badge tone="idle">off (dry runs)</Badge>
              }
              hint={`every ${s.control_loop.period_s} s`}
            />
            <Stat
              label="Ticks"
              value={s.control_loop.ticks.toLocaleString('en')}
              hint={`${s.control_loop.holds.toLocaleString('en')} held, ${s.control_loop.adjustments.toLocaleString(
                'en',
              )} adjusted`}
            />
            <Stat
              label="Dispatches"
              value={s.dispatch.count.toLocaleString('en')}
              hint={
                s.dispatch.last_status
                  ? `last ${s.dispatch.last_status}, ${formatAge(s.dispatch.last_at, now)}`
                  : 'none yet'
              }
            />
          </div>
          <ul className="inline-list small" aria-label="Connections">
            <Connection
              label={`Prices: ${s.api_connectivity.price_source}`}
              ok={s.api_connectivity.prices_available}
              good="available"
              bad={s.api_connectivity.price_error ?? 'none'}
            />
            <Connection
              label="Plant"
              ok={s.api_connectivity.plant_reachable}
              good="reachable"
              bad={s.api_connectivity.plant_error ?? 'not reachable'}
            />
            <Connection
              label="Database"
              ok={s.api_connectivity.database_connected}
              good="connected"
              bad="disconnected"
            />
            <Connection
              label={`Bus (${s.api_connectivity.bus.transport})`}
              ok={s.api_connectivity.bus.connected}
              good="connected"
              bad="disconnected"
            />
          </ul>
        </>
      ) : error ? null : (
        <Loading what="the optimizer’s state" />
      )}
    </Card>
  );
}

/** One of the optimizer's connections, and whether it works now. */
function Connection({ label, ok, good, bad }: { label: string; ok: boolean; good: string; bad: string }) {
  return (
    <li>
      {label} {ok ? <Badge tone="ok">{good}</Badge> : <Badge tone="bad">{bad}</Badge>}
    </li>
  );
}

function AllocationCard({
  plan,
  error,
  pending,
  timezone,
}: {
  plan: Plan | undefined;
  error: unknown;
  pending: boolean;
  timezone: string | undefined;
}) {
  const { rows, totalKw, totalPayment } = useMemo(() => allocationRows(plan), [plan]);
  return (
    <Card title="Latest allocation">
      <ErrorNote error={error} />
      {plan ? (
        <>
          <p className="muted small">
            First step of the plan computed {formatDateTime(plan.computed_at, timezone)}; the auction’s (VCG) payments
            per hour.
          </p>
          <div className="table-scroll" tabIndex={0} role="region" aria-label="Allocation table">
            <table data-testid="allocation-table">
              <TableHead columns={['Load', num('Power'), num('Payment')]} />
              <tbody>
                {rows.map((r) => (
                  <tr key={r.load}>
                    <td>{loadName(r.load)}</td>
                    <td className="num">{formatPowerKw(r.kw)}</td>
                    <td className="num">{r.payment === null ? '—' : `${formatMoney(r.payment, CURRENCY)}/h`}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">Total</th>
                  <td className="num">{formatPowerKw(totalKw)}</td>
                  <td className="num">{formatMoney(totalPayment, CURRENCY)}/h</td>
                </tr>
              </tfoot>
            </table>
          </div>
        </>
      ) : pending ? (
        <Loading what="the allocation" />
      ) : null}
    </Card>
  );
}

function PricesCard({
  history,
  historyError,
  forecast,
  forecastError,
  timezone,
}: {
  history: PricesAnswer | undefined;
  historyError: unknown;
  forecast: ForecastAnswer | undefined;
  forecastError: unknown;
  timezone: string | undefined;
}) {
  const chart = useMemo(() => priceChart(history?.data ?? [], forecast?.forecast ?? []), [history, forecast]);
  const series = useMemo<ChartSeries[]>(
    () => [
      { label: chart.labels[0], values: chart.values[0], color: '--c-load' },
      { label: chart.labels[1], values: chart.values[1], color: '--c-pv', stepped: true },
      { label: chart.labels[2], values: chart.values[2], color: '--fg-muted', stepped: true },
      { label: chart.labels[3], values: chart.values[3], color: '--fg-muted', stepped: true },
    ],
    [chart],
  );
  const latest = history?.metadata.latest_price ?? null;
  return (
    <>
      <Card title="Prices">
        <ErrorNote error={historyError} />
        {forecastError && describeError(forecastError) !== describeError(historyError) ? (
          <ErrorNote error={forecastError} />
        ) : null}
        <div className="stats">
          <Stat
            label="Now"
            testId="price-now"
            value={latest === null ? '—' : price(latest)}
            hint={history ? `${history.metadata.source} market` : undefined}
          />
          <Stat
            label="Next 24 h average"
            value={forecast ? price(forecast.metadata.avg_predicted_price) : '—'}
            hint="forecast"
          />
          <Stat
            label="Forecast error"
            value={forecast ? formatPercent(forecast.backtest.ensemble.mape) : '—'}
            hint={
              forecast
                ? `MAPE in a backtest of ${forecast.backtest.origins} × ${forecast.backtest.horizon_hours} h (MAE ${price(
                    forecast.backtest.ensemble.mae,
                  )})`
                : undefined
            }
          />
          <Stat
            label="Confidence"
            value={forecast ? forecast.performance_metrics.model_confidence : '—'}
            hint={forecast ? `ensemble: ${forecast.metadata.methods_used.join(', ').replace(/_/g, ' ')}` : undefined}
          />
        </div>
      </Card>
      <Card title="Energy prices: last 24 h and forecast" wide>
        {chart.x.length > 0 ? (
          <TimeChart
            x={chart.x}
            series={series}
            format={formatPriceAxis}
            timezone={timezone}
            label="Energy price over the last 24 hours and the forecast for the next 24 hours, with its 90 % band"
          />
        ) : history || forecast ? (
          <p className="muted">No prices yet.</p>
        ) : historyError || forecastError ? (
          <p className="muted">Nothing to draw: the prices are not available (see above).</p>
        ) : (
          <Loading what="prices" />
        )}
      </Card>
    </>
  );
}

function PlanCard({ plan, error, timezone }: { plan: Plan | undefined; error: unknown; timezone: string | undefined }) {
  const chart = useMemo(() => planChart(plan), [plan]);
  const socSeries = useMemo<ChartSeries[]>(
    () => [{ label: 'Battery SOC', values: chart.socPct, color: '--c-battery', fill: true }],
    [chart],
  );
  const powerSeries = useMemo<ChartSeries[]>(
    () => [
      { label: 'Grid (+ export, − import)', values: chart.netExportKw, color: '--c-grid', stepped: true },
      { label: 'Battery (+ charging)', values: chart.batteryKw, color: '--c-battery', stepped: true },
    ],
    [chart],
  );
  const socEnd = chart.socPct.at(-1);
  return (
    <Card title="24 h plan (MPC)" wide>
      <ErrorNote error={error} />
      {plan ? (
        <>
          <div className="stats">
            <Stat
              label="Status"
              testId="plan-status"
              value={
                <Badge tone={plan.status === 'optimal' ? 'ok' : 'bad'}>
                  {plan.status}
                  {plan.constraints_satisfied ? '' : ', constraints not met'}
                </Badge>
              }
              hint={`computed ${formatDateTime(plan.computed_at, timezone)}`}
            />
            <Stat
              label="Horizon"
              value={`${plan.horizon_hours} h`}
              hint={`${plan.steps.length} steps of ${plan.step_minutes} min`}
            />
            <Stat label="Welfare" value={formatMoney(plan.objective, CURRENCY)} hint="over the horizon" />
            <Stat
              label="SOC"
              value={formatPercent(plan.soc_start * 100)}
              hint={socEnd === undefined ? undefined : `${formatPercent(socEnd)} at the end`}
            />
          </div>
          {plan.notes.length ? (
            <ul className="list small" aria-label="Plan notes">
              {plan.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          ) : null}
          {chart.x.length > 0 ? (
            <div className="chart-pair">
              <div>
                <h3 className="chart-title">Battery state of charge</h3>
                <TimeChart
                  x={chart.x}
                  series={socSeries}
                  format={percent}
                  timezone={timezone}
                  height={200}
                  label="Planned battery state of charge over the horizon"
                />
              </div>
              <div>
                <h3 className="chart-title">Grid exchange and battery power</h3>
                <TimeChart
                  x={chart.x}
                  series={powerSeries}
                  format={power}
                  timezone={timezone}
                  height={200}
                  label="Planned grid exchange and battery power over the horizon"
                />
              </div>
            </div>
          ) : null}
        </>
      ) : error ? null : (
        <Loading what="the plan" />
      )}
    </Card>
  );
}

function LoadCard({
  plan,
  dispatches,
  error,
  timezone,
  plantId,
}: {
  plan: Plan | undefined;
  dispatches: DispatchEntry[] | undefined;
  error: unknown;
  timezone: string | undefined;
  plantId: string | undefined;
}) {
  const plants = useLive('plant');
  const reading = plantId ? plants.get(plantId)?.data : [...plants.values()][0]?.data;
  // The chart's "now" moves with the data (every refresh), not every second.
  const chart = useMemo(
    () => loadChart(plan, dispatches ?? [], Date.parse(plan?.computed_at ?? '') || Date.now()),
    [plan, dispatches],
  );
  const series = useMemo<ChartSeries[]>(
    () => [
      { label: chart.labels[0], values: chart.values[0], color: '--c-load', stepped: true },
      { label: chart.labels[1], values: chart.values[1], color: '--c-pv', stepped: true },
    ],
    [chart],
  );
  const lastSent = dispatches?.find((d) => d.status === 'success' || d.status === 'partial');
  return (
    <Card title="Site load: planned against dispatched" wide>
      <ErrorNote error={error} />
      <div className="stats">
        <Stat label="Planned now" value={plan?.steps[0] ? formatPowerKw(plan.steps[0].consumption_kw) : '—'} />
        <Stat
          label="Last dispatched"
          value={lastSent ? formatPowerKw(lastSent.total_power_kw) : '—'}
          hint={lastSent ? formatTime(lastSent.timestamp, timezone) : undefined}
        />
        <Stat
          label="Measured now (plant)"
          testId="load-measured"
          value={reading ? formatPowerMw(reading.reading.totals.consumption_mw) : '—'}
          hint={reading ? formatTime(reading.reading.collection_timestamp, timezone) : 'waiting for the plant'}
        />
      </div>
      {chart.x.length > 0 ? (
        <TimeChart
          x={chart.x}
          series={series}
          format={power}
          timezone={timezone}
          label="Site consumption: what the optimizer dispatched before now and what its plan expects after"
        />
      ) : null}
      <p className="muted small">
        gridpilot-optimizer forecasts prices, not load: its load forecast is the plan’s site consumption per step (base
        load held, flexible loads as planned); what happened is the consumption each dispatch ordered the plant (the
        last {HISTORY_LIMIT} dispatches), and the plant’s measured consumption now.
      </p>
    </Card>
  );
}

function allocationText(allocation: Record<string, number>): string {
  return Object.entries(allocation)
    .map(([k, v]) => `${loadName(k)} ${formatPowerKw(v)}`)
    .join(' · ');
}

function DispatchHistoryCard({
  dispatches,
  error,
  pending,
  timezone,
}: {
  dispatches: DispatchEntry[] | undefined;
  error: unknown;
  pending: boolean;
  timezone: string | undefined;
}) {
  const shown = dispatches?.slice(0, 20) ?? [];
  return (
    <Card title="Dispatch history" wide>
      <ErrorNote error={error} />
      {dispatches ? (
        shown.length === 0 ? (
          <p className="muted">No dispatch yet.</p>
        ) : (
          <div className="table-scroll" tabIndex={0} role="region" aria-label="Dispatch history table">
            <table data-testid="dispatch-history">
              <TableHead
                columns={['Time', 'Origin', 'Status', num('Site load'), num('Export after'), 'Allocation', 'Targets']}
              />
              <tbody>
                {shown.map((d) => (
                  <tr key={`${d.id ?? 'x'}-${d.timestamp}`}>
                    <td title={formatDateTime(d.timestamp, timezone)}>{formatTime(d.timestamp, timezone)}</td>
                    <td>{d.origin}</td>
                    <td>
                      <Badge tone={DISPATCH_TONE[d.status]}>{d.status}</Badge>
                    </td>
                    <td className="num">{formatPowerKw(d.total_power_kw)}</td>
                    <td className="num">
                      {d.result?.export_kw === null || d.result?.export_kw === undefined
                        ? '—'
                        : formatPowerKw(d.result.export_kw)}
                    </td>
                    <td className="small">{allocationText(d.allocation)}</td>
                    <td className="small wrap">{targetsText(d)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      ) : pending ? (
        <Loading what="the dispatch history" />
      ) : null}
    </Card>
  );
}
