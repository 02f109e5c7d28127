import type { ChargingProfile } from './profiles';
import { ChargingProfilePurpose, toOcppLimit } from './units';

/** Peak shaving: the whole station (connector 0) capped at `maxPowerW`. */
export function peakShavingProfile(profileId: number, maxPowerW: number): ChargingProfile {
  return {
    chargingProfileId: profileId,
    stackLevel: 0,
    chargingProfilePurpose: 'ChargePointMaxProfile',
    chargingProfileKind: 'Absolute',
    chargingSchedule: {
      chargingRateUnit: 'W',
      startSchedule: new Date().toISOString(),
      chargingSchedulePeriod: [{ startPeriod: 0, limit: toOcppLimit(maxPowerW) }],
    },
  };
}

/** Time of use: every day, `peakW` inside [peakStartHour, peakEndHour) UTC and `offPeakW` outside. */
export function timeOfUseProfile(
  profileId: number,
  opts: { offPeakW: number; peakW: number; peakStartHour: number; peakEndHour: number },
): ChargingProfile {
  const { offPeakW, peakW, peakStartHour, peakEndHour } = opts;
  const midnight = new Date();
  midnight.setUTCHours(0, 0, 0, 0);
  // A peak may wrap past midnight (22 → 6): then the day starts inside it.
  const wraps = peakStartHour > peakEndHour;
  const marks: [number, number][] = [
    [0, wraps ? peakW : offPeakW],
    [peakEndHour * 3600, offPeakW],
    [peakStartHour * 3600, peakW],
  ];
  // A later mark at the same instant wins (a peak starting at 0 replaces the off-peak start).
  const byStart = new Map<number, number>();
  for (const [startS, limitW] of marks) if (startS < 86_400) byStart.set(startS, limitW);
  const periods = [...byStart]
    .sort((a, b) => a[0] - b[0])
    .filter(([, limitW], i, all) => i === 0 || all[i - 1][1] !== limitW)
    .map(([startPeriod, limitW]) => ({ startPeriod, limit: toOcppLimit(limitW) }));
  return {
    chargingProfileId: profileId,
    stackLevel: 0,
    chargingProfilePurpose: 'TxDefaultProfile',
    chargingProfileKind: 'Recurring',
    recurrencyKind: 'Daily',
    chargingSchedule: {
      chargingRateUnit: 'W',
      duration: 86_400,
      startSchedule: midnight.toISOString(),
      chargingSchedulePeriod: periods,
    },
  };
}

/** Energy cap: a TxProfile that spreads at most `maxEnergyWh` over `durationS`, never above `powerLimitW`. */
export function energyCapProfile(
  profileId: number,
  opts: { transactionId: number; maxEnergyWh: number; durationS: number; powerLimitW: number },
): ChargingProfile {
  const limitW = Math.min(opts.powerLimitW, (opts.maxEnergyWh * 3600) / opts.durationS);
  return {
    chargingProfileId: profileId,
    transactionId: opts.transactionId,
    stackLevel: 0,
    chargingProfilePurpose: 'TxProfile',
    chargingProfileKind: 'Relative',
    chargingSchedule: {
      chargingRateUnit: 'W',
      duration: opts.durationS,
      chargingSchedulePeriod: [{ startPeriod: 0, limit: toOcppLimit(limitW) }],
    },
  };
}

/**
 * A site-limit cap: an Absolute profile at `limitW` from a second ago (so clocks a little ahead
 * still apply it at once). A TxProfile names its transaction; the others apply to the connector
 * (TxDefaultProfile) or the station (ChargePointMaxProfile, connector 0).
 */
export function siteLimitProfile(opts: {
  profileId: number;
  stackLevel: number;
  purpose: ChargingProfilePurpose;
  limitW: number;
  transactionId?: number;
  now?: Date;
}): ChargingProfile {
  const now = opts.now ?? new Date();
  return {
    chargingProfileId: opts.profileId,
    ...(opts.purpose === 'TxProfile' && opts.transactionId !== undefined && { transactionId: opts.transactionId }),
    stackLevel: opts.stackLevel,
    chargingProfilePurpose: opts.purpose,
    chargingProfileKind: 'Absolute',
    chargingSchedule: {
      chargingRateUnit: 'W',
      startSchedule: new Date(now.getTime() - 1000).toISOString(),
      chargingSchedulePeriod: [{ startPeriod: 0, limit: toOcppLimit(opts.limitW) }],
    },
  };
}
