import { Claimant, allocateFairShare } from './allocation';

const ev = (id: string, maxW = 11_000, minW = 1_380): Claimant => ({ id, minW, maxW });
const shares = (limitW: number, claimants: Claimant[]): Record<string, number> =>
  Object.fromEntries([...allocateFairShare(limitW, claimants)].map(([id, w]) => [id, Math.round(w)]));

describe('allocateFairShare', () => {
  it.each<[string, number, Claimant[], Record<string, number>]>([
    ['equal shares when everyone can take them', 12_000, [ev('a'), ev('b'), ev('c')], { a: 4_000, b: 4_000, c: 4_000 }],
    [
      'nobody above its maximum; the surplus goes to the others',
      20_000,
      [ev('a', 3_680), ev('b'), ev('c')],
      { a: 3_680, b: 8_160, c: 8_160 },
    ],
    [
      'everyone at maximum when the limit is ample',
      100_000,
      [ev('a', 7_360), ev('b', 11_000)],
      { a: 7_360, b: 11_000 },
    ],
    [
      'minimums first, earliest first; those that do not fit are paused',
      3_000,
      [ev('a'), ev('b'), ev('c')],
      { a: 1_500, b: 1_500, c: 0 },
    ],
    ['a zero limit pauses everyone', 0, [ev('a'), ev('b')], { a: 0, b: 0 }],
    ['nobody to share with', 10_000, [], {}],
  ])('%s', (_name, limitW, claimants, expected) => {
    expect(shares(limitW, claimants)).toEqual(expected);
  });

  it('never hands out more than the limit', () => {
    for (let limit = 0; limit < 60_000; limit += 1_777) {
      const total = [
        ...allocateFairShare(limit, [ev('a'), ev('b', 3_680), ev('c', 22_000, 4_140), ev('d')]).values(),
      ].reduce((s, w) => s + w, 0);
      expect(total).toBeLessThanOrEqual(limit + 1e-6);
    }
  });
});
