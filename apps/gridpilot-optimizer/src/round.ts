import { roundTo } from '@lib/power';

/** How the API rounds its figures: kW and $ to two decimals, SOC, ratios and seconds to three, the plan's SOC to four. */
export const r2 = (v: number): number => roundTo(v, 2);
export const r3 = (v: number): number => roundTo(v, 3);
export const r4 = (v: number): number => roundTo(v, 4);

/** Every value of a map of kW (or $) to two decimals. */
export const rounded = (values: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [k, r2(v)]));
