import type { ChargingProfile, InstalledProfile } from './profiles';
import { clearProfiles, endTransactionProfiles, installProfile } from './installed';

const p = (
  id: number,
  purpose: ChargingProfile['chargingProfilePurpose'],
  stackLevel = 0,
  transactionId?: number,
): ChargingProfile => ({
  chargingProfileId: id,
  stackLevel,
  chargingProfilePurpose: purpose,
  chargingProfileKind: 'Absolute',
  ...(transactionId !== undefined && { transactionId }),
  chargingSchedule: { chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 1000 * id }] },
});
const ids = (list: InstalledProfile[]): number[] => list.map((x) => x.profile.chargingProfileId).sort((a, b) => a - b);

describe('profiles installed on a charge point', () => {
  it('a profile replaces one with the same id, or the same purpose and stack level on the connector', () => {
    const list: InstalledProfile[] = [];
    installProfile(list, 1, p(1, 'TxDefaultProfile', 0));
    installProfile(list, 1, p(2, 'TxDefaultProfile', 1));
    installProfile(list, 2, p(3, 'TxDefaultProfile', 0));
    installProfile(list, 1, p(4, 'TxDefaultProfile', 0));
    expect(ids(list)).toEqual([2, 3, 4]);
    installProfile(list, 0, p(2, 'ChargePointMaxProfile', 0));
    expect(ids(list)).toEqual([2, 3, 4]);
    expect(list.find((x) => x.profile.chargingProfileId === 2)?.connectorId).toBe(0);
  });

  it.each([
    [{}, []],
    [{ id: 2 }, [1, 3]],
    [{ connectorId: 1 }, [3]],
    [{ chargingProfilePurpose: 'TxDefaultProfile', stackLevel: 1 }, [1, 3]],
    [{ id: 9 }, [1, 2, 3]],
  ])('ClearChargingProfile %p leaves %p', (filter, left) => {
    const list: InstalledProfile[] = [];
    installProfile(list, 1, p(1, 'TxDefaultProfile', 0));
    installProfile(list, 1, p(2, 'TxDefaultProfile', 1));
    installProfile(list, 0, p(3, 'ChargePointMaxProfile', 0));
    const removed = clearProfiles(list, filter);
    expect(ids(list)).toEqual(left);
    expect(removed).toBe(3 - left.length);
  });

  it('drops the TxProfiles of a transaction when it ends', () => {
    const list: InstalledProfile[] = [];
    installProfile(list, 1, p(1, 'TxProfile', 0, 7));
    installProfile(list, 1, p(2, 'TxDefaultProfile', 0));
    endTransactionProfiles(list, 7);
    expect(ids(list)).toEqual([2]);
  });
});
