import { DEFAULT_FLEXIBLE_LOADS } from '../gridpilot-optimizer.config';
import { EV_LOAD, boundEvLoad } from './ev-bound';

const ev = (loads: ReturnType<typeof boundEvLoad>) => loads.find((l) => l.name === EV_LOAD);

describe('EV charging bounded by the sessions ocpp-csms reports', () => {
  it('plans no EV charging when the stations report no car plugged in', () => {
    const bounded = ev(boundEvLoad(DEFAULT_FLEXIBLE_LOADS, { stations: 4, sessions: 0 }, 22));
    expect(bounded).toMatchObject({ minKw: 0, maxKw: 0, blocks: [] });
  });

  it('allows up to one session maximum per car, keeping the most valuable blocks first', () => {
    const bounded = ev(boundEvLoad(DEFAULT_FLEXIBLE_LOADS, { stations: 4, sessions: 2 }, 22));
    expect(bounded?.maxKw).toBe(44);
    expect(bounded?.blocks).toEqual([
      { kw: 30, valuePerMwh: 120 },
      { kw: 14, valuePerMwh: 65 },
    ]);
  });

  it('keeps the configured bounds when more cars could draw more, or when no CSMS reports', () => {
    expect(ev(boundEvLoad(DEFAULT_FLEXIBLE_LOADS, { stations: 4, sessions: 4 }, 22))?.maxKw).toBe(60);
    expect(ev(boundEvLoad(DEFAULT_FLEXIBLE_LOADS, { stations: 0, sessions: 0 }, 22))?.maxKw).toBe(60);
  });

  it('leaves the other loads alone', () => {
    const bounded = boundEvLoad(DEFAULT_FLEXIBLE_LOADS, { stations: 1, sessions: 0 }, 22);
    expect(bounded.filter((l) => l.name !== EV_LOAD)).toEqual(DEFAULT_FLEXIBLE_LOADS.filter((l) => l.name !== EV_LOAD));
  });
});
