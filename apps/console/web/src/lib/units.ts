/**
 * Numbers with units chosen for their size: 950 W, 12.3 kW, 1.25 MW; 800 Wh, 45.6 kWh, 1.2 MWh.
 * Every value on the page goes through these, so a column never mixes "0.15 MW" and "150000 W".
 */

const PREFIXES = [
  { factor: 1e9, prefix: 'G' },
  { factor: 1e6, prefix: 'M' },
  { factor: 1e3, prefix: 'k' },
  { factor: 1, prefix: '' },
] as const;

/** Significant digits: 3 (12.3 kW, 123 kW, 1.23 MW), never more decimals than 2. */
function scaled(value: number, unit: string): string {
  if (!Number.isFinite(value)) return '—';
  // Round to three significant digits first, so 9.9996 kW reads 10.0 kW and 999.7 W reads 1.00 kW.
  const rounded = value === 0 ? 0 : Number(value.toPrecision(3));
  const abs = Math.abs(rounded);
  const step = PREFIXES.find((p) => abs >= p.factor) ?? PREFIXES[PREFIXES.length - 1];
  const v = rounded / step.factor;
  const a = Math.abs(v);
  // Whole units below a kilo (no one reads 0.37 W); three significant digits above.
  const decimals = step.factor === 1 || a >= 100 ? 0 : a >= 10 ? 1 : 2;
  const text = v.toFixed(decimals);
  // -0.00 reads as a sign error to an operator.
  const clean = /^-0(\.0+)?$/.test(text) ? text.slice(1) : text;
  return `${clean} ${step.prefix}${unit}`;
}

/** Power given in W. */
export const formatPowerW = (watts: number): string => scaled(watts, 'W');
/** Power given in kW. */
export const formatPowerKw = (kw: number): string => scaled(kw * 1e3, 'W');
/** Power given in MW (the plant's unit). */
export const formatPowerMw = (mw: number): string => scaled(mw * 1e6, 'W');
/** Energy given in Wh. */
export const formatEnergyWh = (wh: number): string => scaled(wh, 'Wh');
/** Energy given in kWh. */
export const formatEnergyKwh = (kwh: number): string => scaled(kwh * 1e3, 'Wh');
/** Energy given in MWh. */
export const formatEnergyMwh = (mwh: number): string => scaled(mwh * 1e6, 'Wh');

/** A percentage with at most one decimal: 57 %, 57.5 %. */
export function formatPercent(value: number): string {
  if (!Number.isFinite(value)) return '—';
  const text = Math.abs(value) >= 10 || Number.isInteger(value) ? value.toFixed(0) : value.toFixed(1);
  return `${text} %`;
}

/** Money in the site's currency, two decimals. */
export function formatMoney(value: number, currency = 'EUR'): string {
  if (!Number.isFinite(value)) return '—';
  return new Intl.NumberFormat('en', { style: 'currency', currency, maximumFractionDigits: 2 }).format(value);
}

/** A price per MWh: 87.40 €/MWh. */
export function formatPricePerMwh(value: number, currency = 'EUR'): string {
  return `${formatMoney(value, currency)}/MWh`;
}
