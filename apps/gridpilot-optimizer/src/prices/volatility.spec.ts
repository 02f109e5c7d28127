import type { PricePoint } from './price-point';
import { rollingVolatility } from './volatility';

const HOUR = 3_600_000;
const point = (hour: number, energyPrice: number): PricePoint => ({
  at: new Date(Date.UTC(2026, 0, 1) + hour * HOUR),
  energyPrice,
  hashPrice: 0,
  tokenPrice: 0,
  volume: 0,
});

describe('volatility_24h', () => {
  it('is 0 for a steady price and for the first point', () => {
    expect(rollingVolatility([point(0, 50), point(1, 50), point(2, 50)])).toEqual([0, 0, 0]);
  });

  it('is the coefficient of variation of the 24 hours before each point, no further back', () => {
    // 40 and 60: mean 50, sample standard deviation √200.
    const out = rollingVolatility([point(0, 40), point(1, 60), point(25, 60)]);
    expect(out[1]).toBeCloseTo(Math.sqrt(200) / 50, 12);
    // 25 h later the 40 has left the window: only 60 and 60 remain.
    expect(out[2]).toBeCloseTo(0, 12);
  });
});
