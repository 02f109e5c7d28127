import { backoffMs, retryWithBackoff } from './retry';

type Outcome = { ok: boolean; transient: boolean };

describe('retryWithBackoff (failed site profile sends)', () => {
  const waits: number[] = [];
  const sleep = (ms: number): Promise<void> => {
    waits.push(ms);
    return Promise.resolve();
  };
  beforeEach(() => (waits.length = 0));

  it('retries an outcome without an answer, doubling the wait, until one succeeds', async () => {
    const outcomes: Outcome[] = [
      { ok: false, transient: true },
      { ok: false, transient: true },
      { ok: true, transient: false },
    ];
    const seen: number[] = [];
    const { outcome, attempts } = await retryWithBackoff(
      (n) => {
        seen.push(n);
        return Promise.resolve(outcomes[n - 1]);
      },
      (o) => !o.ok && o.transient,
      { attempts: 5, baseMs: 200, sleep },
    );
    expect(outcome.ok).toBe(true);
    expect(attempts).toBe(3);
    expect(seen).toEqual([1, 2, 3]);
    expect(waits).toEqual([200, 400]);
  });

  it('stops after the bounded attempts and returns the last failure', async () => {
    let calls = 0;
    const { outcome, attempts } = await retryWithBackoff(
      () => {
        calls++;
        return Promise.resolve({ ok: false, transient: true });
      },
      (o) => !o.ok && o.transient,
      { attempts: 4, baseMs: 100, maxMs: 300, sleep },
    );
    expect(outcome.ok).toBe(false);
    expect(attempts).toBe(4);
    expect(calls).toBe(4);
    expect(waits).toEqual([100, 200, 300]);
  });

  it('does not retry an answer (a refusal is not worth a second try)', async () => {
    let calls = 0;
    const { attempts } = await retryWithBackoff(
      () => {
        calls++;
        return Promise.resolve({ ok: false, transient: false });
      },
      (o) => !o.ok && o.transient,
      { attempts: 3, baseMs: 100, sleep },
    );
    expect(attempts).toBe(1);
    expect(calls).toBe(1);
    expect(waits).toEqual([]);
  });

  it('waits baseMs before the second attempt, twice that before the third', () => {
    expect([2, 3, 4, 5].map((n) => backoffMs(n, 250))).toEqual([250, 500, 1000, 2000]);
    expect(backoffMs(10, 250, 5000)).toBe(5000);
  });
});
