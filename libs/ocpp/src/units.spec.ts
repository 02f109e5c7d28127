import { ampsToWatts, convertLimit, toOcppLimit, wattsToAmps } from './index';

describe('OCPP charging-rate units', () => {
  it.each([
    [16, 3, 11_040],
    [32, 1, 7_360],
    [6, 3, 4_140],
  ])('%d A on %d phase(s) at 230 V is %d W', (amps, phases, watts) => {
    expect(ampsToWatts(amps, phases)).toBe(watts);
    expect(wattsToAmps(watts, phases)).toBeCloseTo(amps, 10);
  });

  it('converts both ways and leaves a limit alone when the unit does not change', () => {
    expect(convertLimit(11_040, 'W', 'A')).toBeCloseTo(16, 10);
    expect(convertLimit(16, 'A', 'W')).toBe(11_040);
    expect(convertLimit(7.4, 'A', 'A')).toBe(7.4);
  });

  it.each([
    [16.666, 16.6],
    [7360, 7360],
    [0.15, 0.1],
    [0.3, 0.3],
  ])('rounds %d down to the 0.1 grid of OCPP limits: %d', (limit, expected) => {
    expect(toOcppLimit(limit)).toBe(expected);
  });
});
