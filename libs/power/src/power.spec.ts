import {
  CONSUMPTION_SHARE,
  GENERATION_SHARE,
  assertWalkBounds,
  drawShare,
  kwToMw,
  mwToKw,
  powerTotals,
  roundTo,
  seededRandom,
  splitInTwo,
  surplusMw,
  walkStart,
  walkStep,
} from './index';

describe('random walk', () => {
  const bounds = { min: 0.1, max: 0.5, step: 0.02 };

  it('never moves more than one step and never leaves its bounds over 10,000 steps', () => {
    const random = seededRandom(42);
    let value = walkStart(bounds, random);
    for (let i = 0; i < 10_000; i++) {
      const next = walkStep(value, bounds, random);
      expect(Math.abs(next - value)).toBeLessThanOrEqual(bounds.step + 1e-12);
      expect(next).toBeGreaterThanOrEqual(bounds.min);
      expect(next).toBeLessThanOrEqual(bounds.max);
      value = next;
    }
  });

  it('visits the whole range rather than sticking to one side', () => {
    const random = seededRandom(7);
    let value = walkStart(bounds, random);
    let low = value;
    let high = value;
    for (let i = 0; i < 20_000; i++) {
      value = walkStep(value, bounds, random);
      low = Math.min(low, value);
      high = Math.max(high, value);
    }
    expect(low).toBeLessThan(0.15);
    expect(high).toBeGreaterThan(0.45);
  });

  it('replays the same walk from the same seed and a different one from another seed', () => {
    const walk = (seed: number): number[] => {
      const random = seededRandom(seed);
      let v = walkStart(bounds, random);
      return Array.from({ length: 5 }, () => (v = walkStep(v, bounds, random)));
    };
    expect(walk(1)).toEqual(walk(1));
    expect(walk(1)).not.toEqual(walk(2));
  });

  it('stays put with step 0 and pins to a fixed value when min equals max', () => {
    const random = seededRandom(3);
    expect(walkStep(0.3, { ...bounds, step: 0 }, random)).toBe(0.3);
    expect(walkStep(0.2, { min: 0.2, max: 0.2, step: 0.05 }, random)).toBe(0.2);
  });

  it.each([
    [{ min: 0.5, max: 0.1, step: 0.01 }, /min <= max/],
    [{ min: -1, max: 0.1, step: 0.01 }, /min <= max/],
    [{ min: 0.1, max: 0.5, step: -0.01 }, /step/],
    [{ min: 0.1, max: Number.NaN, step: 0.01 }, /min <= max/],
  ])('rejects bounds %o', (b, message) => {
    expect(() => assertWalkBounds(b)).toThrow(message);
  });
});

describe('splitting a total between two sources', () => {
  it.each([
    [0.1, 0.45, [0.045, 0.055]],
    [0.5, 0.48, [0.24, 0.26]],
    [0, 0.5, [0, 0]],
    [0.3333333, 0.5, [0.166667, 0.166666]],
  ])('splits %d MW at share %d into %o', (total, share, expected) => {
    expect(splitInTwo(total, share)).toEqual(expected);
  });

  it('parts always add up to the rounded total', () => {
    const random = seededRandom(11);
    for (let i = 0; i < 1000; i++) {
      const total = random() * 10;
      const [a, b] = splitInTwo(total, drawShare(random, CONSUMPTION_SHARE));
      expect(roundTo(a + b, 6)).toBe(roundTo(total, 6));
    }
  });

  it.each([
    ['consumption', 0.45, 0.55, CONSUMPTION_SHARE],
    ['generation', 0.48, 0.52, GENERATION_SHARE],
  ])('draws %s shares inside [%d, %d]', (_name, lo, hi, range) => {
    const random = seededRandom(5);
    for (let i = 0; i < 1000; i++) {
      const share = drawShare(random, range);
      expect(share).toBeGreaterThanOrEqual(lo);
      expect(share).toBeLessThan(hi);
    }
  });
});

describe('power balance', () => {
  it.each([
    [0.5, 0.1, 0.4],
    [0.1, 0.15, -0.05],
    [0.3, 0.3, 0],
  ])('generation %d MW minus consumption %d MW exports %d MW', (g, c, exported) => {
    expect(powerTotals(g, c)).toEqual({ generationMw: g, consumptionMw: c, exportedMw: exported });
  });

  it('surplus is never negative', () => {
    expect(surplusMw(0.1, 0.3)).toBe(0);
    expect(surplusMw(0.3, 0.1)).toBeCloseTo(0.2, 12);
  });

  it('converts MW and kW both ways', () => {
    expect(mwToKw(0.15)).toBe(150);
    expect(kwToMw(150)).toBe(0.15);
  });
});
