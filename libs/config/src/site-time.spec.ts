import { SiteClock } from './site-time';

const HOUR = 3_600_000;
const utc = (iso: string): number => Date.parse(iso);

describe('SiteClock', () => {
  const berlin = new SiteClock('Europe/Berlin');

  it('spring forward: 2026-03-29 in Berlin has 23 hours, starting at 23:00 UTC the day before', () => {
    const day = berlin.day('2026-03-29');
    expect(day).toEqual({ start: utc('2026-03-28T23:00:00Z'), end: utc('2026-03-29T22:00:00Z') });
    const hours = berlin.hourEdges(day!.start);
    expect(hours).toHaveLength(24); // 23 hours, 24 edges
    expect(hours.map((h) => berlin.localTime(h).slice(11, 13))).toEqual([
      '00',
      '01',
      '03',
      '04',
      '05',
      '06',
      '07',
      '08',
      '09',
      '10',
      '11',
      '12',
      '13',
      '14',
      '15',
      '16',
      '17',
      '18',
      '19',
      '20',
      '21',
      '22',
      '23',
      '00',
    ]);
  });

  it('fall back: 2026-10-25 in Berlin has 25 hours, 02:00 twice', () => {
    const day = berlin.day('2026-10-25')!;
    expect(day.end - day.start).toBe(25 * HOUR);
    const labels = berlin
      .hourEdges(day.start)
      .slice(0, -1)
      .map((h) => berlin.isoWithOffset(h).slice(11));
    expect(labels.slice(1, 4)).toEqual(['01:00:00+02:00', '02:00:00+02:00', '02:00:00+01:00']);
    expect(labels).toHaveLength(25);
  });

  it('an ordinary day has 24 hours; a month of day edges follows the zone', () => {
    const day = berlin.day('2026-06-01')!;
    expect(berlin.hourEdges(day.start)).toHaveLength(25);
    const march = berlin.dayEdges(berlin.monthStart(utc('2026-03-15T12:00:00Z')), 31);
    const lengths = march.slice(1).map((e, i) => (e - march[i]) / HOUR);
    expect(lengths.filter((l) => l === 23)).toHaveLength(1);
    expect(lengths[28]).toBe(23); // the 29th
    expect(berlin.date(march[31])).toBe('2026-04-01');
    expect(berlin.addMonths(march[0], 1)).toBe(march[31]);
  });

  it('a reading at 23:30 UTC is the next day in Tokyo and the same day in UTC', () => {
    const at = utc('2026-12-03T23:30:00Z');
    expect(new SiteClock('Asia/Tokyo').date(at)).toBe('2026-12-04');
    expect(new SiteClock('UTC').date(at)).toBe('2026-12-03');
    expect(new SiteClock('Asia/Tokyo').dayStart(at)).toBe(utc('2026-12-03T15:00:00Z'));
    expect(new SiteClock('Asia/Tokyo').hourOfDay(at)).toBe(8.5);
  });

  it('parses wall-clock times in the zone, instants as given, and refuses impossible dates', () => {
    expect(berlin.parse('2026-01-10T14:00')).toBe(utc('2026-01-10T13:00:00Z'));
    expect(berlin.parse('2026-01-10 14:00:00')).toBe(utc('2026-01-10T13:00:00Z'));
    expect(berlin.parse('2026-01-10T14:00:00Z')).toBe(utc('2026-01-10T14:00:00Z'));
    expect(berlin.parse('2026-02-31')).toBeNull();
    expect(berlin.day('2026-13-01')).toBeNull();
  });
});
