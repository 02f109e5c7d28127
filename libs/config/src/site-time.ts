import { DateTime } from 'luxon';

/**
 * The site's clock: local days, months and hours of day in the site's IANA zone (SITE_TIMEZONE),
 * as epoch-ms boundaries the history queries can use. Zone arithmetic is luxon's (IANA rules
 * through Intl), so a local day on a DST change is 23 or 25 hours long.
 */
export class SiteClock {
  constructor(readonly zone: string) {}

  private at(ms: number): DateTime {
    return DateTime.fromMillis(ms, { zone: this.zone });
  }

  /** The start of the local day holding `ms`. */
  dayStart(ms: number): number {
    return this.at(ms).startOf('day').toMillis();
  }

  /** The start of the local day `days` after the one starting at `dayStartMs` (negative: before). */
  addDays(dayStartMs: number, days: number): number {
    return this.at(dayStartMs).plus({ days }).startOf('day').toMillis();
  }

  /** The start of the local month holding `ms`. */
  monthStart(ms: number): number {
    return this.at(ms).startOf('month').toMillis();
  }

  /** The start of the local month `months` after the one holding `ms`. */
  addMonths(ms: number, months: number): number {
    return this.at(ms).startOf('month').plus({ months }).toMillis();
  }

  /** Monday 00:00 (local) of the week holding `ms`. */
  weekStart(ms: number): number {
    return this.at(ms).startOf('week').toMillis();
  }

  /** The instant of wall-clock hour `hour` (0-23) on the local day starting at `dayStartMs`. */
  atLocalHour(dayStartMs: number, hour: number): number {
    return this.at(dayStartMs).set({ hour, minute: 0, second: 0, millisecond: 0 }).toMillis();
  }

  /** Day boundaries from local day `fromDay` for `days` days: days + 1 instants. */
  dayEdges(fromDay: number, days: number): number[] {
    return Array.from({ length: days + 1 }, (_, i) => this.addDays(fromDay, i));
  }

  /** The hours of the local day starting at `dayStartMs`: 24, or 23 / 25 on a DST change (starts and the end). */
  hourEdges(dayStartMs: number): number[] {
    const end = this.addDays(dayStartMs, 1);
    const edges: number[] = [];
    // Hours are real (60-minute) hours counted from local midnight: a skipped or repeated hour
    // shortens or lengthens the day, it does not stretch an hour.
    for (let t = dayStartMs; t < end; t += 3_600_000) edges.push(t);
    edges.push(end);
    return edges;
  }

  /** The local date of `ms`, YYYY-MM-DD. */
  date(ms: number): string {
    return this.at(ms).toFormat('yyyy-MM-dd');
  }

  /** The local wall-clock time of `ms`, YYYY-MM-DDTHH:mm:ss (no zone suffix). */
  localTime(ms: number): string {
    return this.at(ms).toFormat("yyyy-MM-dd'T'HH:mm:ss");
  }

  /** The local time of `ms` with its offset, e.g. 2026-03-29T03:00:00+02:00. */
  isoWithOffset(ms: number): string {
    return this.at(ms).toISO({ suppressMilliseconds: true }) ?? new Date(ms).toISOString();
  }

  /** The local hour of day of `ms`, with minutes as a fraction (0 ≤ h < 24). */
  hourOfDay(ms: number): number {
    const t = this.at(ms);
    return t.hour + t.minute / 60;
  }

  /** The local weekday of `ms`: 1 Monday … 7 Sunday. */
  weekday(ms: number): number {
    return this.at(ms).weekday;
  }

  /**
   * A wall-clock time in the site's zone (`2026-03-29`, `2026-03-29T14:00[:00]`, or with a space)
   * as epoch ms; a text with `Z` or an offset is that instant. Null for an impossible date.
   */
  parse(text: string): number | null {
    const iso = text.trim().replace(' ', 'T');
    const t = DateTime.fromISO(iso, { zone: this.zone, setZone: false });
    if (!t.isValid) return null;
    return t.toMillis();
  }

  /** The local day a YYYY-MM-DD names: its start and end (epoch ms), or null for an impossible date. */
  day(date: string): { start: number; end: number } | null {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return null;
    const start = this.parse(date);
    return start === null ? null : { start, end: this.addDays(start, 1) };
  }
}
