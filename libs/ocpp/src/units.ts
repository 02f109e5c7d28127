/** OCPP 1.6-J subprotocol name, as negotiated on the WebSocket. */
export const OCPP16_SUBPROTOCOL = 'ocpp1.6';

export type ChargingRateUnit = 'A' | 'W';
export type ChargingProfilePurpose = 'ChargePointMaxProfile' | 'TxDefaultProfile' | 'TxProfile';
export type ChargingProfileKind = 'Absolute' | 'Recurring' | 'Relative';
export type RecurrencyKind = 'Daily' | 'Weekly';

/** The conversions the platform assumes when a station does not say otherwise. */
export const NOMINAL_VOLTAGE_V = 230;
export const DEFAULT_NUMBER_PHASES = 3;

export const ampsToWatts = (
  limitA: number,
  numberPhases = DEFAULT_NUMBER_PHASES,
  voltageV = NOMINAL_VOLTAGE_V,
): number => limitA * voltageV * numberPhases;

export const wattsToAmps = (
  limitW: number,
  numberPhases = DEFAULT_NUMBER_PHASES,
  voltageV = NOMINAL_VOLTAGE_V,
): number => limitW / (voltageV * numberPhases);

/** OCPP 1.6 limits are decimals with one digit after the point; rounds down so a cap stays a cap. */
export const toOcppLimit = (limit: number): number => Math.floor(Math.round(limit * 1000) / 100) / 10;

/** Converts a limit between units. */
export function convertLimit(
  limit: number,
  from: ChargingRateUnit,
  to: ChargingRateUnit,
  numberPhases = DEFAULT_NUMBER_PHASES,
): number {
  if (from === to) return limit;
  return from === 'A' ? ampsToWatts(limit, numberPhases) : wattsToAmps(limit, numberPhases);
}
