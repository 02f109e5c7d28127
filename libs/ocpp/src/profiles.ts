import type { ChargingProfileKind, ChargingProfilePurpose, ChargingRateUnit, RecurrencyKind } from './units';

/** OCPP 1.6 ChargingSchedulePeriod: from `startPeriod` seconds after the schedule starts. */
export interface ChargingSchedulePeriod {
  startPeriod: number;
  limit: number;
  numberPhases?: number;
}

export interface ChargingSchedule {
  duration?: number;
  startSchedule?: string;
  chargingRateUnit: ChargingRateUnit;
  chargingSchedulePeriod: ChargingSchedulePeriod[];
  minChargingRate?: number;
}

/** OCPP 1.6 csChargingProfiles, as SetChargingProfile carries it. */
export interface ChargingProfile {
  chargingProfileId: number;
  transactionId?: number;
  stackLevel: number;
  chargingProfilePurpose: ChargingProfilePurpose;
  chargingProfileKind: ChargingProfileKind;
  recurrencyKind?: RecurrencyKind;
  validFrom?: string;
  validTo?: string;
  chargingSchedule: ChargingSchedule;
}

/** A profile as installed on a charge point: connector 0 means the whole station. */
export interface InstalledProfile {
  connectorId: number;
  profile: ChargingProfile;
}
