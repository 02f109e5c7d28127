import { Bid, vcgAuction } from './auction';

const award = (result: ReturnType<typeof vcgAuction>, bidder: string) => result.awards.find((a) => a.bidder === bidder);

describe('VCG auction of a power budget', () => {
  it('serves everyone and charges nothing when the budget is not scarce', () => {
    const r = vcgAuction(10, [
      { bidder: 'a', blocks: [{ quantity: 3, price: 50 }] },
      { bidder: 'b', blocks: [{ quantity: 4, price: 30 }] },
    ]);
    expect(award(r, 'a')).toEqual({ bidder: 'a', quantity: 3, value: 150, payment: 0 });
    expect(award(r, 'b')).toEqual({ bidder: 'b', quantity: 4, value: 120, payment: 0 });
    expect(r.welfare).toBe(270);
    expect(r.allocated).toBe(7);
  });

  it('gives a scarce budget to the highest values; the winner pays the loser’s displaced value', () => {
    // Budget 5. a: 4 @ 50; b: 4 @ 30. Optimum: a 4, b 1 (welfare 230).
    // Without a, b takes 4 (120); with a, b has 1 (30): a pays 90. Without b, a still takes 4: b pays 0.
    const r = vcgAuction(5, [
      { bidder: 'a', blocks: [{ quantity: 4, price: 50 }] },
      { bidder: 'b', blocks: [{ quantity: 4, price: 30 }] },
    ]);
    expect(award(r, 'a')).toEqual({ bidder: 'a', quantity: 4, value: 200, payment: 90 });
    expect(award(r, 'b')).toEqual({ bidder: 'b', quantity: 1, value: 30, payment: 0 });
    expect(r.welfare).toBe(230);
  });

  it('splits concave bids block by block', () => {
    // Budget 6. a: 2 @ 100, then 2 @ 40; b: 3 @ 60, then 3 @ 10.
    // By price: a 2 @ 100, b 3 @ 60, a 1 of 2 @ 40 → a 3 (value 240), b 3 (value 180), welfare 420.
    // Without a: b 3 @ 60 + 3 @ 10 = 210; b's value with a is 180 → a pays 30.
    // Without b: a 2 @ 100 + 2 @ 40 = 280; a's value with b is 240 → b pays 40.
    const r = vcgAuction(6, [
      {
        bidder: 'a',
        blocks: [
          { quantity: 2, price: 100 },
          { quantity: 2, price: 40 },
        ],
      },
      {
        bidder: 'b',
        blocks: [
          { quantity: 3, price: 60 },
          { quantity: 3, price: 10 },
        ],
      },
    ]);
    expect(award(r, 'a')).toEqual({ bidder: 'a', quantity: 3, value: 240, payment: 30 });
    expect(award(r, 'b')).toEqual({ bidder: 'b', quantity: 3, value: 180, payment: 40 });
    expect(r.welfare).toBe(420);
  });

  it('never serves blocks valued at zero or less, and an empty budget serves no one', () => {
    const bids: Bid[] = [{ bidder: 'a', blocks: [{ quantity: 2, price: 0 }] }];
    expect(award(vcgAuction(5, bids), 'a')).toMatchObject({ quantity: 0, payment: 0 });
    const none = vcgAuction(0, [{ bidder: 'b', blocks: [{ quantity: 2, price: 9 }] }]);
    expect(none.allocated).toBe(0);
  });

  it('keeps payments between 0 and each winner’s value on random concave bids', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let round = 0; round < 50; round++) {
      const bids: Bid[] = Array.from({ length: 20 }, (_, i) => {
        let price = 200 * rand();
        return {
          bidder: `l${i}`,
          blocks: Array.from({ length: 1 + Math.floor(4 * rand()) }, () => {
            price *= rand();
            return { quantity: 0.1 + 5 * rand(), price };
          }),
        };
      });
      const r = vcgAuction(30 * rand(), bids);
      for (const a of r.awards) {
        expect(a.payment).toBeGreaterThanOrEqual(0);
        expect(a.payment).toBeLessThanOrEqual(a.value + 1e-9);
      }
      expect(r.allocated).toBeLessThanOrEqual(r.budget + 1e-9);
    }
  });

  it('refuses non-concave bids and duplicate bidders, naming them', () => {
    expect(() =>
      vcgAuction(1, [
        {
          bidder: 'x',
          blocks: [
            { quantity: 1, price: 10 },
            { quantity: 1, price: 20 },
          ],
        },
      ]),
    ).toThrow(/x: block prices must not increase/);
    expect(() =>
      vcgAuction(1, [
        { bidder: 'y', blocks: [] },
        { bidder: 'y', blocks: [] },
      ]),
    ).toThrow(/y: one bid per bidder/);
    expect(() => vcgAuction(1, [{ bidder: 'z', blocks: [{ quantity: -1, price: 1 }] }])).toThrow(/z: blocks\[0\]/);
  });
});
