import type { FlexibleLoadConfig } from '../gridpilot-optimizer.config';
import { DEFAULT_FLEXIBLE_LOADS } from '../gridpilot-optimizer.config';
import { highsRuntime } from './lp';
import { BAND_PENALTY_PER_MWH, MpcInput, solveMpc, terminalShortfallValue } from './mpc';

const load = (
  name: string,
  blocks: [number, number][],
  extra: Partial<FlexibleLoadConfig> = {},
): FlexibleLoadConfig => ({
  name,
  minKw: 0,
  maxKw: blocks.reduce((s, [kw]) => s + kw, 0),
  rampKwPerStep: 1e6,
  blocks: blocks.map(([kw, valuePerMwh]) => ({ kw, valuePerMwh })),
  cooled: false,
  ...extra,
});

/** One-hour steps, an ideal battery and an open grid unless a case says otherwise. */
function input(steps: number, overrides: Partial<MpcInput>): MpcInput {
  return {
    steps,
    stepHours: 1,
    price: Array<number>(steps).fill(50),
    priceUncertainty: Array<number>(steps).fill(0),
    generationKw: Array<number>(steps).fill(0),
    baseLoadKw: Array<number>(steps).fill(0),
    loads: [],
    currentKw: {},
    coolingRatio: 0,
    battery: { capacityKwh: 100, maxPowerKw: 0, efficiency: 1, socMin: 0, socMax: 1 },
    soc0: 0.5,
    site: { powerKw: 1000, exportMinKw: -1000, exportMaxKw: 1000, importFeePerMwh: 0, exportPriceFactor: 1 },
    riskAversion: 0,
    lambdaDeg: 0,
    ...overrides,
  };
}

describe('MPC linear program (HiGHS)', () => {
  let highs: Awaited<ReturnType<typeof highsRuntime>>;
  beforeAll(async () => {
    highs = await highsRuntime();
  });

  it('stores cheap energy for the expensive hour: known optimum −0.5 $ (−5 $ without), −0.6 $ with wear', () => {
    const battery = { capacityKwh: 100, maxPowerKw: 100, efficiency: 1, socMin: 0, socMax: 1 };
    // 50 kWh of base load in the second hour: bought at 100 $/MWh it costs 5 $; shifted, 0.5 $.
    const result = solveMpc(highs, input(2, { price: [10, 100], battery, baseLoadKw: [0, 50] }));
    expect(result.status).toBe('optimal');
    expect(result.objective).toBeCloseTo(-0.5, 6);
    expect(result.steps[0].chargeKw).toBeCloseTo(50);
    expect(result.steps[1].dischargeKw).toBeCloseTo(50);
    expect(result.steps[1].soc).toBeCloseTo(0.5);
    expect(result.constraintsSatisfied).toBe(true);
    const worn = solveMpc(highs, input(2, { price: [10, 100], battery, baseLoadKw: [0, 50], lambdaDeg: 0.001 }));
    expect(worn.objective).toBeCloseTo(-0.6, 6);
    // The site never feeds the plant: with no load to serve, the battery does not discharge to sell.
    const noLoad = solveMpc(highs, input(2, { price: [10, 100], battery }));
    expect(noLoad.steps[1].dischargeKw).toBeCloseTo(0, 6);
  });

  it('loses efficiency both ways: with η = 0.9 the spread must pay for 1/0.81', () => {
    const battery = { capacityKwh: 100, maxPowerKw: 100, efficiency: 0.9, socMin: 0, socMax: 1 };
    // Buying at 80 and selling at 95 loses money once the round trip costs 19 %: the battery idles.
    const idle = solveMpc(highs, input(2, { price: [80, 95], battery }));
    expect(idle.steps[0].chargeKw).toBeCloseTo(0);
    expect(idle.objective).toBeCloseTo(0, 6);
  });

  it('serves the most valuable blocks first and never a block worth less than power costs', () => {
    const loads = [
      load('a', [
        [100, 120],
        [100, 30],
      ]),
      load('b', [[50, 80]]),
    ];
    const result = solveMpc(highs, input(1, { loads, price: [50] }));
    expect(result.steps[0].loadsKw).toEqual({ a: expect.closeTo(100, 6), b: expect.closeTo(50, 6) });
    // (120 − 50)·0.1 + (80 − 50)·0.05 MWh
    expect(result.objective).toBeCloseTo(7 + 1.5, 6);
  });

  it('keeps the net export in its band by steering the loads, and says so when it cannot', () => {
    const site = { powerKw: 1000, exportMinKw: 0, exportMaxKw: 50, importFeePerMwh: 0, exportPriceFactor: 1 };
    const loads = [load('a', [[400, 10]])];
    const inBand = solveMpc(highs, input(1, { loads, site, generationKw: [300], price: [50] }));
    // Exporting earns 50 $/MWh and the load only 10: it runs just enough to keep export at 50 kW.
    expect(inBand.steps[0].exportKw - inBand.steps[0].importKw).toBeCloseTo(50, 6);
    expect(inBand.steps[0].loadsKw.a).toBeCloseTo(250, 6);
    expect(inBand.constraintsSatisfied).toBe(true);

    const small = [load('a', [[100, 10]])];
    const outOfReach = solveMpc(highs, input(1, { loads: small, site, generationKw: [300], price: [50] }));
    expect(outOfReach.status).toBe('optimal');
    expect(outOfReach.steps[0].bandViolationKw).toBeCloseTo(150, 6);
    expect(outOfReach.constraintsSatisfied).toBe(false);
  });

  it('ramps loads no faster than allowed, from what they draw now', () => {
    const loads = [load('a', [[100, 500]], { rampKwPerStep: 10 })];
    const result = solveMpc(highs, input(3, { loads, currentKw: { a: 5 } }));
    expect(result.steps.map((s) => s.loadsKw.a)).toEqual([
      expect.closeTo(15, 6),
      expect.closeTo(25, 6),
      expect.closeTo(35, 6),
    ]);
  });

  it('adds cooling for compute loads, and risk aversion stops imports the load is barely worth', () => {
    const loads = [load('gpu', [[100, 60]], { cooled: true })];
    const cooled = solveMpc(highs, input(1, { loads, coolingRatio: 0.25, price: [40] }));
    expect(cooled.steps[0].coolingKw).toBeCloseTo(25, 6);
    expect(cooled.steps[0].importKw).toBeCloseTo(125, 6);
    // Value per site kW: 60 / 1.25 = 48 > 40, but < 40 + 0.5 × 20.
    const cautious = solveMpc(
      highs,
      input(1, { loads, coolingRatio: 0.25, price: [40], priceUncertainty: [20], riskAversion: 0.5 }),
    );
    expect(cautious.steps[0].loadsKw.gpu).toBeCloseTo(0, 6);
  });

  describe('the terminal SOC is soft (#17)', () => {
    // A sustained cloud: 100 kW of base load, 20 kW of PV for the first two hours, then exactly the
    // base load: nothing is left over to refill the battery before the horizon ends.
    const battery = { capacityKwh: 1000, maxPowerKw: 250, efficiency: 0.95, socMin: 0.1, socMax: 0.9 };
    const site = { powerKw: 1000, exportMinKw: 0, exportMaxKw: 50, importFeePerMwh: 10, exportPriceFactor: 0.9 };
    const cloud = input(4, {
      price: [60, 55, 40, 45],
      generationKw: [20, 20, 100, 100],
      baseLoadKw: [100, 100, 100, 100],
      battery,
      site,
      soc0: 0.5,
    });

    it('discharges in the first step of a cloud the PV cannot refill, within the SOC limits', () => {
      const plan = solveMpc(highs, cloud);
      expect(plan.status).toBe('optimal');
      // The hard constraint (the horizon ends no emptier than it began) held the battery at 0 kW and let
      // the site import 80 kW; now it covers the 80 kW the cloud takes away, and the export stays in its band.
      expect(plan.steps[0].dischargeKw).toBeCloseTo(80, 6);
      expect(plan.steps[0].chargeKw).toBeCloseTo(0, 6);
      expect(plan.steps[0].bandViolationKw).toBeCloseTo(0, 6);
      expect(plan.constraintsSatisfied).toBe(true);
      for (const step of plan.steps) {
        expect(step.soc).toBeGreaterThanOrEqual(battery.socMin - 1e-9);
        expect(step.soc).toBeLessThanOrEqual(battery.socMax + 1e-9);
      }
      // It ends short of where it began, by what two hours of 80 kW took out through the losses, and says so.
      expect(plan.terminalTargetSoc).toBeCloseTo(0.5, 9);
      expect(plan.terminalShortfallKwh).toBeCloseTo(160 / 0.95, 3);
      expect(plan.steps.at(-1)?.soc).toBeCloseTo(0.5 - 160 / 0.95 / 1000, 6);
    });

    it('stops at SOC_MIN when the cloud is longer than the battery lasts', () => {
      const small = { ...battery, capacityKwh: 100 };
      const plan = solveMpc(highs, { ...cloud, battery: small });
      // 40 kWh above SOC_MIN delivers 38 kWh: all of it in the first hour, the rest of the cloud is imported.
      expect(plan.steps[0].dischargeKw).toBeCloseTo(38, 6);
      expect(plan.steps[1].dischargeKw).toBeCloseTo(0, 6);
      for (const step of plan.steps) expect(step.soc).toBeGreaterThanOrEqual(small.socMin - 1e-9);
      expect(plan.steps[1].bandViolationKw).toBeCloseTo(80, 6);
    });

    it('still restores the battery when the horizon has the energy to do it', () => {
      // The same cloud, then two sunny hours with 120 kW to spare: the battery discharges now and is
      // back at its starting SOC by the end, as the hard constraint would have had it.
      const plan = solveMpc(highs, {
        ...cloud,
        steps: 6,
        price: [60, 55, 40, 45, 30, 35],
        generationKw: [20, 20, 100, 100, 220, 220],
        baseLoadKw: Array<number>(6).fill(100),
        priceUncertainty: Array<number>(6).fill(0),
      });
      expect(plan.steps[0].dischargeKw).toBeGreaterThanOrEqual(80 - 1e-6);
      expect(plan.steps[0].bandViolationKw).toBeCloseTo(0, 6);
      expect(plan.terminalShortfallKwh).toBeCloseTo(0, 6);
      expect(plan.steps.at(-1)?.soc).toBeCloseTo(0.5, 6);
      expect(plan.constraintsSatisfied).toBe(true);
      // Keeping the battery full is never worth selling the same energy or running a load with it,
      // but always worth less than the band.
      const value = terminalShortfallValue(cloud);
      expect(value).toBeGreaterThan((60 + 10) / 0.95 ** 2);
      expect(value).toBeLessThan(BAND_PENALTY_PER_MWH * 0.95 ** 2);
    });

    it('keeps the SOC when restoring it is worth more than any load (the battery is not drained into loads)', () => {
      // Steady sun and a load worth 140 $/MWh that could run on the battery: the plan keeps the battery.
      const loads = [load('inference', [[100, 140]])];
      const plan = solveMpc(
        highs,
        input(4, {
          loads,
          battery,
          site,
          generationKw: Array<number>(4).fill(150),
          baseLoadKw: Array<number>(4).fill(100),
        }),
      );
      for (const step of plan.steps) expect(step.dischargeKw).toBeCloseTo(0, 6);
      expect(plan.terminalShortfallKwh).toBeCloseTo(0, 6);
    });
  });

  it('solves the default site over 24 h in 5-minute steps', () => {
    const steps = 288;
    const result = solveMpc(
      highs,
      input(steps, {
        stepHours: 1 / 12,
        loads: DEFAULT_FLEXIBLE_LOADS,
        coolingRatio: 0.3,
        price: Array.from({ length: steps }, (_, t) => 45 + 20 * Math.sin((2 * Math.PI * t) / steps)),
        priceUncertainty: Array<number>(steps).fill(5),
        generationKw: Array.from({ length: steps }, (_, t) => 300 + 150 * Math.sin((2 * Math.PI * t) / 96)),
        battery: { capacityKwh: 1000, maxPowerKw: 250, efficiency: 0.95, socMin: 0.1, socMax: 0.9 },
        site: { powerKw: 1000, exportMinKw: 0, exportMaxKw: 50, importFeePerMwh: 10, exportPriceFactor: 0.9 },
        riskAversion: 0.5,
        lambdaDeg: 0.0002,
      }),
    );
    expect(result.status).toBe('optimal');
    expect(result.constraintsSatisfied).toBe(true);
    expect(result.steps).toHaveLength(steps);
    for (const step of result.steps) {
      const net = step.exportKw - step.importKw;
      expect(net).toBeGreaterThanOrEqual(-1e-6);
      expect(net).toBeLessThanOrEqual(50 + 1e-6);
      expect(step.soc).toBeGreaterThanOrEqual(0.1 - 1e-9);
    }
    expect(result.steps.at(-1)?.soc).toBeGreaterThanOrEqual(0.5 - 1e-6);
  });
});
