import type { TransactionEntity } from '../persistence/entities';
import { OpenTransactions } from './open-transactions';

const tx = (id: number, stationId: string) => ({ id, stationId }) as TransactionEntity;

describe('OpenTransactions', () => {
  it('finds a transaction by id and forgets a station its own only', () => {
    const open = new OpenTransactions();
    open.add(tx(1, 'CP-1'), null);
    open.add(tx(2, 'CP-1'), Number.NEGATIVE_INFINITY);
    open.add(tx(3, 'CP-2'), 5);
    expect(open.get(2)).toEqual({ tx: tx(2, 'CP-1'), newestReadingAt: Number.NEGATIVE_INFINITY });
    open.forgetStation('CP-1');
    expect(open.get(1)).toBeUndefined();
    expect(open.get(2)).toBeUndefined();
    expect(open.get(3)?.newestReadingAt).toBe(5);
    expect(open.size).toBe(1);
    // Forgetting a station with nothing open, or twice, changes nothing.
    open.forgetStation('CP-1');
    open.forgetStation('CP-9');
    expect(open.size).toBe(1);
  });

  it('keeps the station index right when a transaction is closed or added again', () => {
    const open = new OpenTransactions();
    open.add(tx(1, 'CP-1'), null);
    open.delete(1);
    open.delete(1);
    expect(open.get(1)).toBeUndefined();
    // The same id again (a reload after a miss) replaces the entry and is forgotten with its station.
    open.add(tx(4, 'CP-1'), null);
    open.add(tx(4, 'CP-1'), 7);
    expect(open.get(4)?.newestReadingAt).toBe(7);
    open.forgetStation('CP-1');
    expect(open.size).toBe(0);
  });

  it('forgets a station in time of its own transactions, not of all of them', () => {
    const open = new OpenTransactions();
    for (let i = 0; i < 20_000; i++) open.add(tx(i, `CP-${i}`), null);
    const started = performance.now();
    for (let i = 0; i < 20_000; i++) open.forgetStation(`CP-${i}`);
    // A scan of the whole map per station would be 4 × 10^8 steps (seconds); by index it is 20,000.
    expect(performance.now() - started).toBeLessThan(500);
    expect(open.size).toBe(0);
  });
});
