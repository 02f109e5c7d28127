import { energyCapProfile, peakShavingProfile, siteLimitProfile, timeOfUseProfile } from './builders';

describe('test profile builders', () => {
  it('peak_shaving: ChargePointMaxProfile at max_power_w', () => {
    expect(peakShavingProfile(1, 11_000)).toMatchObject({
      chargingProfilePurpose: 'ChargePointMaxProfile',
      chargingProfileKind: 'Absolute',
      chargingSchedule: { chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 11_000 }] },
    });
  });

  it('time_of_use: TxDefaultProfile, Recurring Daily, peak inside [start, end)', () => {
    const p = timeOfUseProfile(2, { offPeakW: 11_000, peakW: 7_000, peakStartHour: 9, peakEndHour: 17 });
    expect(p).toMatchObject({
      chargingProfilePurpose: 'TxDefaultProfile',
      chargingProfileKind: 'Recurring',
      recurrencyKind: 'Daily',
    });
    expect(p.chargingSchedule.chargingSchedulePeriod).toEqual([
      { startPeriod: 0, limit: 11_000 },
      { startPeriod: 9 * 3600, limit: 7_000 },
      { startPeriod: 17 * 3600, limit: 11_000 },
    ]);
  });

  it('time_of_use: a peak from midnight starts with the peak limit', () => {
    const p = timeOfUseProfile(2, { offPeakW: 11_000, peakW: 7_000, peakStartHour: 0, peakEndHour: 6 });
    expect(p.chargingSchedule.chargingSchedulePeriod).toEqual([
      { startPeriod: 0, limit: 7_000 },
      { startPeriod: 6 * 3600, limit: 11_000 },
    ]);
  });

  it('time_of_use: a peak across midnight (22 → 6) wraps', () => {
    const p = timeOfUseProfile(2, { offPeakW: 11_000, peakW: 7_000, peakStartHour: 22, peakEndHour: 6 });
    expect(p.chargingSchedule.chargingSchedulePeriod).toEqual([
      { startPeriod: 0, limit: 7_000 },
      { startPeriod: 6 * 3600, limit: 11_000 },
      { startPeriod: 22 * 3600, limit: 7_000 },
    ]);
  });

  it.each([
    [25_000, 7200, 11_000, 11_000],
    [10_000, 7200, 11_000, 5_000],
    [1_000, 3000, 22_000, 1_200],
  ])('energy_cap: %d Wh over %d s under %d W -> limit %d W', (maxEnergyWh, durationS, powerLimitW, limit) => {
    const p = energyCapProfile(3, { transactionId: 5678, maxEnergyWh, durationS, powerLimitW });
    expect(p).toMatchObject({
      chargingProfilePurpose: 'TxProfile',
      transactionId: 5678,
      chargingSchedule: { duration: durationS },
    });
    expect(p.chargingSchedule.chargingSchedulePeriod[0].limit).toBe(limit);
  });

  it.each([
    ['TxProfile', { transactionId: 42 }],
    ['TxDefaultProfile', {}],
    ['ChargePointMaxProfile', {}],
  ] as const)('site limit as %s: Absolute, in W, a multiple of 0.1, from a second ago', (purpose, extra) => {
    const now = new Date('2026-01-01T12:00:00Z');
    const p = siteLimitProfile({
      profileId: 900_001,
      stackLevel: 8,
      purpose,
      limitW: 3_333.333,
      transactionId: 42,
      now,
    });
    expect(p).toEqual({
      chargingProfileId: 900_001,
      ...extra,
      stackLevel: 8,
      chargingProfilePurpose: purpose,
      chargingProfileKind: 'Absolute',
      chargingSchedule: {
        chargingRateUnit: 'W',
        startSchedule: '2026-01-01T11:59:59.000Z',
        chargingSchedulePeriod: [{ startPeriod: 0, limit: 3_333.3 }],
      },
    });
  });
});
