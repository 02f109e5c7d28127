import type { Validator } from 'ocpp-rpc/lib/validator';

/** The identity strings of a 1.6 BootNotification.req and their schema's maxLength. */
export const BOOT_FIELD_LIMITS: Readonly<Record<string, number>> = {
  chargePointVendor: 20,
  chargePointModel: 20,
  chargePointSerialNumber: 25,
  chargeBoxSerialNumber: 25,
  firmwareVersion: 50,
  iccid: 20,
  imsi: 20,
  meterType: 25,
  meterSerialNumber: 25,
};

export interface LenientPolicy {
  /** Every station. */
  lenientFields: boolean;
  /** Only stations whose BootNotification names one of these chargePointModel values. */
  lenientModels: string[];
}

/**
 * Truncates over-length identity strings of a BootNotification in place, when the policy lets
 * this model in; returns what was cut, for the log. Other frames and other deviations are left as
 * they are: the strict schema still judges them.
 */
export function truncateBootFields(params: unknown, policy: LenientPolicy): string[] {
  if (typeof params !== 'object' || params === null) return [];
  const fields = params as Record<string, unknown>;
  const model = typeof fields.chargePointModel === 'string' ? fields.chargePointModel : '';
  const applies = policy.lenientFields || policy.lenientModels.includes(model);
  if (!applies) return [];
  const cut: string[] = [];
  for (const [field, max] of Object.entries(BOOT_FIELD_LIMITS)) {
    const value = fields[field];
    if (typeof value === 'string' && value.length > max) {
      cut.push(`${field} (${value.length} characters, limit ${max}): "${value}"`);
      fields[field] = value.slice(0, max);
    }
  }
  return cut;
}

/** The strict validator, with BootNotification's over-length fields truncated first when allowed. */
export function lenientValidator(strict: Validator, policy: LenientPolicy, log: (message: string) => void): Validator {
  if (!policy.lenientFields && policy.lenientModels.length === 0) return strict;
  return Object.assign(Object.create(strict) as Validator, {
    validate: (schemaId: string, params: unknown) => {
      if (schemaId === 'urn:BootNotification.req') {
        const cut = truncateBootFields(params, policy);
        if (cut.length > 0) log(`lenient BootNotification: truncated ${cut.join('; ')}`);
      }
      return strict.validate(schemaId, params);
    },
  });
}
