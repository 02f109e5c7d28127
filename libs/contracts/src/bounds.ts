import { ValidationOptions, registerDecorator } from 'class-validator';

/**
 * Physical bounds of what a device on this site can report. They are deliberately wide (a value
 * outside them is a forgery or a unit mix-up, not a reading worth keeping) and finite, so no
 * stored or optimised value can overflow a column or make a plan infeasible.
 */
export const BOUNDS = {
  /** Active, reactive and apparent power (kW, kVAr, kVA), signed where the field is. */
  powerKw: 1_000_000,
  /** Any voltage a device reports (V): up to 100 kV covers a medium-voltage connection. */
  voltageV: 100_000,
  /** Any current (A), signed for batteries. */
  currentA: 100_000,
  /** Cumulative energy (kWh); 1e12 kWh is far beyond any site's lifetime yield. */
  energyKwh: 1e12,
  /** Battery capacity (kWh), strictly positive. */
  capacityKwh: 10_000_000,
  /** Grid frequency (Hz). */
  frequencyHz: { min: 40, max: 70 },
  /** Any temperature (°C). */
  temperatureC: { min: -60, max: 150 },
  /** Power in W (MPPT trackers, charger limits). */
  powerW: 1e9,
  /** Solar irradiance (W/m²); the solar constant is 1,361. */
  irradianceWm2: 2_000,
  /** Racks per BESS: rack01 … rack12. */
  racksPerBess: 12,
  /** Entries of a per-tracker, per-string or per-phase list. */
  listItems: 64,
  /** 16-bit status words. */
  word16: 0xffff,
} as const;

/** rack01 … rack12, the racks a BESS has. */
export const RACK_NUMBER = /^rack(0[1-9]|1[0-2])$/;

/** A non-negative integer that survives a round trip through a double (seq, transaction ids). */
export function IsSafeCount(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol): void =>
    registerDecorator({
      name: 'isSafeCount',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: `${String(propertyName)} must be a non-negative safe integer`, ...options },
      validator: { validate: (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 0 },
    });
}

/** How far a message's timestamp may lie from the receiver's clock; passed to validation as context. */
export interface ClockSkew {
  pastS: number;
  futureS: number;
  /** The receiver's clock (ms since epoch); Date.now() when absent. */
  nowMs?: number;
}

export const DEFAULT_CLOCK_SKEW: ClockSkew = { pastS: 24 * 3600, futureS: 300 };

/**
 * class-validator gives custom validators no per-call context, so decodeBusMessage puts the skew
 * on this module-level slot for the duration of one synchronous validateSync call.
 */
let activeSkew: ClockSkew = DEFAULT_CLOCK_SKEW;

/** An ISO-8601 time within the clock skew given to validateSync in `context` (or the default). */
export function IsRecentTimestamp(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol): void =>
    registerDecorator({
      name: 'isRecentTimestamp',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: `${String(propertyName)} must be an ISO-8601 time within the allowed clock skew`,
        ...options,
      },
      validator: {
        validate(value: unknown): boolean {
          if (typeof value !== 'string' || value.length > 40) return false;
          if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return false;
          const at = Date.parse(value);
          if (Number.isNaN(at)) return false;
          const skew = activeSkew;
          const now = skew.nowMs ?? Date.now();
          return at >= now - skew.pastS * 1000 && at <= now + skew.futureS * 1000;
        },
      },
    });
}

/** Runs `validate` (synchronous) with `skew` as the timestamp window. */
export function withClockSkew<T>(skew: ClockSkew, validate: () => T): T {
  const previous = activeSkew;
  activeSkew = skew;
  try {
    return validate();
  } finally {
    activeSkew = previous;
  }
}
