import { PlanSession, changesToSend, planSite } from './site-plan';

const session = (transactionId: number, over: Partial<PlanSession> = {}): PlanSession => ({
  transactionId,
  stationId: `S${transactionId}`,
  controllable: true,
  state: 'charging',
  measuredW: null,
  maxW: 11_000,
  ...over,
});
const base = { minW: 1_380, safetyMarginPct: 10, idleShare: 'min' as const, otherUncontrolledW: 0 };

describe('planSite', () => {
  it('takes what uncontrollable sessions draw, with the margin, off the limit before sharing', () => {
    const plan = planSite({
      ...base,
      limitW: 20_000,
      sessions: [session(1, { controllable: false, measuredW: 7_000 }), session(2), session(3)],
    });
    expect(plan.uncontrolledW).toBeCloseTo(7_700);
    expect(plan.budgetW).toBeCloseTo(12_300);
    expect(plan.shares.get(2)).toBeCloseTo(6_150);
    expect(plan.shares.has(1)).toBe(false);
  });

  it('counts an uncontrollable session at its maximum until it reports what it draws, and stray load as well', () => {
    const plan = planSite({
      ...base,
      safetyMarginPct: 0,
      limitW: 20_000,
      otherUncontrolledW: 2_000,
      sessions: [session(1, { controllable: false, maxW: 7_400 }), session(2)],
    });
    expect(plan.budgetW).toBe(10_600);
  });

  it.each([
    ['min', 1_380],
    ['none', 0],
  ] as const)('gives an idle session the idle share (%s) and nothing to one not charging', (idleShare, idleW) => {
    const plan = planSite({
      ...base,
      idleShare,
      limitW: 10_000,
      sessions: [session(1, { state: 'idle' }), session(2, { state: 'not_charging' }), session(3)],
    });
    expect(plan.shares.get(1)).toBe(idleW);
    expect(plan.shares.get(2)).toBe(0);
    expect(plan.shares.get(3)).toBeCloseTo(10_000 - idleW);
  });

  it('shares nothing when the uncontrolled load takes the whole limit', () => {
    const plan = planSite({
      ...base,
      limitW: 5_000,
      sessions: [session(1, { controllable: false, measuredW: 6_000 }), session(2)],
    });
    expect(plan.budgetW).toBe(0);
    expect(plan.shares.get(2)).toBe(0);
  });
});

describe('changesToSend', () => {
  const m = (...pairs: [number, number][]): Map<number, number> => new Map(pairs);

  it('keeps shares within the step, and sends the changed ones', () => {
    const { send, effective } = changesToSend(
      m([1, 5_000], [2, 3_000], [3, 2_000]),
      m([1, 5_200], [2, 4_000]),
      500,
      10_500,
      1_380,
    );
    expect([...send].sort()).toEqual([2, 3]);
    expect(effective.get(1)).toBe(5_200);
    expect(effective.get(2)! + effective.get(3)!).toBeLessThanOrEqual(10_500 - 5_200);
  });

  it('lets a new session take what the kept ones leave, without re-sending them', () => {
    // 100 sessions at 3 kW; a new one makes the fair share 2,970 W: nobody else hears of it.
    const before = new Map(Array.from({ length: 100 }, (_, i) => [i, 3_000] as [number, number]));
    const targets = new Map(Array.from({ length: 101 }, (_, i) => [i, 2_970.2] as [number, number]));
    const { send, effective } = changesToSend(targets, before, 500, 303_000, 1_380);
    expect([...send]).toEqual([100]);
    expect(effective.get(100)).toBe(2_970.2);
  });

  it('releases the largest kept shares when the rest cannot give a new session its minimum', () => {
    const before = new Map(Array.from({ length: 100 }, (_, i) => [i, 3_000] as [number, number]));
    const targets = new Map(Array.from({ length: 101 }, (_, i) => [i, 2_970.2] as [number, number]));
    const { send, effective } = changesToSend(targets, before, 500, 300_000, 1_380);
    expect(send.size).toBeLessThan(5);
    expect(effective.get(100)).toBeGreaterThanOrEqual(1_380);
    expect([...effective.values()].reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(300_000);
  });

  it('sends decreases when the budget shrinks, and never passes it', () => {
    const { effective } = changesToSend(m([1, 5_000], [2, 5_000]), m([1, 5_400], [2, 5_300]), 500, 10_000, 1_380);
    expect([...effective.values()].reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(10_000);
  });

  it('sends nothing twice: the same inputs after the sends change nothing', () => {
    const targets = m([1, 4_000], [2, 4_000], [3, 4_000]);
    const first = changesToSend(targets, m([1, 6_000], [2, 6_000]), 500, 12_000, 1_380);
    const second = changesToSend(targets, first.effective, 500, 12_000, 1_380);
    expect(second.send.size).toBe(0);
  });
});
