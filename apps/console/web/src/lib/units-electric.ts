/**
 * The electrical figures lib/units.ts does not cover, in the same spirit (fixed decimals, a space
 * before the unit, "—" for nothing): volts, amperes, hertz, degrees, reactive and apparent power.
 */
import { formatPowerKw } from './units';

const fixed = (value: number | null | undefined, decimals: number, unit: string): string =>
  value === null || value === undefined || !Number.isFinite(value) ? '—' : `${value.toFixed(decimals)} ${unit}`;

export const formatVolts = (v: number | null | undefined): string => fixed(v, 1, 'V');
export const formatAmps = (a: number | null | undefined): string => fixed(a, 1, 'A');
/** Hertz, three decimals by default (59.993 Hz); two on a chart's narrow axis. */
export const formatHz = (hz: number | null | undefined, decimals = 3): string => fixed(hz, decimals, 'Hz');
export const formatCelsius = (c: number | null | undefined): string => fixed(c, 1, '°C');
export const formatPowerFactor = (pf: number | null | undefined): string => fixed(pf, 3, '').trim();

/** Reactive power given in kvar: 29.6 kvar, 1.20 Mvar. */
export function formatReactiveKvar(kvar: number | null | undefined): string {
  return kvar === null || kvar === undefined ? '—' : formatPowerKw(kvar).replace(/W$/, 'var');
}

/** Apparent power given in kVA: 169 kVA. */
export function formatApparentKva(kva: number | null | undefined): string {
  return kva === null || kva === undefined ? '—' : formatPowerKw(kva).replace(/W$/, 'VA');
}
