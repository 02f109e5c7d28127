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
  it('sends only changes larger than the step', () => {
    const { send, effective } = changesToSend(
      new Map([
        [1, 5_000],
        [2, 3_000],
        [3, 2_000],
      ]),
      new Map([
        [1, 5_200],
        [2, 4_000],
      ]),
      500,
      10_500,
    );
    expect([...send].sort()).toEqual([2, 3]);
    expect(effective.get(1)).toBe(5_200);
  });

  it('sends kept decreases after all, the largest first, when the kept values would pass the budget', () => {
    const { send, effective } = changesToSend(
      new Map([
        [1, 5_000],
        [2, 5_000],
      ]),
      new Map([
        [1, 5_400],
        [2, 5_100],
      ]),
      500,
      10_100,
    );
    expect([...send]).toEqual([1]);
    expect(effective.get(2)).toBe(5_100);
    expect([...effective.values()].reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(10_100);
  });
});
