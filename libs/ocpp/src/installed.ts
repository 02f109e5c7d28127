import type { ChargingProfile, InstalledProfile } from './profiles';

export interface ClearFilter {
  id?: number;
  connectorId?: number;
  chargingProfilePurpose?: string;
  stackLevel?: number;
}

/**
 * Installs a profile as a charge point does (OCPP 1.6 §3.13): it replaces one with the same id,
 * or one with the same purpose and stack level on the same connector. Mutates `installed`.
 */
export function installProfile(installed: InstalledProfile[], connectorId: number, profile: ChargingProfile): void {
  const kept = installed.filter(
    (x) =>
      x.profile.chargingProfileId !== profile.chargingProfileId &&
      !(
        x.connectorId === connectorId &&
        x.profile.chargingProfilePurpose === profile.chargingProfilePurpose &&
        x.profile.stackLevel === profile.stackLevel
      ),
  );
  installed.splice(0, installed.length, ...kept, { connectorId, profile });
}

/** ClearChargingProfile: removes every profile matching all given fields; returns how many went. */
export function clearProfiles(installed: InstalledProfile[], filter: ClearFilter): number {
  const kept = installed.filter(
    (x) =>
      !(
        (filter.id === undefined || x.profile.chargingProfileId === filter.id) &&
        (filter.connectorId === undefined || x.connectorId === filter.connectorId) &&
        (filter.chargingProfilePurpose === undefined ||
          x.profile.chargingProfilePurpose === filter.chargingProfilePurpose) &&
        (filter.stackLevel === undefined || x.profile.stackLevel === filter.stackLevel)
      ),
  );
  const removed = installed.length - kept.length;
  installed.splice(0, installed.length, ...kept);
  return removed;
}

/** A TxProfile ends with its transaction (OCPP 1.6 §3.13.2). */
export function endTransactionProfiles(installed: InstalledProfile[], transactionId: number | null): void {
  const kept = installed.filter(
    (p) => p.profile.transactionId === undefined || p.profile.transactionId !== transactionId,
  );
  installed.splice(0, installed.length, ...kept);
}
