import { formatEnergyKwh, formatEnergyWh, formatPercent, formatPowerKw, formatPowerMw, formatPowerW } from './units';

describe('units on the page', () => {
  it.each([
    [0, '0 W'],
    [950, '950 W'],
    [7.4, '7 W'],
    [1500, '1.50 kW'],
    [12_345, '12.3 kW'],
    [150_000, '150 kW'],
    [1_250_000, '1.25 MW'],
    [-22_000, '-22.0 kW'],
    [9_999.9, '10.0 kW'],
    [999.7, '1.00 kW'],
    [99_960, '100 kW'],
  ])('power %d W reads %s', (watts, text) => {
    expect(formatPowerW(watts)).toBe(text);
  });

  it('reads the plant in MW and loads in kW with the prefix their size calls for', () => {
    expect(formatPowerMw(0.15)).toBe('150 kW');
    expect(formatPowerMw(0.4321)).toBe('432 kW');
    expect(formatPowerMw(2.5)).toBe('2.50 MW');
    expect(formatPowerKw(0.8)).toBe('800 W');
    expect(formatPowerKw(-0.0001)).toBe('0 W');
  });

  it('chooses Wh, kWh or MWh for energy', () => {
    expect(formatEnergyWh(800)).toBe('800 Wh');
    expect(formatEnergyKwh(45.6)).toBe('45.6 kWh');
    expect(formatEnergyKwh(1234)).toBe('1.23 MWh');
  });

  it('shows a missing value as a dash, never NaN', () => {
    expect(formatPowerW(Number.NaN)).toBe('—');
    expect(formatEnergyWh(Number.POSITIVE_INFINITY)).toBe('—');
    expect(formatPercent(Number.NaN)).toBe('—');
  });

  it('rounds percentages to what an operator reads', () => {
    expect(formatPercent(57)).toBe('57 %');
    expect(formatPercent(57.46)).toBe('57 %');
    expect(formatPercent(5.46)).toBe('5.5 %');
  });
});
