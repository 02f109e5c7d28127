import { MAX_CONSUMPTION_MW } from '@lib/contracts';
import { batterySetPointKw, deviceSetPointKw, plantConsumptionKw, siteChargingLimitW } from './limits';

const config = {
  loads: [
    { name: 'inference', minKw: 20, maxKw: 200, rampKwPerStep: 50, cooled: true, blocks: [] },
    { name: 'ev', minKw: 0, maxKw: 50, rampKwPerStep: 50, cooled: false, blocks: [] },
  ],
  site: { powerKw: 1000, exportMinKw: 0, exportMaxKw: 50, importFeePerMwh: 0, exportPriceFactor: 1, coolingRatio: 0.3 },
};

describe('dispatch limits', () => {
  it.each([
    ['inference', 150, 150],
    ['inference', 1e300, 200],
    ['inference', -5, 0],
    ['inference', NaN, 0],
    ['cooling', 1e6, 60],
    ['unknown', 10, 0],
  ])('sets %s to %p kW as %p kW', (load, kw, expected) => {
    expect(deviceSetPointKw(config, load, kw)).toBe(expected);
  });

  it('keeps the plant consumption and the charging limit inside what their receivers accept', () => {
    expect(plantConsumptionKw(Infinity)).toBe(0);
    expect(plantConsumptionKw(1e12)).toBe(MAX_CONSUMPTION_MW * 1000);
    expect(plantConsumptionKw(-1)).toBe(0);
    expect(siteChargingLimitW(12.3456)).toBe(12_346);
    expect(siteChargingLimitW(-1)).toBe(0);
    expect(siteChargingLimitW(1e300)).toBe(100_000_000);
  });
});

describe('battery set-point', () => {
  const battery = { maxPowerKw: 250, socMin: 0.1, socMax: 0.9 };
  it.each([
    ['charging 100 kW in the plan is a set-point of −100', 100, 0.5, -100],
    ['discharging 100 kW in the plan is a set-point of +100', -100, 0.5, 100],
    ['clamped to the battery power (charge)', 1e9, 0.5, -250],
    ['clamped to the battery power (discharge)', -1e9, 0.5, 250],
    ['no charging at the maximum SOC', 100, 0.9, 0],
    ['discharging at the maximum SOC is fine', -100, 0.9, 100],
    ['no discharging at the minimum SOC', -100, 0.1, 0],
    ['charging at the minimum SOC is fine', 100, 0.1, -100],
    ['NaN power is 0', NaN, 0.5, 0],
    ['NaN SOC neither charges nor discharges', 100, NaN, 0],
  ])('%s', (_name, batteryKw, soc, expected) => {
    expect(batterySetPointKw(battery, batteryKw, soc)).toBe(expected);
  });
});
