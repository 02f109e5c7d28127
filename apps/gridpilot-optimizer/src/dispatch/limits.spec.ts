import { MAX_CONSUMPTION_MW } from '@lib/contracts';
import { deviceSetPointKw, plantConsumptionKw, siteChargingLimitW } from './limits';

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
