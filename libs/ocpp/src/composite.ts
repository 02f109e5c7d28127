import { isoSeconds } from '@lib/contracts';
import type { ChargingProfile, ChargingSchedulePeriod, InstalledProfile } from './profiles';
import { ChargingRateUnit, DEFAULT_NUMBER_PHASES, convertLimit, toOcppLimit } from './units';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

export interface ActiveTransaction {
  transactionId: number;
  startedAt: Date;
}

export interface CompositeRequest {
  connectorId: number;
  start: Date;
  durationS: number;
  unit: ChargingRateUnit;
  /** Transactions running now, by connector: TxProfiles apply only to these; Relative profiles start with them. */
  transactions?: ReadonlyMap<number, ActiveTransaction>;
  /** The station's connectors (for connector 0, whose schedule is the sum over them). */
  connectorIds?: readonly number[];
  /** What the station can do without any profile, in `unit`; used where no profile limits. */
  maxLimit: number;
}

export interface CompositeSchedule {
  connectorId: number;
  scheduleStart: string;
  duration: number;
  chargingRateUnit: ChargingRateUnit;
  chargingSchedulePeriod: ChargingSchedulePeriod[];
}

const ms = (iso: string | undefined): number | null => (iso === undefined ? null : Date.parse(iso));

/** When the schedule of `profile` that covers instant `t` started, or null if none does. */
function scheduleStartAt(
  profile: ChargingProfile,
  t: number,
  tx: ActiveTransaction | undefined,
  requestStart: number,
): number | null {
  const base = ms(profile.chargingSchedule.startSchedule) ?? ms(profile.validFrom);
  switch (profile.chargingProfileKind) {
    case 'Absolute':
      return base ?? requestStart;
    case 'Relative':
      return tx ? tx.startedAt.getTime() : requestStart;
    case 'Recurring': {
      const period = profile.recurrencyKind === 'Weekly' ? WEEK_MS : DAY_MS;
      const origin = base ?? 0;
      return origin + Math.floor((t - origin) / period) * period;
    }
  }
}

/** The limit `profile` sets at instant `t`, converted to `unit`, or null when it is not in force. */
export function profileLimitAt(
  profile: ChargingProfile,
  t: number,
  unit: ChargingRateUnit,
  tx: ActiveTransaction | undefined,
  requestStart: number,
): number | null {
  const validFrom = ms(profile.validFrom);
  const validTo = ms(profile.validTo);
  if ((validFrom !== null && t < validFrom) || (validTo !== null && t >= validTo)) return null;
  const start = scheduleStartAt(profile, t, tx, requestStart);
  if (start === null || t < start) return null;
  const offsetS = (t - start) / 1000;
  const { duration, chargingSchedulePeriod: periods, chargingRateUnit } = profile.chargingSchedule;
  if (duration !== undefined && offsetS >= duration) return null;
  let current: ChargingSchedulePeriod | undefined;
  for (const period of periods) if (period.startPeriod <= offsetS) current = period;
  if (!current) return null;
  return convertLimit(current.limit, chargingRateUnit, unit, current.numberPhases ?? DEFAULT_NUMBER_PHASES);
}

/** Instants inside (from, to) where some profile may change its limit. */
function breakpoints(
  installed: readonly InstalledProfile[],
  from: number,
  to: number,
  request: CompositeRequest,
): number[] {
  const points = new Set<number>([from]);
  const add = (t: number | null): void => {
    if (t !== null && t > from && t < to) points.add(t);
  };
  for (const { connectorId, profile } of installed) {
    add(ms(profile.validFrom));
    add(ms(profile.validTo));
    const tx = request.transactions?.get(connectorId === 0 ? request.connectorId : connectorId);
    const starts: number[] = [];
    if (profile.chargingProfileKind === 'Recurring') {
      const period = profile.recurrencyKind === 'Weekly' ? WEEK_MS : DAY_MS;
      for (let s = scheduleStartAt(profile, from, tx, from) ?? from; s < to; s += period) starts.push(s);
    } else {
      starts.push(scheduleStartAt(profile, from, tx, from) ?? from);
    }
    for (const s of starts) {
      for (const p of profile.chargingSchedule.chargingSchedulePeriod) add(s + p.startPeriod * 1000);
      if (profile.chargingSchedule.duration !== undefined) add(s + profile.chargingSchedule.duration * 1000);
    }
  }
  return [...points].sort((a, b) => a - b);
}

/** Highest stack level in force at `t` among `candidates`; ties go to the connector-specific profile. */
function winner(
  candidates: readonly InstalledProfile[],
  t: number,
  unit: ChargingRateUnit,
  tx: ActiveTransaction | undefined,
  requestStart: number,
): number | null {
  let best: { level: number; specific: boolean; limit: number } | null = null;
  for (const { connectorId, profile } of candidates) {
    const limit = profileLimitAt(profile, t, unit, tx, requestStart);
    if (limit === null) continue;
    const specific = connectorId !== 0;
    if (!best || profile.stackLevel > best.level || (profile.stackLevel === best.level && specific && !best.specific)) {
      best = { level: profile.stackLevel, specific, limit };
    }
  }
  return best?.limit ?? null;
}

/** The transaction-level limit of one connector: TxProfile where one is in force, else TxDefaultProfile. */
function connectorLimit(
  installed: readonly InstalledProfile[],
  connectorId: number,
  t: number,
  request: CompositeRequest,
): number | null {
  const tx = request.transactions?.get(connectorId);
  const start = request.start.getTime();
  const txProfiles = tx
    ? installed.filter(
        (p) =>
          p.connectorId === connectorId &&
          p.profile.chargingProfilePurpose === 'TxProfile' &&
          (p.profile.transactionId === undefined || p.profile.transactionId === tx.transactionId),
      )
    : [];
  const txLimit = winner(txProfiles, t, request.unit, tx, start);
  if (txLimit !== null) return txLimit;
  const defaults = installed.filter(
    (p) =>
      (p.connectorId === connectorId || p.connectorId === 0) && p.profile.chargingProfilePurpose === 'TxDefaultProfile',
  );
  return winner(defaults, t, request.unit, tx, start);
}

const minOf = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.min(a, b));

/**
 * The OCPP 1.6 composite schedule: per purpose the highest stack level in force at each instant;
 * TxProfile overrides TxDefaultProfile; the result is capped by ChargePointMaxProfile. For
 * connector 0 it is the sum over the station's connectors, capped by ChargePointMaxProfile.
 * Where nothing limits, the station's `maxLimit` applies. Limits are on the 0.1 grid of OCPP.
 */
export function compositeSchedule(
  installed: readonly InstalledProfile[],
  request: CompositeRequest,
): CompositeSchedule {
  const from = request.start.getTime();
  const to = from + request.durationS * 1000;
  const maxProfiles = installed.filter(
    (p) => p.connectorId === 0 && p.profile.chargingProfilePurpose === 'ChargePointMaxProfile',
  );
  const connectors = request.connectorId === 0 ? (request.connectorIds ?? []) : [request.connectorId];
  const periods: ChargingSchedulePeriod[] = [];
  for (const t of breakpoints(installed, from, to, request)) {
    let txLevel: number | null;
    if (request.connectorId === 0) {
      const perConnector = connectors.map((c) => connectorLimit(installed, c, t, request) ?? request.maxLimit);
      txLevel = perConnector.length > 0 ? perConnector.reduce((a, b) => a + b, 0) : null;
    } else {
      txLevel = connectorLimit(installed, request.connectorId, t, request);
    }
    const cap = winner(maxProfiles, t, request.unit, request.transactions?.get(request.connectorId), from);
    const limit = toOcppLimit(Math.min(request.maxLimit, minOf(txLevel, cap) ?? request.maxLimit));
    if (periods.length === 0 || periods[periods.length - 1].limit !== limit) {
      periods.push({ startPeriod: Math.round((t - from) / 1000), limit });
    }
  }
  return {
    connectorId: request.connectorId,
    scheduleStart: isoSeconds(request.start),
    duration: request.durationS,
    chargingRateUnit: request.unit,
    chargingSchedulePeriod: periods,
  };
}

/** A composite schedule as the GetCompositeSchedule.conf of a charge point carries it. */
export function getCompositeScheduleConf(schedule: CompositeSchedule): Record<string, unknown> {
  return {
    status: 'Accepted',
    connectorId: schedule.connectorId,
    scheduleStart: schedule.scheduleStart,
    chargingSchedule: {
      duration: schedule.duration,
      startSchedule: schedule.scheduleStart,
      chargingRateUnit: schedule.chargingRateUnit,
      chargingSchedulePeriod: schedule.chargingSchedulePeriod,
    },
  };
}
