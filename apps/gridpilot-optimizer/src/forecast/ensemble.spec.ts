import { SimulatedMarket } from '../prices/simulated-market';
import { ensembleForecast } from './ensemble';
import { holtWinters, lagRegression, seasonalNaive, solveSpd } from './methods';

const HOUR = 3_600_000;

/** Hourly means of the simulated market: the series the service forecasts. */
function marketSeries(days: number, seed = 7): { start: number; values: number[] } {
  const market = new SimulatedMarket({ seed, basePerMwh: 45, intervalMin: 15 });
  const startMs = Date.UTC(2026, 2, 2);
  const values: number[] = [];
  for (let h = 0; h < days * 24; h++) {
    let sum = 0;
    for (let q = 0; q < 4; q++) sum += market.at(new Date(startMs + h * HOUR + q * 900_000)).energyPrice;
    values.push(sum / 4);
  }
  return { start: startMs / HOUR, values };
}

describe('forecast methods', () => {
  it('solves a positive-definite system', () => {
    const x = solveSpd(new Float64Array([4, 2, 2, 3]), new Float64Array([10, 8]), 2);
    expect(x[0]).toBeCloseTo(1.75);
    expect(x[1]).toBeCloseTo(1.5);
  });

  it('seasonal naive repeats the last day', () => {
    const day = Array.from({ length: 24 }, (_, h) => h);
    expect(seasonalNaive().forecast([...day, ...day], 0, 30)).toEqual([...day, ...day.slice(0, 6)]);
  });

  it('regression and Holt-Winters recover a clean daily pattern with a level shift on weekends', () => {
    const series = Array.from({ length: 24 * 21 }, (_, i) => 50 + 10 * Math.sin((2 * Math.PI * i) / 24));
    for (const method of [lagRegression(), holtWinters()]) {
      const forecast = method.forecast(series, 0, 24);
      forecast.forEach((v, h) =>
        expect(v).toBeCloseTo(50 + 10 * Math.sin((2 * Math.PI * (series.length + h)) / 24), 0),
      );
    }
  });
});

describe('ensemble forecast with a rolling-origin backtest', () => {
  const { start, values } = marketSeries(21);
  const methods = [seasonalNaive(), lagRegression(), holtWinters()];
  const result = ensembleForecast(methods, values, start, 24, 7);

  it('scores every method out of sample and the ensemble beats seasonal naive', () => {
    expect(result.backtest.origins).toBe(7);
    const naive = result.backtest.methods.find((m) => m.method === 'seasonal_naive');
    expect(naive?.mae).toBeGreaterThan(0);
    expect(result.backtest.ensemble.mae).toBeLessThan(naive?.mae ?? 0);
    expect(result.backtest.ensemble.mape).toBeLessThan(naive?.mape ?? 0);
    const weights = result.backtest.methods.reduce((s, m) => s + m.weight, 0);
    expect(weights).toBeCloseTo(1);
  });

  it('brackets every point with its bounds, wider further out', () => {
    result.values.forEach((v, h) => {
      expect(result.lower[h]).toBeLessThan(v);
      expect(result.upper[h]).toBeGreaterThan(v);
    });
    expect(Object.keys(result.byMethod)).toEqual(['seasonal_naive', 'regression', 'holt_winters']);
  });

  it('the 90 % band holds most of the next day', () => {
    const { values: longer } = marketSeries(22);
    const next = longer.slice(values.length);
    const inside = next.filter((y, h) => y >= result.lower[h] && y <= result.upper[h]).length;
    expect(inside / next.length).toBeGreaterThan(0.6);
  });
});
