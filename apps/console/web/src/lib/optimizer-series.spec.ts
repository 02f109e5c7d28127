import {
  allocationRows,
  formatPriceAxis,
  loadChart,
  mergeTimeSeries,
  planChart,
  priceChart,
  targetsText,
  typicalStepMs,
  type DispatchEntry,
  type PlanStep,
} from './optimizer-series';

const T0 = Date.parse('2026-12-04T05:00:00Z');
const MIN = 60_000;
const iso = (t: number) => new Date(t).toISOString();

describe('series on one time axis', () => {
  it('takes the union of the times, each series valued only where it has a point', () => {
    const merged = mergeTimeSeries([
      {
        points: [
          { t: T0, v: 1 },
          { t: T0 + 10 * MIN, v: 2 },
        ],
      },
      { points: [{ t: T0 + 5 * MIN, v: 7 }] },
    ]);
    expect(merged.x).toEqual([T0 / 1000, (T0 + 5 * MIN) / 1000, (T0 + 10 * MIN) / 1000]);
    expect(merged.values).toEqual([
      [1, null, 2],
      [null, 7, null],
    ]);
  });

  it('holds a value for its hold time and never after untilMs', () => {
    const merged = mergeTimeSeries([
      { points: [{ t: T0, v: 1 }], holdMs: 8 * MIN, untilMs: T0 + 6 * MIN },
      { points: [T0, T0 + 5 * MIN, T0 + 10 * MIN].map((t) => ({ t, v: 0 })) },
    ]);
    expect(merged.values[0]).toEqual([1, 1, null]);
  });

  it('sorts unsorted input and drops points that are not numbers', () => {
    const merged = mergeTimeSeries([
      {
        points: [
          { t: T0 + MIN, v: 2 },
          { t: T0, v: 1 },
          { t: T0 + 2 * MIN, v: NaN },
        ],
      },
    ]);
    expect(merged.x).toEqual([T0 / 1000, (T0 + MIN) / 1000]);
    expect(merged.values[0]).toEqual([1, 2]);
  });

  it('finds the usual spacing of a series', () => {
    expect(typicalStepMs([T0, T0 + 5 * MIN, T0 + 10 * MIN, T0 + 60 * MIN], 1)).toBe(5 * MIN);
    expect(typicalStepMs([T0], 42)).toBe(42);
  });
});

describe('price history and forecast', () => {
  const history = [0, 5, 10, 15].map((m, i) => ({ timestamp: iso(T0 + m * MIN), energy_price: 40 + i }));
  const forecast = [0, 60].map((m, i) => ({
    timestamp: iso(T0 + m * MIN),
    predicted_price: 50 + i,
    lower_bound: 45 + i,
    upper_bound: 55 + i,
  }));

  it('draws the forecast over the history’s times and beyond, the history only up to its last point', () => {
    const chart = priceChart(history, forecast);
    expect(chart.x.map((s) => (s * 1000 - T0) / MIN)).toEqual([0, 5, 10, 15, 60]);
    const [price, predicted, low, high] = chart.values;
    expect(price).toEqual([40, 41, 42, 43, null]);
    expect(predicted).toEqual([50, 50, 50, 50, 51]);
    expect(low).toEqual([45, 45, 45, 45, 46]);
    expect(high).toEqual([55, 55, 55, 55, 56]);
    expect(chart.labels[1]).toBe('Forecast');
  });

  it('shows the history alone when there is no forecast, and nothing from nothing', () => {
    expect(priceChart(history, []).values[1]).toEqual([null, null, null, null]);
    expect(priceChart([], [])).toMatchObject({ x: [], values: [[], [], [], []] });
  });
});

function step(minutes: number, patch: Partial<PlanStep> = {}): PlanStep {
  return {
    start: iso(T0 + minutes * MIN),
    price_per_mwh: 40,
    soc: 0.5,
    battery_kw: 0,
    consumption_kw: 400,
    import_kw: 0,
    export_kw: 10,
    cooling_kw: 60,
    loads_kw: { inference: 200 },
    ...patch,
  };
}

describe('the 24 h plan', () => {
  it('gives SOC in percent and the grid exchange per step, in time order', () => {
    const chart = planChart({
      steps: [step(5, { soc: 0.6, battery_kw: 100, import_kw: 90, export_kw: 0 }), step(0, { soc: 0.5 })],
    });
    expect(chart.x).toEqual([T0 / 1000, (T0 + 5 * MIN) / 1000]);
    expect(chart.socPct).toEqual([50, 60]);
    expect(chart.batteryKw).toEqual([0, 100]);
    expect(chart.netExportKw).toEqual([10, -90]);
    expect(chart.importKw).toEqual([0, 90]);
    expect(chart.consumptionKw).toEqual([400, 400]);
  });

  it('is empty without a plan', () => {
    expect(planChart(null).x).toEqual([]);
  });
});

function dispatch(minutes: number, kw: number, status: DispatchEntry['status'] = 'success'): DispatchEntry {
  return {
    id: minutes,
    timestamp: iso(T0 + minutes * MIN),
    origin: 'cycle',
    status,
    constraints_satisfied: true,
    total_power_kw: kw,
    allocation: {},
    result: { message: 'all targets accepted', export_kw: 10, battery_kw: 0, targets: [] },
  };
}

describe('planned load against what was dispatched', () => {
  it('holds each dispatch until the next one and until now; the plan from its start', () => {
    const plan = { step_minutes: 5, steps: [step(20, { consumption_kw: 420 }), step(25, { consumption_kw: 430 })] };
    const chart = loadChart(
      plan,
      [dispatch(10, 300), dispatch(0, 350), dispatch(5, 999, 'simulated'), dispatch(15, 1, 'failed')],
      T0 + 22 * MIN,
    );
    expect(chart.x.map((s) => (s * 1000 - T0) / MIN)).toEqual([0, 10, 20, 25]);
    const [dispatched, planned] = chart.values;
    expect(dispatched).toEqual([350, 300, 300, null]);
    expect(planned).toEqual([null, null, 420, 430]);
  });

  it('leaves out dispatches before sinceMs', () => {
    const chart = loadChart(null, [dispatch(0, 350), dispatch(10, 300)], T0 + 20 * MIN, T0 + 5 * MIN);
    expect(chart.values[0]).toEqual([300]);
  });
});

describe('the latest allocation', () => {
  it('lists each load with its payment, largest first, with totals', () => {
    const { rows, totalKw, totalPayment } = allocationRows({
      allocation: { training: 29.23, inference: 200, cooling: 68.77 },
      payments: { inference: 10.81, training: 0, ev_charging: 3.46 },
    });
    expect(rows.map((r) => r.load)).toEqual(['inference', 'cooling', 'training', 'ev_charging']);
    expect(rows[1]).toEqual({ load: 'cooling', kw: 68.77, payment: null });
    expect(totalKw).toBeCloseTo(298);
    expect(totalPayment).toBeCloseTo(14.27);
  });
});

describe('a dispatch’s targets in words', () => {
  it('counts the accepted ones, names the refusals', () => {
    const ok = { target: 'plant', ok: true, detail: {} };
    const message = 'dispatched';
    expect(targetsText({ result: { message, targets: [ok, { ...ok, target: 'ocpp-csms' }] } })).toBe('2 of 2 accepted');
    expect(
      targetsText({
        result: {
          message,
          targets: [ok, { target: 'device:bess-1', ok: false, detail: {}, error: 'no acknowledgement' }],
        },
      }),
    ).toBe('device:bess-1 refused: no acknowledgement');
    expect(targetsText({ result: { message: 'dry run: nothing was sent', targets: [] } })).toBe(
      'dry run: nothing was sent',
    );
    expect(targetsText({ result: { message: '', targets: [] } })).toBe('—');
  });
});

describe('the price axis', () => {
  it('labels in whole dollars per MWh', () => {
    expect(formatPriceAxis(39.83)).toBe('$40/MWh');
    expect(formatPriceAxis(-12.2)).toBe('-$12/MWh');
    expect(formatPriceAxis(NaN)).toBe('—');
  });
});
