/** OCPP 1.6 sampled values as stations send them (MeterValues, StopTransaction's transactionData). */
export interface SampledValue {
  value: string;
  measurand?: string;
  unit?: string;
  phase?: string;
  context?: string;
}

export interface MeterValue {
  timestamp: string;
  sampledValue: SampledValue[];
}

/** One stored reading, as a row of csms_meter_values holds it. */
export interface Reading {
  timestamp: Date;
  measurand: string;
  value: number;
  unit: string | null;
  phase: string | null;
  context: string;
}

export const ENERGY = 'Energy.Active.Import.Register';
export const POWER = 'Power.Active.Import';
export const SOC = 'SoC';
/** What OCPP 1.6 says a sampled value without a context is. */
export const DEFAULT_CONTEXT = 'Sample.Periodic';

/**
 * The numeric readings of a MeterValues list; `skipped` counts values that are not numbers. A
 * value without a context gets `defaultContext` (StopTransaction's transactionData is
 * Transaction.End or Sample.Periodic as the station says; MeterValues default to Sample.Periodic).
 */
export function readings(meterValues: MeterValue[]): { rows: Reading[]; skipped: number } {
  const rows: Reading[] = [];
  let skipped = 0;
  for (const mv of meterValues) {
    for (const sv of mv.sampledValue) {
      const value = Number(sv.value);
      if (!Number.isFinite(value)) {
        skipped++;
        continue;
      }
      rows.push({
        timestamp: new Date(mv.timestamp),
        measurand: sv.measurand ?? ENERGY,
        value,
        unit: sv.unit ?? null,
        phase: sv.phase ?? null,
        context: sv.context ?? DEFAULT_CONTEXT,
      });
    }
  }
  return { rows, skipped };
}

/** The identity of a reading for de-duplication, besides its time: (measurand, context, phase). */
export const readingKey = (r: Pick<Reading, 'measurand' | 'context' | 'phase'>): string =>
  `${r.measurand}|${r.context}|${r.phase ?? ''}`;

/** Active power drawn (W) in one set of readings taken at one instant, or null when none is reported. */
export function powerW(rows: Pick<Reading, 'measurand' | 'value' | 'unit' | 'phase'>[]): number | null {
  const power = rows.filter((r) => r.measurand === POWER);
  const inW = (r: Pick<Reading, 'value' | 'unit'>): number => (r.unit === 'kW' ? r.value * 1000 : r.value);
  const total = power.find((r) => r.phase === null);
  if (total) return inW(total);
  const phases = power.filter((r) => r.phase === 'L1' || r.phase === 'L2' || r.phase === 'L3');
  return phases.length > 0 ? phases.reduce((sum, r) => sum + inW(r), 0) : null;
}

/** The energy register (Wh) in one set of readings, or null. */
export function energyWh(rows: Pick<Reading, 'measurand' | 'value' | 'unit' | 'phase'>[]): number | null {
  const energy = rows.find((r) => r.measurand === ENERGY && r.phase === null);
  if (!energy) return null;
  return energy.unit === 'kWh' ? energy.value * 1000 : energy.value;
}

/** The EV's state of charge (%) in one set of readings, or null. */
export function socPct(rows: Pick<Reading, 'measurand' | 'value'>[]): number | null {
  return rows.find((r) => r.measurand === SOC)?.value ?? null;
}
