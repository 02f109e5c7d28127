import {
  DEMO_SESSION_MS,
  DriverSchedule,
  DriverState,
  PlannedSession,
  driverStep,
  localTimeToMs,
  matchesAny,
  sessionAt,
  sessionsBetween,
} from './arrivals';

const DAY = 86_400_000;
const base: DriverSchedule = { chargerId: 'charger-1', seed: 1, timeZone: 'UTC' };
const chargers = (n: number, extra: Partial<DriverSchedule> = {}): DriverSchedule[] =>
  Array.from({ length: n }, (_, i) => ({ ...base, chargerId: `charger-${i + 1}`, ...extra }));
/** Minutes after local midnight of `ms` in `timeZone`. */
const localMinutes = (ms: number, timeZone: string): number => {
  const [h, m] = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .format(new Date(ms))
    .split(':')
    .map(Number);
  return h * 60 + m;
};
// A Monday to Sunday in UTC.
const MONDAY = Date.UTC(2026, 2, 2);
const WEEK = [MONDAY, MONDAY + 7 * DAY] as const;

describe('simulated drivers: the daily pattern', () => {
  it('is reproducible: the same seed gives the same sessions, another seed other ones', () => {
    const a = sessionsBetween(base, ...WEEK);
    expect(sessionsBetween({ ...base }, ...WEEK)).toEqual(a);
    expect(sessionsBetween({ ...base, seed: 2 }, ...WEEK)).not.toEqual(a);
    expect(sessionsBetween({ ...base, chargerId: 'charger-2' }, ...WEEK)).not.toEqual(a);
  });

  it('brings commuters 07:00–10:00 and takes them away 16:00–19:00, site local time', () => {
    for (const timeZone of ['UTC', 'Europe/Berlin', 'America/New_York']) {
      const work = chargers(8, { timeZone }).flatMap((s) =>
        sessionsBetween(s, ...WEEK).filter((x) => x.kind === 'workplace'),
      );
      expect(work.length).toBeGreaterThan(20);
      for (const s of work) {
        expect(localMinutes(s.arriveMs, timeZone)).toBeGreaterThanOrEqual(7 * 60);
        expect(localMinutes(s.arriveMs, timeZone)).toBeLessThan(10 * 60);
        expect(localMinutes(s.departMs, timeZone)).toBeGreaterThanOrEqual(16 * 60);
        expect(localMinutes(s.departMs, timeZone)).toBeLessThan(19 * 60);
      }
    }
  });

  it('has evening home sessions that end the next morning before the commuters come', () => {
    const home = chargers(8).flatMap((s) => sessionsBetween(s, ...WEEK).filter((x) => x.kind === 'home'));
    expect(home.length).toBeGreaterThan(5);
    for (const s of home) {
      expect(localMinutes(s.arriveMs, 'UTC')).toBeGreaterThanOrEqual(18 * 60);
      expect(localMinutes(s.departMs, 'UTC')).toBeGreaterThanOrEqual(5.5 * 60);
      expect(localMinutes(s.departMs, 'UTC')).toBeLessThan(7 * 60);
      expect(s.departMs - s.arriveMs).toBeGreaterThan(8 * 3_600_000);
    }
  });

  it('never puts two cars at one charger at once', () => {
    for (const schedule of chargers(8)) {
      const sessions = sessionsBetween(schedule, MONDAY, MONDAY + 28 * DAY);
      for (let i = 1; i < sessions.length; i++) {
        expect(sessions[i].arriveMs).toBeGreaterThanOrEqual(sessions[i - 1].departMs);
      }
    }
  });

  it('has more commuters on weekdays than at weekends', () => {
    const count = (from: number, days: number): number =>
      chargers(20).flatMap((s) => sessionsBetween(s, from, from + days * DAY).filter((x) => x.kind === 'workplace'))
        .length / days;
    expect(count(MONDAY, 5)).toBeGreaterThan(2 * count(MONDAY + 5 * DAY, 2));
  });

  it('varies the cars: SOC, capacity and id tag within what a charger accepts', () => {
    const evs = chargers(8).flatMap((s) => sessionsBetween(s, ...WEEK).map((x) => x.ev));
    for (const ev of evs) {
      expect(ev.socPct).toBeGreaterThanOrEqual(10);
      expect(ev.socPct).toBeLessThanOrEqual(60);
      expect([1, 3]).toContain(ev.phases);
      expect(ev.maxCurrentA).toBeGreaterThanOrEqual(6);
      expect(ev.idTag.length).toBeLessThanOrEqual(20);
    }
    expect(new Set(evs.map((e) => e.socPct)).size).toBeGreaterThan(10);
    expect(new Set(evs.map((e) => e.capacityKwh)).size).toBeGreaterThan(3);
    expect(new Set(evs.map((e) => e.idTag)).size).toBeGreaterThan(10);
  });

  it('sessionAt names the car at the charger at a time, and nothing when the bay is empty', () => {
    const [first] = sessionsBetween(base, ...WEEK);
    expect(sessionAt(base, first.arriveMs - 1)?.key).not.toBe(first.key);
    expect(sessionAt(base, first.arriveMs)?.key).toBe(first.key);
    expect(sessionAt(base, first.departMs - 1)?.key).toBe(first.key);
    expect(sessionAt(base, first.departMs)?.key).not.toBe(first.key);
    // 03:00 on a Monday with no resident the evening before: nobody.
    const quiet = chargers(20).find((s) => sessionAt(s, MONDAY + 3 * 3_600_000) === null);
    expect(quiet).toBeDefined();
  });

  it('demo: a car arrives at the given time, even at night, and leaves within 90 minutes', () => {
    const night = MONDAY + 2 * 3_600_000 + 123;
    const demo = { ...base, chargerId: 'charger-9', demoArriveMs: night };
    expect(sessionAt({ ...demo, demoArriveMs: null }, night)).toBeNull();
    expect(sessionAt(demo, night - 1)).toBeNull();
    const s = sessionAt(demo, night + 1000);
    expect(s).toMatchObject({ kind: 'demo', arriveMs: night });
    expect(s?.departMs).toBeLessThanOrEqual(night + DEMO_SESSION_MS);
    expect(sessionAt(demo, night + DEMO_SESSION_MS + 1)).toBeNull();
  });

  it('demo: gives way to a planned car, never overlapping one', () => {
    for (const schedule of chargers(10)) {
      const [work] = sessionsBetween(schedule, MONDAY, MONDAY + DAY).filter((x) => x.kind === 'workplace');
      if (!work) continue;
      // During a planned session: that car stays, no demo.
      expect(sessionAt({ ...schedule, demoArriveMs: work.arriveMs + 60_000 }, work.arriveMs + 120_000)?.key).toBe(
        work.key,
      );
      // Just before one: the demo car leaves before the commuter comes.
      const sessions = sessionsBetween(
        { ...schedule, demoArriveMs: work.arriveMs - 30 * 60_000 },
        MONDAY,
        MONDAY + DAY,
      );
      for (let i = 1; i < sessions.length; i++) expect(sessions[i].arriveMs).toBeGreaterThan(sessions[i - 1].departMs);
      expect(sessions.some((x) => x.kind === 'demo')).toBe(true);
    }
  });

  it('follows daylight saving time: 08:00 local is 07:00 UTC in winter, 06:00 UTC in summer (Berlin)', () => {
    expect(new Date(localTimeToMs({ y: 2026, m: 1, d: 15 }, 8 * 60, 'Europe/Berlin')).toISOString()).toBe(
      '2026-01-15T07:00:00.000Z',
    );
    expect(new Date(localTimeToMs({ y: 2026, m: 7, d: 15 }, 8 * 60, 'Europe/Berlin')).toISOString()).toBe(
      '2026-07-15T06:00:00.000Z',
    );
  });

  it('matches device ids against EV_DRIVERS patterns', () => {
    expect(matchesAny('charger-1', ['charger-*'])).toBe(true);
    expect(matchesAny('charger-12', ['bay-1', 'charger-*'])).toBe(true);
    expect(matchesAny('EVSIM-1', ['charger-*'])).toBe(false);
    expect(matchesAny('charger.1', ['charger-*'])).toBe(false);
    expect(matchesAny('bay-1', [])).toBe(false);
  });
});

describe('simulated drivers: what a driver does at each look at the clock', () => {
  const [a, b] = sessionsBetween(base, ...WEEK);
  const empty: DriverState = { plugged: null, done: [] };
  /** Runs the driver over (session due, bay taken by another car) and returns what it did each time. */
  const run = (ticks: [PlannedSession | null, boolean][]): string[] => {
    let state = empty;
    return ticks.map(([session, taken]) => {
      const step = driverStep(state, session, taken);
      state = step.state;
      return (
        [step.leave ? 'leave' : '', step.arrive ? `arrive ${step.arrive.key}` : ''].filter(Boolean).join('+') || '-'
      );
    });
  };

  it('brings the car when its session starts, once, and takes it away when it ends', () => {
    expect(
      run([
        [null, false],
        [a, false],
        [a, true],
        [a, true],
        [null, true],
        [null, false],
      ]),
    ).toEqual(['-', `arrive ${a.key}`, '-', '-', 'leave', '-']);
  });

  it('swaps cars in one step when one session follows another', () => {
    expect(
      run([
        [a, false],
        [b, true],
      ]),
    ).toEqual([`arrive ${a.key}`, `leave+arrive ${b.key}`]);
  });

  it('skips a session whose bay a car plugged in by hand has taken, even once the bay frees up', () => {
    expect(
      run([
        [a, true],
        [a, false],
        [null, false],
        [b, false],
      ]),
    ).toEqual(['-', '-', '-', `arrive ${b.key}`]);
  });

  it('does not bring back a car unplugged by hand during its session', () => {
    expect(
      run([
        [a, false],
        [a, false],
        [a, false],
        [null, false],
      ]),
    ).toEqual([`arrive ${a.key}`, '-', '-', 'leave']);
  });

  it('remembers only the last sessions', () => {
    let state = empty;
    for (const s of sessionsBetween(base, MONDAY, MONDAY + 28 * DAY)) {
      state = driverStep(driverStep(state, s, false).state, null, false).state;
    }
    expect(state.done.length).toBeLessThanOrEqual(10);
  });
});
