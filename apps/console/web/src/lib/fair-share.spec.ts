import { allocateFairShare, fairShares, sessionStateOf, toOcppLimit, type ShareSession } from './fair-share';

const session = (transactionId: number, over: Partial<ShareSession> = {}): ShareSession => ({
  transactionId,
  controllable: true,
  state: 'charging',
  measuredW: null,
  maxW: 11_000,
  ...over,
});

describe('allocateFairShare (as libs/power)', () => {
  it('water-fills: equal shares, a capped claimant’s surplus going to the others', () => {
    const shares = allocateFairShare(30_000, [
      { id: 'a', minW: 1_380, maxW: 3_680 },
      { id: 'b', minW: 1_380, maxW: 22_080 },
      { id: 'c', minW: 1_380, maxW: 22_080 },
    ]);
    expect(shares.get('a')).toBeCloseTo(3_680);
    expect(shares.get('b')).toBeCloseTo(13_160);
    expect(shares.get('c')).toBeCloseTo(13_160);
  });

  it('gives minimums earliest first and pauses those that do not fit', () => {
    const shares = allocateFairShare(3_000, [
      { id: 'a', minW: 1_380, maxW: 11_000 },
      { id: 'b', minW: 1_380, maxW: 11_000 },
      { id: 'c', minW: 1_380, maxW: 11_000 },
    ]);
    expect(shares.get('a')).toBeCloseTo(1_500);
    expect(shares.get('b')).toBeCloseTo(1_500);
    expect(shares.get('c')).toBe(0);
  });

  it('never hands out more than the limit, nor anything for a negative one', () => {
    const claimants = [
      { id: 'a', minW: 1_380, maxW: 7_400 },
      { id: 'b', minW: 1_380, maxW: 7_400 },
    ];
    const total = [...allocateFairShare(50_000, claimants).values()].reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(14_800);
    expect([...allocateFairShare(-5, claimants).values()]).toEqual([0, 0]);
  });
});

describe('fairShares (as ocpp-csms planSite)', () => {
  it('takes what uncontrollable sessions draw, with the 10 % margin, off the limit before sharing', () => {
    const plan = fairShares({
      limitW: 20_000,
      sessions: [session(1, { controllable: false, measuredW: 7_000 }), session(2), session(3)],
    });
    expect(plan.uncontrolledW).toBeCloseTo(7_700);
    expect(plan.budgetW).toBeCloseTo(12_300);
    expect(plan.shares.get(2)).toBe(6_150);
    expect(plan.shares.get(3)).toBe(6_150);
    expect(plan.shares.has(1)).toBe(false);
  });

  it('counts an uncontrollable session at its maximum until it reports, and other load as well', () => {
    const plan = fairShares({
      safetyMarginPct: 0,
      limitW: 20_000,
      otherUncontrolledW: 2_000,
      sessions: [session(1, { controllable: false, maxW: 7_400 }), session(2)],
    });
    expect(plan.budgetW).toBe(10_600);
    expect(plan.shares.get(2)).toBe(10_600);
  });

  it.each([
    ['min', 1_380],
    ['none', 0],
  ] as const)('gives an idle session the idle share (%s) and nothing to one not charging', (idleShare, idleW) => {
    const plan = fairShares({
      idleShare,
      limitW: 10_000,
      sessions: [session(1, { state: 'idle' }), session(2, { state: 'not_charging' }), session(3)],
    });
    expect(plan.shares.get(1)).toBe(idleW);
    expect(plan.shares.get(2)).toBe(0);
    expect(plan.shares.get(3)).toBeCloseTo(10_000 - idleW);
  });

  it('shares nothing when the uncontrolled load takes the whole limit', () => {
    const plan = fairShares({
      limitW: 5_000,
      sessions: [session(1, { controllable: false, measuredW: 6_000 }), session(2)],
    });
    expect(plan.budgetW).toBe(0);
    expect(plan.shares.get(2)).toBe(0);
  });

  it('rounds each share down to OCPP’s one decimal, so the sum stays within the limit', () => {
    const plan = fairShares({ limitW: 10_000, sessions: [session(1), session(2), session(3)] });
    expect(plan.shares.get(1)).toBe(3_333.3);
    const total = [...plan.shares.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(10_000);
    expect(toOcppLimit(1_380.06)).toBe(1_380);
  });

  it('reads the session state from the connector status as the CSMS does', () => {
    expect(sessionStateOf('Charging')).toBe('charging');
    expect(sessionStateOf('SuspendedEVSE')).toBe('charging');
    expect(sessionStateOf('SuspendedEV')).toBe('idle');
    expect(sessionStateOf('Finishing')).toBe('not_charging');
    expect(sessionStateOf(null)).toBe('charging');
  });
});
