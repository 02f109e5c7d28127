import { Debouncer } from './debouncer';

describe('Debouncer (the site re-balance)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('coalesces a burst of triggers within the window into one run, told how many it stands for', () => {
    const runs: number[] = [];
    const debounce = new Debouncer('test', 250, (triggers) => runs.push(triggers));
    debounce.trigger();
    jest.advanceTimersByTime(100);
    debounce.trigger();
    debounce.trigger();
    expect(runs).toEqual([]);
    jest.advanceTimersByTime(150);
    expect(runs).toEqual([3]);
    expect(debounce.coalesced).toBe(2);
    expect(debounce.waiting).toBe(false);
  });

  it('runs once per window under a steady stream, so events never starve the re-balance', () => {
    const runs: number[] = [];
    const debounce = new Debouncer('test', 100, (triggers) => runs.push(triggers));
    for (let t = 0; t < 1000; t += 10) {
      debounce.trigger();
      jest.advanceTimersByTime(10);
    }
    expect(runs.length).toBe(10);
    expect(runs.reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('uses the configured window, opens a new one after a run, and cancel drops what is pending', () => {
    const runs: number[] = [];
    const debounce = new Debouncer('test', 1000, (triggers) => runs.push(triggers));
    debounce.trigger();
    jest.advanceTimersByTime(999);
    expect(runs).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(runs).toEqual([1]);
    debounce.trigger();
    debounce.cancel();
    jest.advanceTimersByTime(5000);
    expect(runs).toEqual([1]);
    debounce.trigger();
    debounce.flush();
    expect(runs).toEqual([1, 1]);
  });
});
