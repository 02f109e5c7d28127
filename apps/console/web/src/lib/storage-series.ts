/**
 * Data shaping for the storage page: solarhub-api's answers (times in UTC without an offset,
 * energy in kWh, fees in the site's currency) turned into bar-chart series, per-rack tables, alert
 * states and the schedule form's request.
 */

import type { SolarhubAnswer, SolarhubBody } from '../api/types';

// ---- solarhub-api answers (its OpenAPI document: src/api/generated/solarhub-api.ts) ----

/** GET /api/v1/analysis/power-io. */
export type PowerIo = SolarhubAnswer<'/api/v1/analysis/power-io'>;

/** GET /api/v1/schedule/income/daily: what the bars need of it. */
export type DailyIncome = Pick<SolarhubAnswer<'/api/v1/schedule/income/daily'>, 'date' | 'hourly_data'>;

/** GET /api/v1/schedule/income/monthly: what the bars need of it. */
export type MonthlyIncome = Pick<SolarhubAnswer<'/api/v1/schedule/income/monthly'>, 'month' | 'daily_data'>;

/** GET /api/v1/bess/alert/rack/{rack_number}. */
export type RackAlerts = SolarhubAnswer<'/api/v1/bess/alert/rack/{rack_number}'>;

// ---- times ----

/** solarhub-api's times are UTC without an offset ("2026-12-04T05:52:27"): epoch ms. */
export function utcMs(time: string): number {
  const hasZone = /(Z|[+-]\d\d:?\d\d)$/.test(time);
  const iso = time.includes('T') ? time : time.replace(' ', 'T');
  return Date.parse(hasZone ? iso : `${iso.length === 10 ? `${iso}T00:00:00` : iso}Z`);
}

/** Today's date (YYYY-MM-DD) in UTC, the API's day. */
export function utcDate(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}

/** Number of days in a month given as YYYY-MM. */
export function daysInMonth(month: string): number {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

// ---- bar-chart series ----

export interface Bucket {
  /** The bucket's start (epoch ms, UTC). */
  at: number;
  /** Its short label on the axis ("14", "03"). */
  label: string;
}

export interface BarSeries {
  label: string;
  /** A CSS variable (`--c-battery`). */
  color: string;
  values: number[];
}

export interface BarData {
  buckets: Bucket[];
  series: BarSeries[];
}

const hourLabel = (ms: number, timezone?: string): string =>
  new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hour12: false, timeZone: timezone ?? 'UTC' }).format(ms);
const dayLabel = (ms: number): string => String(new Date(ms).getUTCDate()).padStart(2, '0');

/** Charge and discharge energy (kWh) per hour of a day or per day of a month. */
export function energyBars(io: PowerIo, timezone?: string): BarData {
  const points = [...io.data].sort((a, b) => utcMs(a.time) - utcMs(b.time));
  const buckets = points.map((p) => {
    const at = utcMs(p.time);
    return { at, label: io.data_type === 'daily' ? hourLabel(at, timezone) : dayLabel(at) };
  });
  return {
    buckets,
    series: [
      { label: 'Charge', color: '--c-load', values: points.map((p) => p.charge_energy) },
      { label: 'Discharge', color: '--c-battery', values: points.map((p) => p.discharge_energy) },
    ],
  };
}

/** Capacity and efficiency fees per hour of a day. */
export function dailyIncomeBars(income: DailyIncome, timezone?: string): BarData {
  const dayStart = utcMs(income.date);
  const hours = [...income.hourly_data].sort((a, b) => a.hour - b.hour);
  return {
    buckets: hours.map((h) => {
      const at = h.time ? utcMs(h.time) : dayStart + h.hour * 3_600_000;
      return { at, label: hourLabel(at, timezone) };
    }),
    series: [
      { label: 'Capacity fee', color: '--c-pv', values: hours.map((h) => h.capacity_fee) },
      { label: 'Efficiency fee', color: '--c-grid', values: hours.map((h) => h.efficiency_fee) },
    ],
  };
}

/** Capacity and efficiency fees per day of a month. */
export function monthlyIncomeBars(income: MonthlyIncome): BarData {
  const days = [...income.daily_data].sort((a, b) => utcMs(a.date) - utcMs(b.date));
  return {
    buckets: days.map((d) => {
      const at = utcMs(d.date);
      return { at, label: dayLabel(at) };
    }),
    series: [
      { label: 'Capacity fee', color: '--c-pv', values: days.map((d) => d.capacity_fee) },
      { label: 'Efficiency fee', color: '--c-grid', values: days.map((d) => d.efficiency_fee) },
    ],
  };
}

/** Sum of every series in every bucket. */
export function total(data: BarData, series?: string): number {
  return data.series
    .filter((s) => series === undefined || s.label === series)
    .reduce((sum, s) => sum + s.values.reduce((a, v) => a + (Number.isFinite(v) ? v : 0), 0), 0);
}

/** Money on an axis: €10K, €2.5K, €0 (the bars' own figures keep two decimals). */
export function formatMoneyCompact(value: number, currency = 'EUR'): string {
  if (!Number.isFinite(value)) return '—';
  return new Intl.NumberFormat('en', {
    style: 'currency',
    currency,
    notation: 'compact',
    maximumSignificantDigits: 3,
  }).format(value);
}

/** A y-axis top and ticks that read well: 0, 250, 500, 750, 1000 rather than 0…937. */
export function niceScale(max: number, ticks = 4): { top: number; step: number } {
  if (!Number.isFinite(max) || max <= 0) return { top: 1, step: 0.25 };
  const rough = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? 10 * magnitude;
  return { top: step * Math.ceil(max / step - 1e-9), step };
}

/** The largest bucket (stacked: the sum of its series). */
export function maxStacked(data: BarData): number {
  return data.buckets.reduce((best, _b, i) => {
    const sum = data.series.reduce((s, series) => s + Math.max(0, series.values[i] ?? 0), 0);
    return Math.max(best, sum);
  }, 0);
}

// ---- BESS racks and alerts ----

export type AlertTone = 'ok' | 'bad' | 'warn' | 'idle';

/** The API's alarm words (the document's Chinese terms) in English with a tone. */
export function alertState(value: string | undefined): { text: string; tone: AlertTone } {
  switch (value) {
    case '正常':
      return { text: 'Normal', tone: 'ok' };
    case '異常':
    case '异常':
      return { text: 'Alarm', tone: 'bad' };
    case '通訊中斷':
    case '通讯中断':
      return { text: 'No communication', tone: 'warn' };
    case undefined:
    case '':
    case '-':
      return { text: 'No data', tone: 'idle' };
    default:
      return { text: value, tone: 'warn' };
  }
}

export interface RackAlertRow {
  /** BESS unit number. */
  unit: number;
  protection: string | undefined;
  alarm: string | undefined;
  warning: string | undefined;
}

/** `battery_N_{protection,alarm,warning}` grouped per BESS unit N, in unit order. */
export function rackAlertRows(alerts: RackAlerts): RackAlertRow[] {
  const units = new Map<number, RackAlertRow>();
  for (const [key, value] of Object.entries(alerts.battery_alerts)) {
    const match = /^battery_(\d+)_(protection|alarm|warning)$/.exec(key);
    if (!match) continue;
    const unit = Number(match[1]);
    const row = units.get(unit) ?? { unit, protection: undefined, alarm: undefined, warning: undefined };
    row[match[2] as 'protection' | 'alarm' | 'warning'] = value;
    units.set(unit, row);
  }
  return [...units.values()].sort((a, b) => a.unit - b.unit);
}

/** The set bits of a 16-bit status word given as a binary string ("0000000000000101" → [0, 2]). */
export function setBits(word: string): number[] {
  if (!/^[01]+$/.test(word)) return [];
  const bits: number[] = [];
  for (let i = 0; i < word.length; i++) if (word[word.length - 1 - i] === '1') bits.push(i);
  return bits;
}

// ---- the schedule form ----

export const SCHEDULE_MODES = [
  'dreg',
  'edreg',
  'test_mode',
  'step',
  'scan',
  'full_power',
] as const satisfies readonly SolarhubBody<'/api/v1/schedule'>['mode'][];
export type ScheduleMode = (typeof SCHEDULE_MODES)[number];

export interface ScheduleForm {
  mode: ScheduleMode;
  /** `datetime-local` values, in the site's time zone. */
  start: string;
  end: string;
  isGet: boolean;
  interrupt: boolean;
  quoteCapacity: string;
  power: string;
  price: string;
  quotePrice: string;
  quoteCode: string;
  title: string;
  description: string;
}

type ScheduleBody = SolarhubBody<'/api/v1/schedule'>;
type ScheduleNumber = 'quote_capacity' | 'power' | 'price' | 'quote_price';

/**
 * POST /api/v1/schedule's body as the form sends it: a number left empty stays undefined (left
 * out of the JSON), so the API answers "Field required" for it.
 */
export type CreateScheduleEvent = Omit<ScheduleBody, ScheduleNumber> & {
  [K in ScheduleNumber]: ScheduleBody[K] | undefined;
};

/** The offset of `timezone` from UTC at `ms`, in ms (Europe/Lisbon in summer: +3 600 000). */
export function zoneOffsetMs(ms: number, timezone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(ms);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** A wall-clock time in `timezone` ("2026-12-04T14:00") as an ISO UTC instant, or null. */
export function zonedToIso(local: string, timezone = 'UTC'): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!m) return null;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0));
  // Two passes settle the offset across a DST change.
  let guess = wall - zoneOffsetMs(wall, timezone);
  guess = wall - zoneOffsetMs(guess, timezone);
  return new Date(guess).toISOString().replace('.000Z', 'Z');
}

/**
 * The form's values as the API's body: empty optional texts and empty numbers are left out, numbers
 * kept as typed otherwise (the API checks them and names the field in its 422).
 */
export function scheduleRequest(form: ScheduleForm, timezone = 'UTC'): CreateScheduleEvent {
  const num = (text: string): number | undefined => (text.trim() === '' ? undefined : Number(text));
  const body: CreateScheduleEvent = {
    mode: form.mode,
    time_start: zonedToIso(form.start, timezone) ?? form.start,
    time_end: zonedToIso(form.end, timezone) ?? form.end,
    is_get: form.isGet,
    interrupt: form.interrupt,
    quote_capacity: num(form.quoteCapacity),
    power: num(form.power),
    price: num(form.price),
    quote_price: num(form.quotePrice),
    title: form.title.trim(),
  };
  if (form.quoteCode.trim()) body.quote_code = form.quoteCode.trim();
  if (form.description.trim()) body.description = form.description.trim();
  return body;
}

// ---- grid frequency against battery power ----

/** GET /api/v1/analysis/freq-power. */
export type FreqPower = SolarhubAnswer<'/api/v1/analysis/freq-power'>;

/** The three `[epoch_ms, value]` lists aligned on one x axis (unix seconds), gaps as null. */
export function freqPowerSeries(answer: FreqPower): {
  x: number[];
  frequency: (number | null)[];
  baseline: (number | null)[];
  power: (number | null)[];
} {
  const lists = [answer.frequency_data, answer.baseline_data, answer.power_data];
  const times = [...new Set(lists.flatMap((l) => l.map(([t]) => t)))].sort((a, b) => a - b);
  const [frequency, baseline, power] = lists.map((list) => {
    const at = new Map(list.map(([t, v]) => [t, v]));
    return times.map((t) => at.get(t) ?? null);
  });
  return { x: times.map((t) => t / 1000), frequency, baseline, power };
}
