/**
 * Forecasting methods for an hourly series. Each fits on `history` (oldest first, the first value
 * at hour `startHour` of the UTC clock, counted from the Unix epoch) and predicts `horizon` hours.
 */
export interface Method {
  readonly name: string;
  forecast(history: readonly number[], startHourIndex: number, horizon: number): number[];
}

const DAY = 24;
const WEEK = 168;

/** Tomorrow is like today: the value one season (a day, or a week) earlier. */
export function seasonalNaive(period = DAY): Method {
  return {
    name: period === DAY ? 'seasonal_naive' : 'seasonal_naive_weekly',
    forecast(history, _start, horizon) {
      const n = history.length;
      if (n < period) return Array<number>(horizon).fill(history.at(-1) ?? 0);
      return Array.from({ length: horizon }, (_, h) => history[n - period + (h % period)]);
    },
  };
}

/**
 * The series with outliers (price spikes) clipped to median ± 4 × MAD: a spike says nothing about
 * tomorrow, and left in it would be copied by every lag and seasonal state.
 */
export function clipOutliers(values: readonly number[]): number[] {
  if (values.length < 8) return [...values];
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const deviations = values.map((v) => Math.abs(v - median)).sort((a, b) => a - b);
  const mad = deviations[Math.floor(deviations.length / 2)] || 1e-9;
  const lo = median - 4 * mad;
  const hi = median + 4 * mad;
  return values.map((v) => Math.min(hi, Math.max(lo, v)));
}

/** Solves the symmetric positive-definite system A x = b by Cholesky (A is n×n, row-major). */
export function solveSpd(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * n + j];
      for (let k = 0; k < j; k++) sum -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = i === j ? Math.sqrt(Math.max(sum, 1e-12)) : sum / l[j * n + j];
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = b[i];
    for (let k = 0; k < i; k++) sum -= l[i * n + k] * y[k];
    y[i] = sum / l[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i];
    for (let k = i + 1; k < n; k++) sum -= l[k * n + i] * x[k];
    x[i] = sum / l[i * n + i];
  }
  return x;
}

/** The hour of day (0 ≤ h < 24) and whether it is a weekend, of an hour counted from the epoch. */
export type HourCalendar = (hourIndex: number) => { hour: number; weekend: boolean };

export const UTC_CALENDAR: HourCalendar = (hourIndex) => {
  const day = (Math.floor(hourIndex / DAY) + 4) % 7; // 1970-01-01 was a Thursday
  return { hour: ((hourIndex % DAY) + DAY) % DAY, weekend: day === 0 || day === 6 };
};

/**
 * Ridge regression on time features (three daily harmonics, weekend) and lags (a day and a week
 * back); beyond a day ahead it feeds its own predictions back as lags.
 */
export function lagRegression(ridge = 1, calendar: HourCalendar = UTC_CALENDAR): Method {
  const features = (series: readonly number[], i: number, hourIndex: number): number[] => {
    const { hour, weekend } = calendar(hourIndex);
    const lagDay = series[i - DAY];
    const lagWeek = i >= WEEK ? series[i - WEEK] : lagDay;
    const row = [1, weekend ? 1 : 0, lagDay, lagWeek];
    for (let k = 1; k <= 3; k++) {
      const angle = (2 * Math.PI * k * hour) / DAY;
      row.push(Math.sin(angle), Math.cos(angle));
    }
    return row;
  };
  return {
    name: 'regression',
    forecast(raw, start, horizon) {
      const history = clipOutliers(raw);
      const n = history.length;
      const first = n > WEEK + DAY * 3 ? WEEK : DAY;
      if (n <= first + 10) return seasonalNaive().forecast(history, start, horizon);
      const p = features(history, first, start + first).length;
      // Scale lags so the ridge penalty treats every feature alike.
      const scale = history.reduce((s, v) => s + Math.abs(v), 0) / n || 1;
      const xtx = new Float64Array(p * p);
      const xty = new Float64Array(p);
      for (let i = first; i < n; i++) {
        const x = features(history, i, start + i).map((v, j) => (j === 2 || j === 3 ? v / scale : v));
        const y = history[i] / scale;
        for (let a = 0; a < p; a++) {
          xty[a] += x[a] * y;
          for (let b = 0; b < p; b++) xtx[a * p + b] += x[a] * x[b];
        }
      }
      for (let a = 1; a < p; a++) xtx[a * p + a] += ridge;
      const beta = solveSpd(xtx, xty, p);
      const extended = [...history];
      for (let h = 0; h < horizon; h++) {
        const i = n + h;
        const x = features(extended, i, start + i).map((v, j) => (j === 2 || j === 3 ? v / scale : v));
        extended.push(x.reduce((s, v, j) => s + v * beta[j], 0) * scale);
      }
      return extended.slice(n);
    },
  };
}

interface HoltWintersFit {
  sse: number;
  level: number;
  trend: number;
  season: Float64Array;
}

function holtWintersFit(
  y: readonly number[],
  m: number,
  alpha: number,
  beta: number,
  gamma: number,
  phi: number,
): HoltWintersFit {
  let level = 0;
  for (let i = 0; i < m; i++) level += y[i];
  level /= m;
  let trend = 0;
  const season = new Float64Array(m);
  for (let i = 0; i < m; i++) season[i] = y[i] - level;
  let sse = 0;
  for (let t = m; t < y.length; t++) {
    const s = season[t % m];
    const predicted = level + phi * trend + s;
    const error = y[t] - predicted;
    sse += error * error;
    const previous = level;
    level = alpha * (y[t] - s) + (1 - alpha) * (previous + phi * trend);
    trend = beta * (level - previous) + (1 - beta) * phi * trend;
    season[t % m] = gamma * (y[t] - level) + (1 - gamma) * s;
  }
  return { sse, level, trend, season };
}

/**
 * Additive Holt-Winters exponential smoothing with a damped trend (ETS(A,Ad,A)), daily season;
 * smoothing parameters chosen on a small grid by the in-sample one-step error.
 */
export function holtWinters(m = DAY, phi = 0.9): Method {
  const grid: [number, number, number][] = [];
  for (const alpha of [0.1, 0.3, 0.6])
    for (const beta of [0, 0.05]) for (const gamma of [0.05, 0.2, 0.4]) grid.push([alpha, beta, gamma]);
  return {
    name: 'holt_winters',
    forecast(raw, _start, horizon) {
      const history = clipOutliers(raw);
      const n = history.length;
      if (n < 2 * m) return seasonalNaive(m).forecast(history, _start, horizon);
      let best: HoltWintersFit | null = null;
      for (const [alpha, beta, gamma] of grid) {
        const fit = holtWintersFit(history, m, alpha, beta, gamma, phi);
        if (!best || fit.sse < best.sse) best = fit;
      }
      const fit = best as HoltWintersFit;
      const out: number[] = [];
      let damp = 0;
      for (let h = 1; h <= horizon; h++) {
        damp += phi ** h;
        out.push(fit.level + damp * fit.trend + fit.season[(n + h - 1) % m]);
      }
      return out;
    },
  };
}
