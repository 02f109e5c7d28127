/**
 * How the API rounds its figures (plain Math.round, so an answer stays what it was): kW and $ to
 * two decimals, SOC, ratios and seconds to three, the plan's SOC to four.
 */
export const r2 = (v: number): number => Math.round(v * 100) / 100;
export const r3 = (v: number): number => Math.round(v * 1000) / 1000;
export const r4 = (v: number): number => Math.round(v * 10_000) / 10_000;

/** Every value of a map of kW (or $) to two decimals. */
export const rounded = (values: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [k, r2(v)]));
