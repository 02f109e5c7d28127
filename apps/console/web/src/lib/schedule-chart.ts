/**
 * A composite schedule (OCPP 1.6 GetCompositeSchedule, as ocpp-csms answers it) as chart data:
 * x in unix seconds, one limit (W) per x, drawn stepped (each value holds until the next x), and
 * the limit in force now.
 */
import type { CsmsSchema } from '../api/types';

type CompositeSchedule = CsmsSchema<'CompositeScheduleDto'>;

/** One period of a schedule (ChargingSchedulePeriodDto). */
export type SchedulePeriod = CsmsSchema<'ChargingSchedulePeriodDto'>;

/**
 * `schedule` of GET /stations/{id}/composite_schedule (station or csms source), read leniently: a
 * station's own answer may leave out the start or the unit.
 */
export type CompositeScheduleBody = Pick<CompositeSchedule, 'chargingSchedulePeriod'> &
  Partial<Pick<CompositeSchedule, 'connectorId' | 'scheduleStart' | 'startSchedule' | 'duration' | 'chargingRateUnit'>>;

export interface ScheduleChart {
  /** Unix seconds: each period's start, then the schedule's end. */
  x: number[];
  /** The limit in W at each x (the last repeats the final period so its step is drawn). */
  limitW: (number | null)[];
  /** The limit in force at `now` (W), or null when the schedule does not cover it. */
  currentW: number | null;
  start: number | null;
  end: number | null;
}

const NOMINAL_VOLTAGE_V = 230;
const DEFAULT_PHASES = 3;

/** A limit in W: amps are per phase, at 230 V, on the period's phases (three when it does not say). */
export function limitInWatts(period: SchedulePeriod, unit: 'W' | 'A' | undefined): number {
  return unit === 'A' ? period.limit * NOMINAL_VOLTAGE_V * (period.numberPhases ?? DEFAULT_PHASES) : period.limit;
}

const EMPTY: ScheduleChart = { x: [], limitW: [], currentW: null, start: null, end: null };

/**
 * Shapes the schedule for a stepped chart. `fallbackDurationS` is the duration asked for, used when
 * the answer does not carry one. Periods are sorted by start; a repeated start keeps the last.
 */
export function scheduleChart(
  schedule: CompositeScheduleBody | null | undefined,
  now: number = Date.now(),
  fallbackDurationS = 3_600,
): ScheduleChart {
  const periods = schedule?.chargingSchedulePeriod ?? [];
  const startIso = schedule?.scheduleStart ?? schedule?.startSchedule;
  const startMs = startIso ? Date.parse(startIso) : Number.NaN;
  if (!schedule || periods.length === 0 || Number.isNaN(startMs)) return EMPTY;
  const start = Math.floor(startMs / 1000);
  const duration = schedule.duration && schedule.duration > 0 ? schedule.duration : fallbackDurationS;
  const byStart = new Map<number, number>();
  for (const p of [...periods].sort((a, b) => a.startPeriod - b.startPeriod)) {
    if (p.startPeriod < duration) byStart.set(p.startPeriod, limitInWatts(p, schedule.chargingRateUnit));
  }
  const steps = [...byStart].sort((a, b) => a[0] - b[0]);
  if (steps.length === 0) return EMPTY;
  const end = start + duration;
  const x = [...steps.map(([s]) => start + s), end];
  const limitW = [...steps.map(([, w]) => w), steps[steps.length - 1][1]];
  const elapsed = now / 1000 - start;
  let currentW: number | null = null;
  if (elapsed < 0) currentW = steps[0][1];
  else if (elapsed < duration) {
    for (const [s, w] of steps) if (s <= elapsed) currentW = w;
  }
  return { x, limitW, currentW, start, end };
}
