import type { FlexibleLoadConfig } from '../gridpilot-optimizer.config';
import { splitBudget } from './split';

const loads: FlexibleLoadConfig[] = [
  {
    name: 'inference',
    minKw: 20,
    maxKw: 200,
    rampKwPerStep: 100,
    cooled: true,
    blocks: [
      { kw: 100, valuePerMwh: 140 },
      { kw: 100, valuePerMwh: 90 },
    ],
  },
  { name: 'ev', minKw: 0, maxKw: 50, rampKwPerStep: 50, cooled: false, blocks: [{ kw: 50, valuePerMwh: 100 }] },
];

describe('splitting a power budget among the loads', () => {
  it('runs the minimums first, then sells the rest by value per kW of site power', () => {
    // Must-run: 20 kW inference + 5 kW cooling = 25. Left: 75 kW.
    // Inference's next 80 kW block is worth 140 / 1.25 = 112 per site kW, more than EV's 100.
    const split = splitBudget(loads, 100, 0.25);
    expect(split.allocation.inference).toBeCloseTo(80, 6);
    expect(split.allocation.cooling).toBeCloseTo(20, 6);
    expect(split.allocation.ev).toBe(0);
    expect(split.totalKw).toBeCloseTo(100, 6);
    // Without inference, EV would take its full 50 kW at 100 $/MWh: inference pays that harm, 5 $/h.
    expect(split.payments.inference).toBeCloseTo(5, 6);
    expect(split.payments.ev).toBe(0);
    expect(split.minimumsMet).toBe(true);
  });

  it('gives what is left to the next bidder, and scales minimums down when the budget is short', () => {
    const plenty = splitBudget(loads, 200, 0.25);
    expect(plenty.allocation.inference).toBeCloseTo(120, 6);
    expect(plenty.allocation.ev).toBeCloseTo(50, 6);
    const short = splitBudget(loads, 10, 0.25);
    expect(short.minimumsMet).toBe(false);
    expect(short.allocation.inference).toBeCloseTo(8, 6);
    expect(short.totalKw).toBeCloseTo(10, 6);
  });

  it('leaves out a load that may not run (minimum off time)', () => {
    const split = splitBudget(loads, 100, 0.25, (l) => l.name !== 'inference');
    expect(split.allocation.inference).toBe(0);
    expect(split.allocation.ev).toBeCloseTo(50, 6);
  });
});
