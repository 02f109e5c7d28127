import type { Method } from './methods';

export interface MethodScore {
  method: string;
  mae: number;
  mape: number;
  rmse: number;
  weight: number;
}

export interface Backtest {
  origins: number;
  horizon: number;
  methods: MethodScore[];
  ensemble: { mae: number; mape: number; rmse: number };
  /** Root-mean-square error of the ensemble per lead-time bucket of 6 hours. */
  rmseByLead: number[];
}

export interface EnsembleForecast {
  values: number[];
  lower: number[];
  upper: number[];
  byMethod: Record<string, number[]>;
  backtest: Backtest;
}

const LEAD_BUCKET = 6;
const Z90 = 1.645;

interface Errors {
  abs: number;
  pct: number;
  pctCount: number;
  sq: number;
  count: number;
}

const empty = (): Errors => ({ abs: 0, pct: 0, pctCount: 0, sq: 0, count: 0 });

function add(errors: Errors, actual: number, predicted: number): void {
  const e = actual - predicted;
  errors.abs += Math.abs(e);
  errors.sq += e * e;
  errors.count += 1;
  if (Math.abs(actual) > 1e-9) {
    errors.pct += Math.abs(e / actual);
    errors.pctCount += 1;
  }
}

const summary = (e: Errors): { mae: number; mape: number; rmse: number } => ({
  mae: e.count ? e.abs / e.count : NaN,
  mape: e.pctCount ? (100 * e.pct) / e.pctCount : NaN,
  rmse: e.count ? Math.sqrt(e.sq / e.count) : NaN,
});

/** Weights ∝ 1 / MSE, normalised; equal while nothing is known. */
function weightsFrom(errors: Errors[]): number[] {
  const inverse = errors.map((e) => (e.count > 0 ? 1 / Math.max(e.sq / e.count, 1e-9) : 1));
  const total = inverse.reduce((s, v) => s + v, 0);
  return inverse.map((v) => v / total);
}

/**
 * A rolling-origin backtest, then the forecast. At each origin (one day apart, the last `origins`
 * days) every method is fitted on the data before it and scored on the day after. The ensemble at
 * an origin is weighted by the errors of the origins before it only, so its score is out of sample
 * too. The live forecast uses the weights from every origin; its bounds are ±1.645 × the
 * ensemble's backtest RMSE for that lead time (a 90 % band).
 */
export function ensembleForecast(
  methods: readonly Method[],
  history: readonly number[],
  startHourIndex: number,
  horizon: number,
  origins = 5,
  backtestHorizon = 24,
): EnsembleForecast {
  const n = history.length;
  const usable = Math.max(0, Math.min(origins, Math.floor((n - 2 * 24) / backtestHorizon) - 1));
  const methodErrors = methods.map(empty);
  const ensembleErrors = empty();
  const leadErrors = Array.from({ length: Math.ceil(backtestHorizon / LEAD_BUCKET) }, empty);
  for (let k = usable; k >= 1; k--) {
    const origin = n - k * backtestHorizon;
    const train = history.slice(0, origin);
    const actual = history.slice(origin, origin + backtestHorizon);
    const predictions = methods.map((m) => m.forecast(train, startHourIndex, actual.length));
    const weights = weightsFrom(methodErrors);
    actual.forEach((y, h) => {
      predictions.forEach((p, j) => add(methodErrors[j], y, p[h]));
      const combined = predictions.reduce((s, p, j) => s + weights[j] * p[h], 0);
      add(ensembleErrors, y, combined);
      add(leadErrors[Math.floor(h / LEAD_BUCKET)], y, combined);
    });
  }
  const weights = weightsFrom(methodErrors);
  const byMethod: Record<string, number[]> = {};
  const forecasts = methods.map((m) => {
    const values = m.forecast(history, startHourIndex, horizon);
    byMethod[m.name] = values;
    return values;
  });
  const values = Array.from({ length: horizon }, (_, h) => forecasts.reduce((s, f, j) => s + weights[j] * f[h], 0));
  const rmseByLead = leadErrors.map((e) => summary(e).rmse);
  const fallback = spread(history);
  const halfWidth = (h: number): number => {
    const bucket = Math.min(Math.floor(h / LEAD_BUCKET), rmseByLead.length - 1);
    const rmse = Number.isFinite(rmseByLead[bucket]) ? rmseByLead[bucket] : fallback;
    return Z90 * rmse * Math.sqrt(Math.max(1, (h + 1) / backtestHorizon));
  };
  return {
    values,
    lower: values.map((v, h) => v - halfWidth(h)),
    upper: values.map((v, h) => v + halfWidth(h)),
    byMethod,
    backtest: {
      origins: usable,
      horizon: backtestHorizon,
      methods: methods.map((m, j) => ({ method: m.name, ...summary(methodErrors[j]), weight: weights[j] })),
      ensemble: summary(ensembleErrors),
      rmseByLead,
    },
  };
}

/** The standard deviation of the series: the band used before any backtest exists. */
function spread(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1));
}
