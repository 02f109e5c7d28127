import {
  formatAmps,
  formatApparentKva,
  formatCelsius,
  formatHz,
  formatPowerFactor,
  formatReactiveKvar,
  formatVolts,
} from './units-electric';

describe('electrical units', () => {
  it('formats with fixed decimals and a dash for nothing', () => {
    expect(formatVolts(749.66)).toBe('749.7 V');
    expect(formatAmps(0)).toBe('0.0 A');
    expect(formatHz(59.9934)).toBe('59.993 Hz');
    expect(formatHz(59.9934, 2)).toBe('59.99 Hz');
    expect(formatCelsius(25.94)).toBe('25.9 °C');
    expect(formatPowerFactor(0.9851)).toBe('0.985');
    expect(formatVolts(null)).toBe('—');
    expect(formatAmps(Number.NaN)).toBe('—');
  });

  it('scales reactive and apparent power like active power', () => {
    expect(formatReactiveKvar(29.61)).toBe('29.6 kvar');
    expect(formatApparentKva(1690)).toBe('1.69 MVA');
    expect(formatReactiveKvar(undefined)).toBe('—');
  });
});
