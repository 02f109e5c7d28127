/**
 * The optimizer page's charts from gridpilot-optimizer's answers: price history and forecast on
 * one time axis, the 24 h plan as SOC and power series, and the planned site load against what
 * was dispatched. Every chart's x is unix seconds; a missing value is null (a gap).
 */

import type { GridpilotAnswer, GridpilotSchema } from '../api/types';

// ---- gridpilot-optimizer's answers (its OpenAPI document: src/api/generated/gridpilot-optimizer.ts) ----

/** GET /api/v1/data/prices → data[] ($/MWh): what the chart needs of a point. */
export type PricePoint = Pick<GridpilotSchema<'PricePointDto'>, 'timestamp' | 'energy_price'>;

/** POST /api/v1/ml/forecast → forecast[] (hourly, $/MWh, 90 % bounds): what the chart needs of a point. */
export type ForecastPoint = Pick<
  GridpilotSchema<'ForecastPointDto'>,
  'timestamp' | 'predicted_price' | 'lower_bound' | 'upper_bound'
>;

/**
 * GET /api/v1/optimization/plan → steps[]: `soc` at the end of the step (0–1), `battery_kw` +
 * charging, `consumption_kw` what the site draws from the plant.
 */
export type PlanStep = GridpilotSchema<'PlanStepDto'>;

/** GET /api/v1/optimization/plan: `objective` welfare over the horizon ($), `payments` VCG ($/h). */
export type Plan = GridpilotAnswer<'/api/v1/optimization/plan'>;

/** GET /api/v1/dispatch/history → dispatches[] (newest first). */
export type DispatchEntry = GridpilotSchema<'DispatchHistoryEntryDto'>;

export interface TimedValue {
  /** ms since the epoch */
  t: number;
  v: number;
}

export interface SeriesInput {
  points: readonly TimedValue[];
  /**
   * How long a point's value holds after it (ms): a price of an hour holds the hour, a dispatch
   * holds until the next one. Without it, only x that have a point of their own get a value.
   */
  holdMs?: number;
  /** No value after this time (ms), however long the hold. */
  untilMs?: number;
}

export interface MergedSeries {
  /** unix seconds, ascending, each once */
  x: number[];
  values: (number | null)[][];
}

/**
 * Several series on one time axis: x is every time any series has a point; each series has its
 * own value there, or the one of its latest earlier point while that holds, or null.
 */
export function mergeTimeSeries(series: readonly SeriesInput[]): MergedSeries {
  const times = new Set<number>();
  const sorted = series.map((s) =>
    [...s.points].filter((p) => Number.isFinite(p.t) && Number.isFinite(p.v)).sort((a, b) => a.t - b.t),
  );
  for (const points of sorted) for (const p of points) times.add(p.t);
  const xs = [...times].sort((a, b) => a - b);
  const values = sorted.map((points, i) => {
    const { holdMs = 0, untilMs = Infinity } = series[i];
    const out: (number | null)[] = [];
    let j = -1;
    for (const t of xs) {
      while (j + 1 < points.length && points[j + 1].t <= t) j += 1;
      const p = j >= 0 ? points[j] : undefined;
      const holds = p !== undefined && (p.t === t || (t - p.t < holdMs && t <= untilMs));
      out.push(holds ? p.v : null);
    }
    return out;
  });
  return { x: xs.map((t) => t / 1000), values };
}

const ms = (iso: string): number => Date.parse(iso);

const wholeDollars = new Intl.NumberFormat('en', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });

/** A price axis label short enough for the chart's axis: "$40/MWh" (gridpilot prices in $/MWh). */
export function formatPriceAxis(value: number): string {
  return Number.isFinite(value) ? `${wholeDollars.format(value)}/MWh` : '—';
}

/** The usual spacing of a series (the median gap, ms), or `fallback` with fewer than two points. */
export function typicalStepMs(times: readonly number[], fallback: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  const gaps: number[] = [];
  for (let i = 1; i < sorted.length; i += 1) if (sorted[i] > sorted[i - 1]) gaps.push(sorted[i] - sorted[i - 1]);
  if (gaps.length === 0) return fallback;
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)];
}

const HOUR_MS = 3_600_000;

export interface PriceChart extends MergedSeries {
  /** values: [history, forecast, lower bound, upper bound] */
  labels: ['Price', 'Forecast', 'Forecast low (5 %)', 'Forecast high (95 %)'];
}

/**
 * Price history (5-minute points) and the hourly forecast on one axis: each forecast hour holds
 * for its hour (the price of that hour), each history point for its own step, so both draw as
 * lines over the union of their times.
 */
export function priceChart(history: readonly PricePoint[], forecast: readonly ForecastPoint[]): PriceChart {
  const past = history.map((p) => ({ t: ms(p.timestamp), v: p.energy_price }));
  const step = typicalStepMs(
    past.map((p) => p.t),
    5 * 60_000,
  );
  const hours = (pick: (f: ForecastPoint) => number) => forecast.map((f) => ({ t: ms(f.timestamp), v: pick(f) }));
  const lastHistory = past.reduce((m, p) => Math.max(m, p.t), -Infinity);
  const merged = mergeTimeSeries([
    { points: past, holdMs: step, untilMs: lastHistory },
    { points: hours((f) => f.predicted_price), holdMs: HOUR_MS },
    { points: hours((f) => f.lower_bound), holdMs: HOUR_MS },
    { points: hours((f) => f.upper_bound), holdMs: HOUR_MS },
  ]);
  return { ...merged, labels: ['Price', 'Forecast', 'Forecast low (5 %)', 'Forecast high (95 %)'] };
}

export interface PlanChart {
  x: number[];
  /** SOC at the end of each step, in % */
  socPct: number[];
  /** kW, + charging */
  batteryKw: number[];
  importKw: number[];
  exportKw: number[];
  /** export − import: + to the grid (kW) */
  netExportKw: number[];
  consumptionKw: number[];
  pricePerMwh: number[];
}

/** The plan's steps as chart series (steps in time order). */
export function planChart(plan: Pick<Plan, 'steps'> | null | undefined): PlanChart {
  const steps = [...(plan?.steps ?? [])].sort((a, b) => ms(a.start) - ms(b.start));
  return {
    x: steps.map((s) => ms(s.start) / 1000),
    socPct: steps.map((s) => s.soc * 100),
    batteryKw: steps.map((s) => s.battery_kw),
    importKw: steps.map((s) => s.import_kw),
    exportKw: steps.map((s) => s.export_kw),
    netExportKw: steps.map((s) => s.export_kw - s.import_kw),
    consumptionKw: steps.map((s) => s.consumption_kw),
    pricePerMwh: steps.map((s) => s.price_per_mwh),
  };
}

/** Dispatches that reached the site (not dry runs, not failures). */
const SENT: ReadonlySet<DispatchEntry['status']> = new Set(['success', 'partial']);

export interface LoadChart extends MergedSeries {
  /** values: [dispatched, planned] */
  labels: ['Dispatched', 'Planned'];
}

/**
 * The site load the optimizer ordered (each dispatch's consumption, holding until the next one,
 * up to `nowMs`) against what the current plan expects over its horizon (each step holding for
 * its step). Only dispatches at or after `sinceMs` that reached the site count.
 */
export function loadChart(
  plan: Pick<Plan, 'steps' | 'step_minutes'> | null | undefined,
  dispatches: readonly DispatchEntry[],
  nowMs: number,
  sinceMs = -Infinity,
): LoadChart {
  const sent = dispatches
    .filter((d) => SENT.has(d.status) && ms(d.timestamp) >= sinceMs)
    .map((d) => ({ t: ms(d.timestamp), v: d.total_power_kw }));
  const steps = (plan?.steps ?? []).map((s) => ({ t: ms(s.start), v: s.consumption_kw }));
  const stepMs = (plan?.step_minutes ?? 5) * 60_000;
  const merged = mergeTimeSeries([
    { points: sent, holdMs: Infinity, untilMs: nowMs },
    { points: steps, holdMs: stepMs },
  ]);
  return { ...merged, labels: ['Dispatched', 'Planned'] };
}

export interface AllocationRow {
  load: string;
  kw: number;
  /** $/h, null when the auction named no payment for it */
  payment: number | null;
}

/** The latest allocation with its auction payments, largest load first; totals. */
export function allocationRows(plan: Pick<Plan, 'allocation' | 'payments'> | null | undefined): {
  rows: AllocationRow[];
  totalKw: number;
  totalPayment: number;
} {
  const allocation = plan?.allocation ?? {};
  const payments = plan?.payments ?? {};
  const names = new Set([...Object.keys(allocation), ...Object.keys(payments)]);
  const rows = [...names]
    .map((load) => ({ load, kw: allocation[load] ?? 0, payment: payments[load] ?? null }))
    .sort((a, b) => b.kw - a.kw || a.load.localeCompare(b.load));
  return {
    rows,
    totalKw: rows.reduce((s, r) => s + r.kw, 0),
    totalPayment: rows.reduce((s, r) => s + (r.payment ?? 0), 0),
  };
}

/** A dispatch's targets in a few words: "4 of 4 accepted" or "plant refused: …". */
export function targetsText(entry: { result: Pick<DispatchEntry['result'], 'message' | 'targets'> }): string {
  const targets = entry.result.targets;
  if (targets.length === 0) return entry.result.message || '—';
  const refused = targets.filter((t) => !t.ok);
  if (refused.length === 0) return `${targets.length} of ${targets.length} accepted`;
  return refused.map((t) => `${t.target} refused${t.error ? `: ${t.error}` : ''}`).join('; ');
}
