import { ActiveTransaction, CompositeRequest, compositeSchedule } from './composite';
import type { ChargingProfile, InstalledProfile } from './profiles';

const T0 = '2026-11-23T10:00:00Z';
const t0 = new Date(T0);
const iso = (offsetS: number): string => new Date(t0.getTime() + offsetS * 1000).toISOString();

function aProfile(
  overrides: Partial<ChargingProfile> & {
    periods?: [number, number][];
    unit?: 'A' | 'W';
    duration?: number;
    startSchedule?: string;
  } = {},
): ChargingProfile {
  const { periods = [[0, 11_000]], unit = 'W', duration, startSchedule = T0, ...rest } = overrides;
  return {
    chargingProfileId: 1,
    stackLevel: 0,
    chargingProfilePurpose: 'TxDefaultProfile',
    chargingProfileKind: 'Absolute',
    chargingSchedule: {
      chargingRateUnit: unit,
      startSchedule,
      ...(duration !== undefined ? { duration } : {}),
      chargingSchedulePeriod: periods.map(([startPeriod, limit]) => ({ startPeriod, limit })),
    },
    ...rest,
  };
}

const on = (connectorId: number, profile: ChargingProfile): InstalledProfile => ({ connectorId, profile });
const tx = (transactionId: number, startedAtOffsetS = 0): Map<number, ActiveTransaction> =>
  new Map([[1, { transactionId, startedAt: new Date(t0.getTime() + startedAtOffsetS * 1000) }]]);

function periods(installed: InstalledProfile[], request: Partial<CompositeRequest> = {}): [number, number][] {
  const schedule = compositeSchedule(installed, {
    connectorId: 1,
    start: t0,
    durationS: 3600,
    unit: 'W',
    maxLimit: 22_000,
    ...request,
  });
  return schedule.chargingSchedulePeriod.map((p) => [p.startPeriod, p.limit]);
}

describe('OCPP 1.6 composite schedule', () => {
  it.each<[string, InstalledProfile[], Partial<CompositeRequest>, [number, number][]]>([
    ['no profile: the station maximum', [], {}, [[0, 22_000]]],
    ['one TxDefaultProfile', [on(1, aProfile())], {}, [[0, 11_000]]],
    [
      'periods of one schedule',
      [
        on(
          1,
          aProfile({
            periods: [
              [0, 11_000],
              [600, 7_000],
              [1800, 3_000],
            ],
          }),
        ),
      ],
      {},
      [
        [0, 11_000],
        [600, 7_000],
        [1800, 3_000],
      ],
    ],
    [
      'the highest stack level in force wins, the lower one returns when it ends',
      [
        on(1, aProfile({ periods: [[0, 11_000]] })),
        on(1, aProfile({ chargingProfileId: 2, stackLevel: 3, periods: [[0, 4_000]], duration: 900 })),
      ],
      {},
      [
        [0, 4_000],
        [900, 11_000],
      ],
    ],
    [
      'TxProfile overrides TxDefaultProfile during a transaction',
      [
        on(1, aProfile()),
        on(
          1,
          aProfile({
            chargingProfileId: 2,
            chargingProfilePurpose: 'TxProfile',
            transactionId: 7,
            periods: [[0, 5_000]],
          }),
        ),
      ],
      { transactions: tx(7) },
      [[0, 5_000]],
    ],
    [
      'a TxProfile is ignored without a transaction',
      [
        on(1, aProfile()),
        on(1, aProfile({ chargingProfileId: 2, chargingProfilePurpose: 'TxProfile', periods: [[0, 5_000]] })),
      ],
      {},
      [[0, 11_000]],
    ],
    [
      'a TxProfile for another transaction is ignored',
      [
        on(1, aProfile()),
        on(
          1,
          aProfile({
            chargingProfileId: 2,
            chargingProfilePurpose: 'TxProfile',
            transactionId: 8,
            periods: [[0, 5_000]],
          }),
        ),
      ],
      { transactions: tx(7) },
      [[0, 11_000]],
    ],
    [
      'ChargePointMaxProfile caps the result',
      [
        on(1, aProfile()),
        on(
          0,
          aProfile({
            chargingProfileId: 3,
            chargingProfilePurpose: 'ChargePointMaxProfile',
            periods: [
              [0, 9_000],
              [1200, 20_000],
            ],
          }),
        ),
      ],
      {},
      [
        [0, 9_000],
        [1200, 11_000],
      ],
    ],
    [
      'validFrom and validTo bound a profile',
      [on(1, aProfile({ validFrom: iso(600), validTo: iso(1200), startSchedule: iso(0) }))],
      {},
      [
        [0, 22_000],
        [600, 11_000],
        [1200, 22_000],
      ],
    ],
    [
      'Relative starts with the transaction',
      [
        on(
          1,
          aProfile({
            chargingProfileKind: 'Relative',
            startSchedule: undefined,
            periods: [
              [0, 6_000],
              [300, 9_000],
            ],
          }),
        ),
      ],
      { transactions: tx(7, -200) },
      [
        [0, 6_000],
        [100, 9_000],
      ],
    ],
    [
      'a connector-specific TxDefaultProfile beats connector 0 at the same stack level',
      [on(0, aProfile({ periods: [[0, 11_000]] })), on(1, aProfile({ chargingProfileId: 2, periods: [[0, 7_400]] }))],
      {},
      [[0, 7_400]],
    ],
    [
      'a TxDefaultProfile on connector 0 applies to every connector',
      [on(0, aProfile({ periods: [[0, 7_400]] }))],
      {},
      [[0, 7_400]],
    ],
  ])('%s', (_name, installed, request, expected) => {
    expect(periods(installed, request)).toEqual(expected);
  });

  describe('Recurring', () => {
    const timeOfUse = (kind: 'Daily' | 'Weekly'): InstalledProfile =>
      on(
        1,
        aProfile({
          chargingProfileKind: 'Recurring',
          recurrencyKind: kind,
          startSchedule: '2026-11-16T00:00:00Z',
          duration: kind === 'Daily' ? 86_400 : 604_800,
          periods: [
            [0, 11_000],
            [17 * 3600, 3_000],
            [21 * 3600, 11_000],
          ],
        }),
      );

    it('Daily repeats every day: peak from 17:00 to 21:00', () => {
      expect(periods([timeOfUse('Daily')], { durationS: 86_400 })).toEqual([
        [0, 11_000],
        [7 * 3600, 3_000],
        [11 * 3600, 11_000],
      ]);
    });

    it('Weekly repeats from the same weekday: only Monday has the peak', () => {
      // t0 is Monday 2026-11-23 10:00 UTC; the weekly schedule started Monday 2026-11-16.
      expect(periods([timeOfUse('Weekly')], { durationS: 2 * 86_400 })).toEqual([
        [0, 11_000],
        [7 * 3600, 3_000],
        [11 * 3600, 11_000],
      ]);
    });
  });

  describe('units', () => {
    it.each<[string, 'A' | 'W', number, number | undefined, 'A' | 'W', number]>([
      ['16 A on 3 phases in W', 'A', 16, 3, 'W', 11_040],
      ['16 A on 1 phase in W', 'A', 16, 1, 'W', 3_680],
      ['11,040 W in A (3 phases by default)', 'W', 11_040, undefined, 'A', 16],
      ['limits round down to the 0.1 grid', 'W', 11_500, undefined, 'A', 16.6],
    ])('%s', (_name, unit, limit, numberPhases, requested, expected) => {
      const profile = aProfile({ unit, periods: [[0, limit]] });
      if (numberPhases !== undefined) profile.chargingSchedule.chargingSchedulePeriod[0].numberPhases = numberPhases;
      expect(periods([on(1, profile)], { unit: requested, maxLimit: 1_000_000 })).toEqual([[0, expected]]);
    });
  });

  describe('connector 0', () => {
    const both = [
      on(1, aProfile({ periods: [[0, 7_400]] })),
      on(2, aProfile({ chargingProfileId: 2, periods: [[0, 7_400]] })),
    ];

    it('sums the connectors', () => {
      expect(periods(both, { connectorId: 0, connectorIds: [1, 2], maxLimit: 44_000 })).toEqual([[0, 14_800]]);
    });

    it('caps the sum with ChargePointMaxProfile', () => {
      const cap = on(
        0,
        aProfile({ chargingProfileId: 3, chargingProfilePurpose: 'ChargePointMaxProfile', periods: [[0, 11_000]] }),
      );
      expect(periods([...both, cap], { connectorId: 0, connectorIds: [1, 2], maxLimit: 44_000 })).toEqual([
        [0, 11_000],
      ]);
    });
  });

  it('reports the schedule start, duration and unit it was asked for', () => {
    const schedule = compositeSchedule([], { connectorId: 1, start: t0, durationS: 600, unit: 'A', maxLimit: 32 });
    expect(schedule).toEqual({
      connectorId: 1,
      scheduleStart: T0,
      duration: 600,
      chargingRateUnit: 'A',
      chargingSchedulePeriod: [{ startPeriod: 0, limit: 32 }],
    });
  });
});
