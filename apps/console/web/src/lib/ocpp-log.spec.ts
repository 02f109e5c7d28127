import { logLines, parseFrame, profilesFromLog, type LogEntry, profilesFromCsms } from './ocpp-log';

let n = 0;
const at = () => `2026-12-04T06:00:${String(n++ % 60).padStart(2, '0')}.000Z`;
const out = (frame: unknown[]): LogEntry => ({ timestamp: at(), direction: 'out', message: JSON.stringify(frame) });
const inn = (frame: unknown[]): LogEntry => ({ timestamp: at(), direction: 'in', message: JSON.stringify(frame) });

const setProfile = (msgId: string, profileId: number, over: Record<string, unknown> = {}, connectorId = 1) =>
  out([
    2,
    msgId,
    'SetChargingProfile',
    {
      connectorId,
      csChargingProfiles: {
        chargingProfileId: profileId,
        stackLevel: 0,
        chargingProfilePurpose: 'TxDefaultProfile',
        chargingProfileKind: 'Absolute',
        chargingSchedule: { chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 7_400 }] },
        ...over,
      },
    },
  ]);
const ok = (msgId: string) => inn([3, msgId, { status: 'Accepted' }]);

describe('the OCPP log', () => {
  it('reads calls, results and errors, naming a result after its call, newest first', () => {
    const lines = logLines([
      inn([2, 'a', 'Heartbeat', {}]),
      out([3, 'a', { currentTime: 'x' }]),
      out([2, 'b', 'Reset', { type: 'Soft' }]),
      inn([4, 'b', 'NotSupported', 'no reset here', {}]),
      { timestamp: at(), direction: 'in', message: 'garbage' },
    ]);
    expect(lines.map((l) => [l.kind, l.action])).toEqual([
      ['unreadable', null],
      ['error', 'Reset'],
      ['call', 'Reset'],
      ['result', 'Heartbeat'],
      ['call', 'Heartbeat'],
    ]);
    expect(lines[1].payload).toBe('NotSupported: no reset here');
    expect(parseFrame('[9,"x"]')).toEqual({ kind: 'unreadable' });
  });
});

describe('the profiles the log shows installed', () => {
  it('keeps those the charger accepted, not those it rejected or has not answered', () => {
    const profiles = profilesFromLog([
      setProfile('m1', 101),
      ok('m1'),
      setProfile('m2', 102, { stackLevel: 1 }),
      inn([3, 'm2', { status: 'Rejected' }]),
      setProfile('m3', 103, { stackLevel: 2 }),
    ]);
    expect(profiles.map((p) => p.profileId)).toEqual([101]);
    expect(profiles[0]).toMatchObject({ connectorId: 1, purpose: 'TxDefaultProfile', unit: 'W' });
    expect(profiles[0].periods).toEqual([{ startPeriod: 0, limit: 7_400 }]);
  });

  it('replaces a profile with the same id, or the same connector, purpose and stack level', () => {
    const profiles = profilesFromLog([
      setProfile('m1', 101),
      ok('m1'),
      setProfile('m2', 102),
      ok('m2'),
      setProfile('m3', 102, { stackLevel: 3 }),
      ok('m3'),
    ]);
    expect(profiles.map((p) => [p.profileId, p.stackLevel])).toEqual([[102, 3]]);
  });

  it('removes what an accepted clear names, and a TxProfile when its transaction stops', () => {
    const base = [
      setProfile('m1', 101),
      ok('m1'),
      setProfile('m2', 900_001, { chargingProfilePurpose: 'TxProfile', stackLevel: 8, transactionId: 7 }),
      ok('m2'),
      setProfile('m3', 200, { chargingProfilePurpose: 'ChargePointMaxProfile' }, 0),
      ok('m3'),
    ];
    expect(profilesFromLog(base).map((p) => p.profileId)).toEqual([200, 101, 900_001]);
    expect(
      profilesFromLog([...base, out([2, 'c1', 'ClearChargingProfile', { id: 101 }]), ok('c1')]).map((p) => p.profileId),
    ).toEqual([200, 900_001]);
    expect(
      profilesFromLog([
        ...base,
        out([2, 'c2', 'ClearChargingProfile', { chargingProfilePurpose: 'TxDefaultProfile' }]),
        inn([3, 'c2', { status: 'Unknown' }]),
      ]),
    ).toHaveLength(3);
    expect(profilesFromLog([...base, out([2, 'c3', 'ClearChargingProfile', {}]), ok('c3')])).toEqual([]);
    expect(
      profilesFromLog([...base, inn([2, 's1', 'StopTransaction', { transactionId: 7, meterStop: 10 }])]).map(
        (p) => p.profileId,
      ),
    ).toEqual([200, 101]);
  });
});

describe('profiles as ocpp-csms lists them', () => {
  it('reads each stored profile into the row the page shows', () => {
    const rows = profilesFromCsms({
      station_id: 'CP-1',
      profiles: [
        {
          connector_id: 1,
          charging_profile_id: 900001,
          purpose: 'TxProfile',
          stack_level: 8,
          transaction_id: 7,
          sent_at: '2026-12-04T10:00:00.000Z',
          profile: {
            chargingProfileId: 900001,
            transactionId: 7,
            stackLevel: 8,
            chargingProfilePurpose: 'TxProfile',
            chargingProfileKind: 'Absolute',
            chargingSchedule: { chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 7000 }] },
          },
        },
      ],
    });
    expect(rows).toEqual([
      {
        profileId: 900001,
        connectorId: 1,
        purpose: 'TxProfile',
        stackLevel: 8,
        kind: 'Absolute',
        transactionId: 7,
        unit: 'W',
        periods: [{ startPeriod: 0, limit: 7000 }],
        acceptedAt: '2026-12-04T10:00:00.000Z',
      },
    ]);
  });
});
